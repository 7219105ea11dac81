/** The multi-layer perceptron of PPO's actor and critic (and of any vector-input model). */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/core/rng.js';
import { type Module, Dense, activate, activationGrad } from './layers.js';

export interface MlpOptions {
  /** Hidden layer activation; the output layer is linear. */
  activation: 'tanh' | 'relu';
  hiddenGain: number;
  outputGain: number;
  rng: Rng;
  name?: string;
}

/**
 * A multi-layer perceptron with `sizes` = [in, hidden..., out]. Its backward pass is written out
 * (tf.customGrad): for the 64-unit networks of PPO, TensorFlow.js's generic gradients spend more
 * time in per-kernel overhead (reshapes, casts, identities) than in arithmetic, and the written-out
 * pass needs about a third of the kernels. Tests check it against finite differences.
 */
export class Mlp implements Module {
  readonly layers: Dense[];
  private readonly run: (...inputs: tf.Tensor[]) => tf.Tensor;

  constructor(readonly sizes: readonly number[], readonly options: MlpOptions) {
    if (sizes.length < 2) throw new RangeError(`Mlp: needs at least input and output sizes, got [${sizes.join(', ')}]`);
    const last = sizes.length - 2;
    this.layers = sizes.slice(1).map((units, l) => new Dense(sizes[l]!, units, l === last ? 'linear' : options.activation, {
      gain: l === last ? options.outputGain : options.hiddenGain, rng: options.rng, name: `${options.name ?? 'mlp'}_${l}`,
    }));
    const act = options.activation;
    this.run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      let h = args[0] as tf.Tensor;
      const inputs: tf.Tensor[] = []; // the input of every layer, kept for the backward pass
      this.layers.forEach((layer, l) => {
        inputs.push(h);
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: layer.kernel as tf.Tensor2D, bias: layer.bias });
        if (l < last) h = activate(h, act);
      });
      save(inputs);
      return {
        value: h,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const grads: tf.Tensor[] = [];
          let delta = dy; // dL/d(pre-activation) of layer l
          for (let l = last; l >= 0; l--) {
            const input = saved[l]!;
            grads.push(tf.sum(delta, 0), tf.matMul(input, delta, true, false)); // bias, then kernel (reversed below)
            delta = tf.matMul(delta, this.layers[l]!.kernel, false, true);
            if (l > 0) delta = activationGrad(delta, input, act);
          }
          return [delta, ...grads.reverse()]; // [dx, dW0, db0, dW1, db1, ...]
        },
      };
    });
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.run(x, ...this.variables);
  }
}
