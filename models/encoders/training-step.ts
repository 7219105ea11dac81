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
  const weights = { ...encoder.lossWeights, ...options.weights };
  const kept: Record<string, tf.Scalar> = {};
  const total = encoder.optimizer.minimize(() => {
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
  }, true, encoder.variables as tf.Variable[])!;
  const stats: EncoderStats = { loss: total.dataSync()[0]! };
  for (const [name, term] of Object.entries(kept)) stats[name] = term.dataSync()[0]!;
  tf.dispose([total, ...Object.values(kept)]);
  return stats;
}
