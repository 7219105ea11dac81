/**
 * 'vae' and 'pred': the AML paper's convolutional VAE and its sequential predictive variant
 * (shared/REFERENCE.md; shared/RESEARCH-aml-e2c-ilqr.md 1.6, the authors' bulb `svae_nets.py`).
 *
 * Frames [S, S, C] with S divisible by 16 (the paper: S = 64, C = 3); n filters (the paper: 32).
 *   encoder: 4 x [conv k4 s2 'same' -> batch norm -> ELU] with n, 2n, 2n, 4n filters (S -> S/16),
 *            then conv k(S/16) s1 'valid' to 128 features (1 x 1; k4 at S = 64) -> batch norm -> ELU
 *   head:    features (+ the action a_t for 'pred', as the authors' code) -> FC 1024 (ELU) -> FC 512 (ELU)
 *            -> FC to mu and raw log-variance; logvar = clamp(raw, -20, 20) (the authors' Hardtanh +-20); mu unbounded
 *   decoder: FC latent -> 512 (ELU) -> 1024 (ELU) -> 128 (ELU) -> [1, 1, 128]
 *            -> convT k(S/16) s(S/16) to 4n (S/16) -> ELU -> batch norm (BN after the nonlinearity, as the authors)
 *            -> convT k4 s2 'same' 2n -> ELU -> BN -> convT k4 s2 2n -> ELU -> BN
 *            -> convT k4 s2 n -> ELU (no BN) -> convT k4 s2 C -> sigmoid (no BN)
 *   'vae':  latent 5 (dynamic). 'pred': 3 static + 2 dynamic per frame; from frame t and action a_t the
 *           head emits mu and logvar for (z_t, z_t+1) at once (2 x 5 numbers each); one decoder decodes
 *           both, to frames t and t+1. (The static/dynamic split is recorded; the loss treats the five alike.)
 *   loss terms: 'reconstruction' = the negative Gaussian log-likelihood of the frame (pixels in [0, 1])
 *           under N(decoded, 1) (fixed unit variance), summed over pixels (both frames for 'pred'),
 *           mean over the batch: 0.5 * sum (x - x^)^2 + 0.5 * D * log(2 pi);
 *           'kl' = KL(N(mu, diag exp logvar) || N(0, I)) = 0.5 * sum (exp lv + mu^2 - 1 - lv), mean over the batch,
 *           weighted by `klWeight` (default 1) through lossWeights.
 *   Samples by the reparameterisation trick, z = mu + exp(logvar / 2) * eps, eps from tf.randomNormal with
 *   a seed drawn from the encoder's own Rng (reproducible runs). encode() returns the posterior means
 *   (for 'pred', of z_t, with a zero action).
 *
 * Batch norm: losses() (training) normalises with the batch's statistics and, as a side effect, updates
 * the running statistics (momentum 0.1, as torch) by assigning non-trainable variables; encode() and
 * layerShapes() use the running statistics. The running statistics are saved in the checkpoint's meta
 * (they are not trainable, so the optimiser state does not cover them).
 * Adam, lr 1e-4 by default (the authors' `unsup_lr`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/core/rng.js';
import { adam } from '../compute/adam.js';
import { CheckpointMismatchError, ModelConfigError } from '../errors.js';
import { loadModelState, saveModelState } from '../nn/parameter-state.js';
import { Conv2d, ConvTranspose2d, Dense } from '../nn/layers.js';
import type { Encoder, EncoderBatch, EncoderLosses, EncoderOptions } from './encoder.js';
import { registerEncoder } from './registry.js';

const FEATURES = 128;
const HIDDEN = [1024, 512] as const;
const LOGVAR_BOUND = 20;
const BN_MOMENTUM = 0.1;
const BN_EPSILON = 1e-5;

export interface VaeOptions extends EncoderOptions {
  /** n, the first conv's filters (the paper: 32). */
  filters?: number;
  /** The weight of the 'kl' term (default 1). */
  klWeight?: number;
}

/** Batch normalisation over N, H, W (or N for 2-D input), with learned scale and shift and running statistics. */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(readonly channels: number, name: string) {
    const id = BatchNorm.next++;
    [this.gamma, this.beta, this.runningMean, this.runningVar] = tf.tidy(() => [
      tf.variable(tf.ones([channels]), true, `${name}_gamma_${id}`),
      tf.variable(tf.zeros([channels]), true, `${name}_beta_${id}`),
      tf.variable(tf.zeros([channels]), false, `${name}_rmean_${id}`),
      tf.variable(tf.ones([channels]), false, `${name}_rvar_${id}`),
    ]);
  }

  private static next = 0;

  get variables(): tf.Variable[] {
    return [this.gamma, this.beta];
  }

  /** Training: the batch's statistics, and the running ones updated (unbiased variance, as torch). */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training) return tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, BN_EPSILON);
    const axes = x.rank === 4 ? [0, 1, 2] : [0];
    const { mean, variance } = tf.moments(x, axes);
    const n = x.size / this.channels;
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    return tf.batchNorm(x, mean, variance, this.beta, this.gamma, BN_EPSILON);
  }
}

/** The negative log-likelihood of x under N(mean, 1), summed over all but the first axis, mean over the batch. */
export function gaussianNll(x: tf.Tensor, mean: tf.Tensor): tf.Scalar {
  const d = x.size / x.shape[0]!;
  const sq = tf.div(tf.sum(tf.squaredDifference(x, mean)), x.shape[0]!);
  return tf.add(tf.mul(sq, 0.5), 0.5 * d * Math.log(2 * Math.PI)) as tf.Scalar;
}

/** KL(N(mu, diag exp logvar) || N(0, I)), summed over the latent, mean over the batch. */
export function gaussianKl(mu: tf.Tensor2D, logvar: tf.Tensor2D): tf.Scalar {
  const perDim = tf.sub(tf.add(tf.exp(logvar), tf.square(mu)), tf.add(logvar, 1));
  return tf.mul(tf.mean(tf.sum(perDim, 1)), 0.5) as tf.Scalar;
}

export class ConvVae implements Encoder {
  readonly name: 'vae' | 'pred';
  readonly inputShape: readonly number[];
  readonly latentDim: number;
  readonly learningRate: number;
  readonly filters: number;
  readonly actionSize: number;
  readonly optimizer: tf.Optimizer;
  readonly lossWeights: Readonly<Record<string, number>>;
  private readonly rng: Rng;
  private readonly convs: Conv2d[];
  private readonly convNorms: BatchNorm[];
  private readonly head: Dense[];
  private readonly decodeDense: Dense[];
  private readonly deconvs: ConvTranspose2d[];
  private readonly deconvNorms: BatchNorm[];
  /** Latents per frame (z_t); the head emits `steps` of them. */
  private readonly steps: number;

  constructor(kind: 'vae' | 'pred', options: VaeOptions) {
    this.name = kind;
    const [h, w, c] = options.inputShape as [number, number, number];
    if (options.inputShape.length !== 3 || h !== w || h % 16 !== 0) {
      throw new ModelConfigError(`encoder '${kind}' needs square frames [S, S, C] with S divisible by 16, got [${options.inputShape.join(', ')}] (see --frame-size)`);
    }
    this.inputShape = [h, w, c];
    this.latentDim = options.latentDim ?? 5;
    this.learningRate = options.learningRate ?? 1e-4;
    this.filters = options.filters ?? 32;
    this.actionSize = kind === 'pred' ? options.actionSize : 0;
    this.steps = kind === 'pred' ? 2 : 1;
    this.lossWeights = { reconstruction: 1, kl: options.klWeight ?? 1 };
    for (const [key, v] of [['latentDim', this.latentDim], ['filters', this.filters]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new ModelConfigError(`encoder '${kind}': ${key} must be a positive whole number, got ${v}`);
    }
    const rng = new Rng(options.seed);
    this.rng = new Rng(options.seed + 1);
    const n = this.filters;
    const k = h / 16;
    const init = (gain: number, name: string) => ({ gain, rng, name: `${kind}_${name}` });
    const elu = 1; // ELU's gain is close to 1
    const encFilters = [n, 2 * n, 2 * n, 4 * n];
    const inC = [c, ...encFilters];
    this.convs = encFilters.map((f, i) => new Conv2d(inC[i]!, { filters: f, kernel: 4, stride: 2, padding: 'same' }, 'linear', init(elu, `conv${i}`)));
    this.convs.push(new Conv2d(4 * n, { filters: FEATURES, kernel: k, stride: 1, padding: 'valid' }, 'linear', init(elu, 'conv4')));
    this.convNorms = [...encFilters, FEATURES].map((f, i) => new BatchNorm(f, `${kind}_bn${i}`));
    const headIn = FEATURES + this.actionSize;
    const out = this.steps * this.latentDim;
    this.head = [
      new Dense(headIn, HIDDEN[0], 'linear', init(elu, 'fc0')),
      new Dense(HIDDEN[0], HIDDEN[1], 'linear', init(elu, 'fc1')),
      new Dense(HIDDEN[1], 2 * out, 'linear', init(0.01, 'fc_mu_logvar')),
    ];
    this.decodeDense = [
      new Dense(this.latentDim, HIDDEN[1], 'linear', init(elu, 'dfc0')),
      new Dense(HIDDEN[1], HIDDEN[0], 'linear', init(elu, 'dfc1')),
      new Dense(HIDDEN[0], FEATURES, 'linear', init(elu, 'dfc2')),
    ];
    const decFilters = [4 * n, 2 * n, 2 * n, n, c];
    const decIn = [FEATURES, ...decFilters];
    this.deconvs = decFilters.map((f, i) => new ConvTranspose2d(decIn[i]!, i === 0
      ? { filters: f, kernel: k, stride: k, padding: 'same' }
      : { filters: f, kernel: 4, stride: 2, padding: 'same' }, i === 4 ? 'sigmoid' : 'linear', init(1, `deconv${i}`)));
    this.deconvNorms = decFilters.slice(0, 3).map((f, i) => new BatchNorm(f, `${kind}_dbn${i}`));
    this.optimizer = adam(this.learningRate);
  }

  get variables(): tf.Variable[] {
    return [
      ...this.convs.flatMap((m) => m.variables), ...this.convNorms.flatMap((m) => m.variables),
      ...this.head.flatMap((m) => m.variables), ...this.decodeDense.flatMap((m) => m.variables),
      ...this.deconvs.flatMap((m) => m.variables), ...this.deconvNorms.flatMap((m) => m.variables),
    ];
  }

  private get norms(): BatchNorm[] {
    return [...this.convNorms, ...this.deconvNorms];
  }

  private toFrames(data: Uint8Array, count: number): tf.Tensor4D {
    const size = this.inputShape[0]! * this.inputShape[1]! * this.inputShape[2]!;
    const pixels = new Float32Array(count * size);
    for (let i = 0; i < pixels.length; i++) pixels[i] = data[i]! / 255;
    return tf.tensor4d(pixels, [count, ...(this.inputShape as [number, number, number])]);
  }

  /** mu and logvar [count, steps * latentDim]; `trace` collects each layer's output shape. */
  private posterior(x: tf.Tensor4D, actions: tf.Tensor2D | null, training: boolean, trace?: [string, number[]][]): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    let h: tf.Tensor = x;
    this.convs.forEach((conv, i) => {
      h = tf.elu(this.convNorms[i]!.apply(conv.apply(h), training));
      trace?.push([`conv${i}`, h.shape]);
    });
    h = tf.reshape(h, [x.shape[0], FEATURES]);
    if (actions) h = tf.concat([h, actions], 1);
    trace?.push(['head_input', h.shape]);
    h = tf.elu(this.head[0]!.apply(h));
    trace?.push(['fc0', h.shape]);
    h = tf.elu(this.head[1]!.apply(h));
    trace?.push(['fc1', h.shape]);
    const out = this.head[2]!.apply(h);
    trace?.push(['fc_mu_logvar', out.shape]);
    const size = this.steps * this.latentDim;
    const [mu, raw] = tf.split(out, [size, size], 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mu, logvar: tf.clipByValue(raw, -LOGVAR_BOUND, LOGVAR_BOUND) };
  }

  private decode(z: tf.Tensor2D, training: boolean, trace?: [string, number[]][]): tf.Tensor4D {
    let h: tf.Tensor = z;
    this.decodeDense.forEach((layer, i) => {
      h = tf.elu(layer.apply(h));
      trace?.push([`dfc${i}`, h.shape]);
    });
    h = tf.reshape(h, [z.shape[0], 1, 1, FEATURES]);
    this.deconvs.forEach((layer, i) => {
      h = layer.apply(h);
      if (i < 4) h = tf.elu(h);
      if (i < 3) h = this.deconvNorms[i]!.apply(h, training);
      trace?.push([`deconv${i}`, h.shape]);
    });
    return h as tf.Tensor4D;
  }

  private actionTensor(actions: Float32Array | null, count: number): tf.Tensor2D | null {
    if (this.name !== 'pred') return null;
    return actions ? tf.tensor2d(actions.subarray(0, count * this.actionSize), [count, this.actionSize]) : tf.zeros([count, this.actionSize]);
  }

  /** Posterior means of z_t (for 'pred': with a zero action), using the running batch-norm statistics. */
  encode(frames: Uint8Array, count: number): Float32Array {
    return tf.tidy(() => {
      const { mu } = this.posterior(this.toFrames(frames, count), this.actionTensor(null, count), false);
      return tf.slice(mu, [0, 0], [count, this.latentDim]).dataSync() as Float32Array;
    });
  }

  /** Every layer's output shape for a batch of `count` (a forward pass with running statistics). */
  layerShapes(count = 1): [string, number[]][] {
    const trace: [string, number[]][] = [];
    tf.tidy(() => {
      const [h, w, c] = this.inputShape as [number, number, number];
      const x = tf.zeros([count, h, w, c]) as tf.Tensor4D;
      const { mu } = this.posterior(x, this.actionTensor(null, count), false, trace);
      this.decode(tf.slice(mu, [0, 0], [count, this.latentDim]), false, trace);
    });
    return trace;
  }

  /** Mean squared error of the reconstruction from the posterior means of `count` frames (no learning). */
  reconstructionError(frames: Uint8Array, count: number): number {
    return tf.tidy(() => {
      const x = this.toFrames(frames, count);
      const { mu } = this.posterior(x, this.actionTensor(null, count), false);
      return tf.mean(tf.squaredDifference(this.decode(tf.slice(mu, [0, 0], [count, this.latentDim]), false), x)).dataSync()[0]!;
    });
  }

  /** The number of trainable parameters. */
  parameterCount(): number {
    return this.variables.reduce((a, v) => a + v.size, 0);
  }

  losses(batch: EncoderBatch): EncoderLosses {
    const count = batch.count;
    const x = this.toFrames(batch.frames, count);
    const { mu, logvar } = this.posterior(x, this.actionTensor(batch.actions, count), true);
    const eps = tf.randomNormal(mu.shape, 0, 1, 'float32', this.rng.integer(0, 2 ** 31 - 1));
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logvar, 0.5)), eps)) as tf.Tensor2D;
    const kl = gaussianKl(mu, logvar);
    const L = this.latentDim;
    if (this.name === 'vae') {
      return { terms: { reconstruction: gaussianNll(x, this.decode(z, true)), kl }, latents: mu };
    }
    const next = this.toFrames(batch.nextFrames, count);
    // One decoder pass over both latents: [z_t; z_t+1] -> [frame t; frame t+1].
    const zs = tf.concat([tf.slice(z, [0, 0], [count, L]), tf.slice(z, [0, L], [count, L])], 0) as tf.Tensor2D;
    const decoded = this.decode(zs, true);
    const targets = tf.concat([x, next], 0);
    // NLL of the pair per sequence: the per-frame NLL (mean over 2 * count frames) times 2.
    const reconstruction = tf.mul(gaussianNll(targets, decoded), 2) as tf.Scalar;
    return {
      terms: { reconstruction, kl },
      latents: tf.slice(mu, [0, 0], [count, L]) as tf.Tensor2D,
      nextLatents: tf.slice(mu, [0, L], [count, L]) as tf.Tensor2D,
    };
  }

  async save(path: string): Promise<void> {
    const batchNorm = this.norms.map((b) => [Array.from(b.runningMean.dataSync()), Array.from(b.runningVar.dataSync())]);
    await saveModelState(path, this.variables, this.optimizer, { encoder: this.describe(), batchNorm });
  }

  async load(path: string): Promise<void> {
    let stats: number[][][] = [];
    await loadModelState(path, this.variables, this.optimizer, 'encoder', (meta) => {
      const saved = JSON.stringify(meta.encoder);
      if (saved !== JSON.stringify(this.describe())) {
        throw new CheckpointMismatchError(`${path}: holds encoder ${saved}, this run's is ${JSON.stringify(this.describe())}`);
      }
      const bn = meta.batchNorm as number[][][] | undefined;
      if (!Array.isArray(bn) || bn.length !== this.norms.length || bn.some((s, i) => s?.[0]?.length !== this.norms[i]!.channels || s?.[1]?.length !== this.norms[i]!.channels)) {
        throw new CheckpointMismatchError(`${path}: batch-norm running statistics missing or of another architecture`);
      }
      stats = bn;
    });
    this.norms.forEach((b, i) => {
      tf.tidy(() => {
        b.runningMean.assign(tf.tensor1d(stats[i]![0]!));
        b.runningVar.assign(tf.tensor1d(stats[i]![1]!));
      });
    });
  }

  describe(): Record<string, unknown> {
    return {
      name: this.name, inputShape: this.inputShape, latentDim: this.latentDim,
      ...(this.name === 'pred' ? { staticLatents: Math.min(3, this.latentDim), dynamicLatents: this.latentDim - Math.min(3, this.latentDim), actionSize: this.actionSize } : {}),
      filters: this.filters, convFilters: [1, 2, 2, 4].map((m) => m * this.filters), features: FEATURES, hidden: HIDDEN,
      logvar: `clamp +-${LOGVAR_BOUND}`, batchNorm: true, activation: 'elu', reconstruction: 'gaussian nll, unit variance',
      klWeight: this.lossWeights.kl, learningRate: this.learningRate,
    };
  }

  dispose(): void {
    tf.dispose(this.variables);
    tf.dispose(this.norms.flatMap((b) => [b.runningMean, b.runningVar]));
    this.optimizer.dispose();
  }
}

registerEncoder('vae', (options) => new ConvVae('vae', options), 'the AML paper\'s conv VAE (n, 2n, 2n, 4n filters + BN + ELU, latent 5, Gaussian NLL + KL)');
registerEncoder('pred', (options) => new ConvVae('pred', options), 'the AML paper\'s sequential predictive VAE (3 static + 2 dynamic latents; frame t and action -> z_t, z_t+1)');
