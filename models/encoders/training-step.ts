/**
 * The one training step every encoder uses: total = sum_k w_k * term_k over the encoder's own loss
 * terms and any auxiliary terms the caller adds (AML's relation losses on the latents), then one
 * optimiser step on the encoder's variables. Weights default to the encoder's `lossWeights`, then 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelConfigError } from '../errors.js';
import type { Encoder, EncoderBatch, EncoderLosses, EncoderStats, LossTerms } from './encoder.js';

/** Extra loss terms computed from the batch and the encoder's forward pass (same gradient tape). */
export type AuxiliaryLoss = (batch: EncoderBatch, forward: EncoderLosses) => LossTerms;

export interface TrainingStepOptions {
  /** Weights by term name, over the encoder's lossWeights (e.g. {kl: 0.5, relations: 10}). */
  weights?: Readonly<Record<string, number>>;
  auxiliary?: AuxiliaryLoss;
}

/** The named terms of one forward pass, the encoder's and the auxiliary ones (names must not clash). */
function allTerms(encoder: Encoder, batch: EncoderBatch, auxiliary: AuxiliaryLoss | undefined): LossTerms {
  const forward = encoder.losses(batch);
  if (!auxiliary) return forward.terms;
  const extra = auxiliary(batch, forward);
  const clash = Object.keys(extra).find((name) => name in forward.terms);
  if (clash !== undefined) throw new ModelConfigError(`auxiliary loss term '${clash}' clashes with encoder '${encoder.name}'s own term of that name`);
  return { ...forward.terms, ...extra };
}

/** One step on `batch`; returns the weighted total and each term's value (before weighting). */
export function trainEncoderStep(encoder: Encoder, batch: EncoderBatch, options: TrainingStepOptions = {}): EncoderStats {
  if (!Number.isInteger(batch.count) || batch.count <= 0) throw new ModelConfigError(`an encoder batch needs a positive whole count of transitions, got ${batch.count}`);
  const weights = { ...encoder.lossWeights, ...options.weights };
  const kept: Record<string, tf.Scalar> = {};
  let total: tf.Scalar;
  try {
    total = minimizeTerms(encoder, batch, options, weights, kept);
  } catch (error) {
    tf.dispose(Object.values(kept)); // a refused step leaves no tensors behind
    throw error;
  }
  const stats: EncoderStats = { loss: total.dataSync()[0]! };
  for (const [name, term] of Object.entries(kept)) stats[name] = term.dataSync()[0]!;
  tf.dispose([total, ...Object.values(kept)]);
  return stats;
}

/**
 * The optimiser step on the weighted sum; every term's value is kept in `kept` (the caller disposes
 * it). An error inside the loss function is caught there and rethrown after minimize has returned:
 * thrown through TensorFlow.js's gradient tape, it would leave the tape open, and every later op
 * would keep its tensors alive.
 */
function minimizeTerms(
  encoder: Encoder, batch: EncoderBatch, options: TrainingStepOptions, weights: Readonly<Record<string, number>>, kept: Record<string, tf.Scalar>,
): tf.Scalar {
  let failure: unknown;
  let placeholder: tf.Scalar | undefined;
  let total: tf.Scalar | null = null;
  try {
    total = encoder.optimizer.minimize(() => {
      try {
        return weightedSum(encoder, batch, options, weights, kept);
      } catch (error) {
        failure = error;
        placeholder = tf.keep(tf.scalar(0)); // no path to the variables: minimize refuses it without a step
        return placeholder;
      }
    }, true, encoder.variables as tf.Variable[]);
  } catch (error) {
    if (failure === undefined) throw error;
  }
  if (failure !== undefined) {
    tf.dispose([total ?? [], placeholder ?? []].flat());
    throw failure;
  }
  return total!;
}

function weightedSum(encoder: Encoder, batch: EncoderBatch, options: TrainingStepOptions, weights: Readonly<Record<string, number>>, kept: Record<string, tf.Scalar>): tf.Scalar {
  const terms = allTerms(encoder, batch, options.auxiliary);
  const unknown = Object.keys(options.weights ?? {}).find((name) => !(name in terms));
  if (unknown !== undefined) throw new ModelConfigError(`a weight is given for loss term '${unknown}', but encoder '${encoder.name}' computes only ${Object.keys(terms).join(', ')}`);
  let sum: tf.Scalar | undefined;
  for (const [name, term] of Object.entries(terms)) {
    if (term.rank !== 0) throw new ModelConfigError(`loss term '${name}' must be a scalar, got a tensor of shape [${term.shape.join(', ')}] (take its mean or sum)`);
    kept[name] = tf.keep(term as tf.Scalar);
    const weight = weights[name] ?? 1;
    const weighted: tf.Scalar = weight === 1 ? (term as tf.Scalar) : tf.mul(term as tf.Scalar, weight);
    sum = sum === undefined ? weighted : tf.add<tf.Scalar>(sum, weighted);
  }
  if (sum === undefined) throw new ModelConfigError(`encoder '${encoder.name}' computed no loss terms`);
  return sum;
}
