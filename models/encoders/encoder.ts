/**
 * The encoder interface of the 'latent' pipeline: a model that maps frames to a latent vector and
 * keeps learning, unsupervised, from the frames the current policy produces (the AML paper's
 * setting: PPO drives a non-stationary frame distribution, the learner trains online on it, PPO
 * acts on its latents). PPO's loss never reaches the encoder: it sees latents as plain inputs.
 *
 * Encoders are registered by name (`registerEncoder`) and chosen with `--encoder NAME`. The VAE,
 * PRED, AML and E2C learners come later behind the same interface; 'autoencoder' is the first.
 */
import { ModelConfigError } from '../errors.js';

/** A minibatch of transitions from the frame replay (frame, action, next frame of the same episode). */
export interface EncoderBatch {
  count: number;
  /** [count, ...inputShape] uint8 frames, as the policy saw them. */
  frames: Uint8Array;
  /** [count, actionSize]: the action taken at each frame (unclipped sample; a Discrete action's index). */
  actions: Float32Array;
  /** [count, ...inputShape]: the frame that action led to. */
  nextFrames: Uint8Array;
}

/** What one update reports: `loss` always, anything else the encoder wants logged. */
export interface EncoderStats {
  loss: number;
  [metric: string]: number;
}

export interface Encoder {
  /** The registered name (`--encoder`). */
  readonly name: string;
  /** One input frame: [height, width, channels] uint8 (stacked frames side by side in channels). */
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  /** Latents of `count` frames ([count, ...inputShape]) as [count, latentDim]; no learning. */
  encode(frames: Uint8Array, count: number): Float32Array;
  /** One training step on a batch of the policy's recent frames. */
  update(batch: EncoderBatch): EncoderStats;
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

const registry = new Map<string, { factory: EncoderFactory; description: string }>();

export function registerEncoder(name: string, factory: EncoderFactory, description = ''): void {
  registry.set(name, { factory, description });
}

export function encoderNames(): string[] {
  return [...registry.keys()].sort();
}

export function encoderDescription(name: string): string {
  return registry.get(name)?.description ?? '';
}

/** Build a registered encoder, or a one-line error naming the registered ones. */
export function makeEncoder(name: string, options: EncoderOptions): Encoder {
  const entry = registry.get(name);
  if (!entry) throw new ModelConfigError(`unknown encoder '${name}'; registered: ${encoderNames().join(', ') || '(none)'}`);
  return entry.factory(options);
}
