/**
 * The actor-critic behind every observation pipeline.
 *
 * - Vector inputs ('state', 'latent'): separate actor and critic MLPs (64-64 tanh by default),
 *   orthogonal init with gain sqrt(2), 0.01 on the actor's output and 1 on the critic's (CleanRL).
 * - Image inputs ('pixels'): one CNN trunk (Nature CNN, 512 ReLU features) shared by a linear
 *   actor head and a linear critic head, as SB3's CnnPolicy and CleanRL's Atari PPO do; both heads'
 *   losses train the trunk.
 * - Box actions: a diagonal Gaussian whose log std is a state-independent parameter vector;
 *   Discrete actions: a categorical over logits.
 *
 * Training runs PPO's loss in plain TypeScript on the outputs read back from the networks
 * (losses.ts); `gradients` backpropagates its output gradient g through the networks as the
 * gradient of the surrogate sum(outputs * g), which has the same parameter gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/core/rng.js';
import { type ActionDistribution, Categorical, DiagGaussian } from './distributions.js';
import type { PolicyOutputs } from './losses.js';
import { CnnTrunk } from '../../models/nn/cnn.js';
import { variable } from '../../models/nn/init.js';
import { Mlp } from '../../models/nn/mlp.js';
import type { CnnConfig } from './config.js';
import type { ActionSpec } from './observations.js';

export { CNN_ARCHITECTURES, DEFAULT_CNN } from './config.js';

export interface PolicyConfig {
  /** The network input of one sample: [features] (vector) or [height, width, channels] (uint8 image). */
  inputShape: number[];
  action: ActionSpec;
  hiddenSizes: number[];
  activation: 'tanh' | 'relu';
  /** Image inputs only: the trunk's convolutions and feature count. */
  cnn: CnnConfig;
  /** Initial log std of the Gaussian (0: std 1). */
  logStdInit: number;
}

/** A batch of network inputs: float32 [count, ...inputShape], or uint8 frames scaled to [0, 1] here. */
export interface InputBatch {
  data: Float32Array | Uint8Array;
  count: number;
}

export class ActorCritic {
  readonly distribution: ActionDistribution;
  readonly trunk: CnnTrunk | undefined;
  readonly actor: Mlp;
  readonly critic: Mlp;
  /** The Gaussian's log std, [actionSize]; undefined for Discrete actions. */
  readonly logStd: tf.Variable | undefined;
  readonly image: boolean;

  constructor(readonly config: PolicyConfig, seed: number) {
    const rng = new Rng(seed);
    const { inputShape, action, hiddenSizes, activation } = config;
    this.distribution = action.kind === 'continuous' ? new DiagGaussian(action.size) : new Categorical(action.n);
    const paramSize = this.distribution.paramSize;
    this.image = inputShape.length === 3;
    let features: number;
    if (this.image) {
      this.trunk = new CnnTrunk(inputShape as [number, number, number], config.cnn.convs, config.cnn.features, rng);
      features = config.cnn.features;
    } else {
      features = inputShape[0]!;
    }
    // Heads on the CNN trunk are linear; on vector inputs they are full MLPs.
    const hidden = this.image ? [] : hiddenSizes;
    this.actor = new Mlp([features, ...hidden, paramSize], { activation, hiddenGain: Math.SQRT2, outputGain: 0.01, rng, name: 'actor' });
    this.critic = new Mlp([features, ...hidden, 1], { activation, hiddenGain: Math.SQRT2, outputGain: 1, rng, name: 'critic' });
    if (action.kind === 'continuous') {
      this.logStd = variable(new Float32Array(action.size).fill(config.logStdInit), [action.size], 'actor_logstd');
    }
  }

  /** All trainable variables, in checkpoint order. */
  get variables(): tf.Variable[] {
    return [...(this.trunk?.variables ?? []), ...this.actor.variables, ...this.critic.variables, ...(this.logStd ? [this.logStd] : [])];
  }

  private input(batch: InputBatch): tf.Tensor {
    const shape = [batch.count, ...this.config.inputShape];
    if (batch.data instanceof Float32Array) return tf.tensor(batch.data.subarray(0, batch.count * sizeOf(this.config.inputShape)), shape, 'float32');
    const pixels = new Float32Array(batch.count * sizeOf(this.config.inputShape));
    for (let i = 0; i < pixels.length; i++) pixels[i] = batch.data[i]! / 255;
    return tf.tensor(pixels, shape, 'float32');
  }

  private outputs(x: tf.Tensor): { params: tf.Tensor; values: tf.Tensor } {
    const features = this.trunk ? this.trunk.apply(x) : x;
    return { params: this.actor.apply(features), values: this.critic.apply(features) };
  }

  /** The shared distribution parameters (log std), read back. */
  readShared(): Float32Array {
    return this.logStd ? (this.logStd.dataSync() as Float32Array).slice() : new Float32Array(0);
  }

  /** Distribution parameters [count, paramSize] and values [count] of a batch (no gradient). */
  forward(batch: InputBatch): { params: Float32Array; values: Float32Array } {
    return tf.tidy(() => {
      const { params, values } = this.outputs(this.input(batch));
      return { params: params.dataSync() as Float32Array, values: values.dataSync() as Float32Array };
    });
  }

  /** V(s) of a batch. */
  value(batch: InputBatch): Float32Array {
    return tf.tidy(() => {
      const x = this.input(batch);
      return this.critic.apply(this.trunk ? this.trunk.apply(x) : x).dataSync() as Float32Array;
    });
  }

  /**
   * Gradients of a loss of the outputs with respect to every variable. `lossGrad` receives the
   * outputs (read back) and returns dLoss/doutputs; the caller disposes of the returned tensors.
   */
  gradients(batch: InputBatch, lossGrad: (out: PolicyOutputs) => PolicyOutputs): tf.NamedTensorMap {
    const { value, grads } = tf.variableGrads(() => {
      const { params, values } = this.outputs(this.input(batch));
      const out: PolicyOutputs = {
        params: params.dataSync() as Float32Array,
        shared: this.readShared(),
        values: values.dataSync() as Float32Array,
      };
      const g = lossGrad(out);
      let surrogate = tf.add(tf.sum(tf.mul(params, tf.tensor(g.params, params.shape))), tf.sum(tf.mul(values, tf.tensor(g.values, values.shape))));
      if (this.logStd) surrogate = tf.add(surrogate, tf.sum(tf.mul(this.logStd, tf.tensor(g.shared, this.logStd.shape))));
      return surrogate as tf.Scalar;
    }, this.variables);
    value.dispose();
    return grads;
  }

  /** What a checkpoint must match to load into this policy. */
  describe(): Record<string, unknown> {
    return {
      inputShape: this.config.inputShape, action: this.config.action, hiddenSizes: this.image ? [] : this.config.hiddenSizes,
      activation: this.config.activation, cnn: this.image ? this.config.cnn : null,
      variables: this.variables.map((v) => v.shape),
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
