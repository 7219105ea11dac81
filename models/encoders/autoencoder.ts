/**
 * 'autoencoder': a small convolutional autoencoder trained online on the policy's frames, the first
 * Encoder (the AML paper's VAE without the KL term: a deterministic latent).
 *
 *   encoder: 3 x [conv k4 s2 'same' + ReLU] with 16, 32, 32 filters -> flatten -> dense latentDim
 *   decoder: dense -> reshape -> 3 x [transposed conv k4 s2] with 32, 16, C filters, ReLU, last sigmoid
 *   loss:    one term, 'reconstruction': the mean squared error between the frame (in [0, 1]) and its reconstruction
 *   Adam, lr 1e-3. Frames need height and width divisible by 8.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/core/rng.js';
import { adam } from '../compute/adam.js';
import { CheckpointMismatchError, ModelConfigError } from '../errors.js';
import { loadModelState, saveModelState } from '../nn/parameter-state.js';
import { Conv2d, ConvTranspose2d, Dense, type Module } from '../nn/layers.js';
import type { Encoder, EncoderBatch, EncoderLosses, EncoderOptions } from './encoder.js';
import { registerEncoder } from './registry.js';

const FILTERS = [16, 32, 32] as const;

export class OnlineAutoencoder implements Encoder {
  readonly name = 'autoencoder';
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  readonly learningRate: number;
  private readonly encoderLayers: Module[];
  private readonly decoderLayers: Module[];
  readonly optimizer: tf.Optimizer;
  readonly lossWeights = { reconstruction: 1 };
  private readonly bottleneck: [number, number, number];

  constructor(options: EncoderOptions) {
    const [h, w, c] = options.inputShape as [number, number, number];
    if (options.inputShape.length !== 3 || h % 8 !== 0 || w % 8 !== 0) {
      throw new ModelConfigError(`encoder 'autoencoder' needs frames [H, W, C] with H and W divisible by 8, got [${options.inputShape.join(', ')}] (see --frame-size)`);
    }
    this.inputShape = [h, w, c];
    this.latentDim = options.latentDim ?? 16;
    this.learningRate = options.learningRate ?? 1e-3;
    const rng = new Rng(options.seed);
    const conv = (inC: number, filters: number, i: number) =>
      new Conv2d(inC, { filters, kernel: 4, stride: 2, padding: 'same' }, 'relu', { gain: Math.SQRT2, rng, name: `ae_conv${i}` });
    const deconv = (inC: number, filters: number, last: boolean, i: number) =>
      new ConvTranspose2d(inC, { filters, kernel: 4, stride: 2, padding: 'same' }, last ? 'sigmoid' : 'relu', { gain: last ? 1 : Math.SQRT2, rng, name: `ae_deconv${i}` });
    this.bottleneck = [h / 8, w / 8, FILTERS[2]];
    const flat = this.bottleneck[0] * this.bottleneck[1] * this.bottleneck[2];
    this.encoderLayers = [
      conv(c, FILTERS[0], 0), conv(FILTERS[0], FILTERS[1], 1), conv(FILTERS[1], FILTERS[2], 2),
      new Dense(flat, this.latentDim, 'linear', { gain: 1, rng, name: 'ae_latent' }),
    ];
    this.decoderLayers = [
      new Dense(this.latentDim, flat, 'relu', { gain: Math.SQRT2, rng, name: 'ae_expand' }),
      deconv(FILTERS[2], FILTERS[1], false, 0), deconv(FILTERS[1], FILTERS[0], false, 1), deconv(FILTERS[0], c, true, 2),
    ];
    this.optimizer = adam(this.learningRate);
  }

  get variables(): tf.Variable[] {
    return [...this.encoderLayers, ...this.decoderLayers].flatMap((m) => m.variables as tf.Variable[]);
  }

  private frames(data: Uint8Array, count: number): tf.Tensor4D {
    const size = this.inputShape[0]! * this.inputShape[1]! * this.inputShape[2]!;
    const pixels = new Float32Array(count * size);
    for (let i = 0; i < pixels.length; i++) pixels[i] = data[i]! / 255;
    return tf.tensor4d(pixels, [count, ...(this.inputShape as [number, number, number])]);
  }

  private encodeTensor(x: tf.Tensor4D): tf.Tensor2D {
    let h: tf.Tensor = x;
    this.encoderLayers.forEach((layer, i) => {
      if (i === 3) h = tf.reshape(h, [x.shape[0], -1]);
      h = layer.apply(h);
    });
    return h as tf.Tensor2D;
  }

  private decodeTensor(z: tf.Tensor2D): tf.Tensor4D {
    let h: tf.Tensor = this.decoderLayers[0]!.apply(z);
    h = tf.reshape(h, [z.shape[0], ...this.bottleneck]);
    for (const layer of this.decoderLayers.slice(1)) h = layer.apply(h);
    return h as tf.Tensor4D;
  }

  encode(frames: Uint8Array, count: number): Float32Array {
    return tf.tidy(() => this.encodeTensor(this.frames(frames, count)).dataSync() as Float32Array);
  }

  /** Mean squared reconstruction error of `count` frames, without learning. */
  reconstructionLoss(frames: Uint8Array, count: number): number {
    return tf.tidy(() => {
      const x = this.frames(frames, count);
      return tf.mean(tf.squaredDifference(this.decodeTensor(this.encodeTensor(x)), x)).dataSync()[0]!;
    });
  }

  /** reconstruction: the mean squared error between the frames (in [0, 1]) and their reconstructions. */
  losses(batch: EncoderBatch): EncoderLosses {
    const x = this.frames(batch.frames, batch.count);
    const latents = this.encodeTensor(x);
    return { terms: { reconstruction: tf.mean(tf.squaredDifference(this.decodeTensor(latents), x)) as tf.Scalar }, latents };
  }

  async save(path: string): Promise<void> {
    await saveModelState(path, this.variables, this.optimizer, { encoder: this.describe() });
  }

  async load(path: string): Promise<void> {
    await loadModelState(path, this.variables, this.optimizer, 'encoder', (meta) => {
      const saved = JSON.stringify(meta.encoder);
      if (saved !== JSON.stringify(this.describe())) {
        throw new CheckpointMismatchError(`${path}: holds encoder ${saved}, this run's is ${JSON.stringify(this.describe())}`);
      }
    });
  }

  describe(): Record<string, unknown> {
    return { name: this.name, inputShape: this.inputShape, latentDim: this.latentDim, filters: FILTERS, learningRate: this.learningRate };
  }

  dispose(): void {
    tf.dispose(this.variables);
    this.optimizer.dispose();
  }
}

registerEncoder('autoencoder', (options) => new OnlineAutoencoder(options), 'conv autoencoder (16-32-32 filters, MSE), trained online on the policy\'s frames');
