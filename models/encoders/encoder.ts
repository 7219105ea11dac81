/**
 * The Encoder interface: a model that maps frames to a latent vector and learns, unsupervised, from
 * transitions (frame, action, next frame). PPO's 'latent' pipeline acts on its latents (the AML
 * paper's setting: PPO drives a non-stationary frame distribution, the learner trains online on it);
 * AML adds relation losses on its latents; E2C is an encoder with latent dynamics.
 *
 * An encoder does not train itself: it exposes its loss as named terms computed on a batch
 * (`losses(batch)`, e.g. {reconstruction, kl}), together with the latents those terms were computed
 * from, and one shared training step (training-step.ts) weights and sums the terms, plus any terms a
 * caller adds (AML's relations), and takes the optimiser step. So a new loss term never needs a
 * fork of the encoder.
 *
 * Encoders are registered by name (registry.ts) and chosen with `--encoder NAME`.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A minibatch of transitions (frame, action, next frame of the same episode). */
export interface EncoderBatch {
  count: number;
  /** [count, ...inputShape] uint8 frames, as the policy saw them. */
  frames: Uint8Array;
  /** [count, actionSize]: the action taken at each frame (unclipped sample; a Discrete action's index). */
  actions: Float32Array;
  /** [count, ...inputShape]: the frame that action led to. */
  nextFrames: Uint8Array;
}

/** Named loss terms (to be minimised), e.g. {reconstruction, kl}; each a scalar (a tensor of rank 0). */
export type LossTerms = Record<string, tf.Tensor>;

/** What `losses(batch)` computes, inside the training step's gradient tape. */
export interface EncoderLosses {
  terms: LossTerms;
  /** [count, latentDim]: the latents of batch.frames the terms were computed from. */
  latents: tf.Tensor2D;
  /** [count, latentDim]: the latents of batch.nextFrames, for encoders that encode them (PRED, E2C). */
  nextLatents?: tf.Tensor2D;
}

/** What one training step reports: the weighted total `loss` and the (unweighted) value of every term. */
export interface EncoderStats {
  loss: number;
  [term: string]: number;
}

export interface Encoder {
  /** The registered name (`--encoder`). */
  readonly name: string;
  /** One input frame: [height, width, channels] uint8 (stacked frames side by side in channels). */
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  /** Every trainable variable, in a fixed order (checkpoints and the optimiser rely on it). */
  readonly variables: readonly tf.Variable[];
  /** The encoder's optimiser (its state is saved with the encoder). */
  readonly optimizer: tf.Optimizer;
  /** The weight of each of its loss terms in the total (a term without one weighs 1). */
  readonly lossWeights: Readonly<Record<string, number>>;
  /** Latents of `count` frames ([count, ...inputShape]) as [count, latentDim]; no learning. */
  encode(frames: Uint8Array, count: number): Float32Array;
  /** The loss terms on a batch; called inside a gradient tape, so it must only use tf ops. */
  losses(batch: EncoderBatch): EncoderLosses;
  /** Write the model and its optimiser state (atomically) to `path` (a .json manifest and its .weights.bin). */
  save(path: string): Promise<void>;
  /** Restore what save() wrote; a file of another architecture is refused with a one-line error. */
  load(path: string): Promise<void>;
  /** Its configuration, recorded with runs and checked when a checkpoint is loaded. */
  describe(): Record<string, unknown>;
  dispose(): void;
}

export interface EncoderOptions {
  inputShape: readonly number[];
  /** Numbers per stored action (for encoders that model dynamics). */
  actionSize: number;
  seed: number;
  latentDim?: number;
  learningRate?: number;
}

export type EncoderFactory = (options: EncoderOptions) => Encoder;
