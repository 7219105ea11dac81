/**
 * The benchmark workloads (workload-specs.ts) as tfjs-layers models, with one training step: forward
 * pass, mean-squared reconstruction loss against the input, backward pass, one Adam update (lr 1e-3).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../../models/compute/adam.js';
import { KERNEL, STRIDE, type LayerSpec, type WorkloadSpec } from './workload-specs.js';

export * from './workload-specs.js';

function layer(spec: LayerSpec, inputShape?: number[]): tfl.layers.Layer {
  const first = inputShape ? { inputShape } : {};
  switch (spec.kind) {
    case 'conv':
    case 'deconv': {
      const args = { ...first, filters: spec.filters, kernelSize: KERNEL, strides: STRIDE, padding: 'same' as const, activation: spec.activation };
      return spec.kind === 'conv' ? tfl.layers.conv2d(args) : tfl.layers.conv2dTranspose(args);
    }
    case 'dense':
      return tfl.layers.dense({ ...first, units: spec.units, activation: spec.activation });
    case 'flatten':
      return tfl.layers.flatten(first);
    case 'reshape':
      return tfl.layers.reshape({ ...first, targetShape: spec.shape });
  }
}

/** The workload's network (weights initialised as Keras does). */
export function buildModel(spec: WorkloadSpec): tfl.Sequential {
  return tfl.sequential({ layers: spec.layers.map((l, i) => layer(l, i === 0 ? spec.inputShape : undefined)) });
}

/** A model, its input batch and Adam, ready to take training steps. */
export interface Trainer {
  /** One training step; returns the loss (read back, so the step has finished). */
  step(): number;
  dispose(): void;
}

/** Set up training of `spec` on a random batch in [0, 1) (the current backend must be ready). */
export function trainer(spec: WorkloadSpec, seed = 0): Trainer {
  const model = buildModel(spec);
  const x = tf.randomUniform([spec.batch, ...spec.inputShape], 0, 1, 'float32', seed);
  const optimizer = adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = () => tf.tidy(() => tf.mean(tf.squaredDifference(model.apply(x) as tf.Tensor, x)) as tf.Scalar);
  return {
    step() {
      const value = optimizer.minimize(loss, true, variables)!;
      const result = value.dataSync()[0]!;
      value.dispose();
      return result;
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
      x.dispose();
    },
  };
}
