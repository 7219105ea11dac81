/** Convolutional trunks for frames: the Nature-DQN layout and the builder of the pixels policy's trunk. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/core/rng.js';
import { ModelConfigError } from '../errors.js';
import { type ConvSpec, type Module, Conv2d, Dense } from './layers.js';

export { NATURE_CNN } from './architectures.js';

/**
 * Convolutions, flatten, one dense layer with ReLU: the shared trunk of the pixels policy. Input
 * [B, H, W, C] floats in [0, 1]; output [B, features].
 */
export class CnnTrunk implements Module {
  readonly convs: Conv2d[];
  readonly dense: Dense;
  readonly flatSize: number;

  constructor(readonly inputShape: readonly [number, number, number], convs: readonly ConvSpec[], readonly features: number, rng: Rng) {
    let [h, w, c] = inputShape;
    this.convs = convs.map((spec, i) => {
      const conv = new Conv2d(c, spec, 'relu', { gain: Math.SQRT2, rng, name: `cnn_${i}` });
      [h, w] = conv.outputSize(h, w);
      c = spec.filters;
      if (h < 1 || w < 1) {
        throw new ModelConfigError(`CnnTrunk: frames of ${inputShape[0]}x${inputShape[1]} are too small for convolution ${i + 1} (kernel ${spec.kernel}, stride ${spec.stride}); use larger frames (--frame-size)`);
      }
      return conv;
    });
    this.flatSize = h * w * c;
    this.dense = new Dense(this.flatSize, features, 'relu', { gain: Math.SQRT2, rng, name: 'cnn_dense' });
  }

  get variables(): tf.Variable[] {
    return [...this.convs.flatMap((c) => c.variables), ...this.dense.variables];
  }

  apply(x: tf.Tensor): tf.Tensor {
    let h = x;
    for (const conv of this.convs) h = conv.apply(h);
    return this.dense.apply(tf.reshape(h, [h.shape[0]!, this.flatSize]));
  }
}
