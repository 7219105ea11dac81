/**
 * Alignment: how well the true low-dimensional state can be read off a latent space.
 *
 * Definition (AML paper, Sec. 4; authors' code bulb `ues/utils/analyze_utils.py` `analyze_with_nns`,
 * see shared/RESEARCH-aml-e2c-ilqr.md section 2.2): a small regressor, re-initialised for every
 * analysis, is fitted from latents (encoder means) to low-dimensional states on a training set, and
 * the alignment is its mean absolute error per state dimension on test sets (the authors: ~10k
 * replay-buffer latents for training, ~10k random-policy samples and ~2.5k current-policy samples
 * for testing; states in [0, 1], not whitened).
 *
 * The regressor, as the authors': MLP [latentDim, 256, 256, stateDim], ReLU, dropout 0.2 after each
 * hidden layer (training only), Adam 1e-4, L1 loss (mean over batch and dimensions), 10,000
 * iterations on minibatches of min(2,048, n) (their min(4 x per-step batch, n) for PRED), no early
 * stopping (they hold 30% out as "validation" but never use it). Departures: the weights are
 * initialised as everywhere in latentgym (orthogonal, gain sqrt(2) hidden and 1 output, zero biases;
 * torch's default is Kaiming-uniform), and early stopping on a held-out fraction is available as an
 * option (off by default).
 *
 * Inputs are plain row-major arrays: latents [n, latentDim], states [n, stateDim].
 *
 * Cost: one default step (batch 2,048, 2 x 256) took ~0.24 s on the wasm backend on a shared 2-core
 * machine, so the authors' 10,000 steps are ~40 min per regressor there; pass fewer `iterations` (or
 * `epochs`) for quick looks, and say so beside the numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../envs/core/rng.js';
import { adam } from '../compute/adam.js';
import { Dense } from '../nn/layers.js';

export interface AlignmentOptions {
  /** Numbers per latent row. */
  latentDim: number;
  /** Numbers per state row. */
  stateDim: number;
  /** Seed of the regressor's initialisation, minibatch order, dropout and validation split. */
  seed: number;
  /** Hidden layer widths (default [256, 256]). */
  hidden?: readonly number[];
  /** Dropout rate after each hidden layer during training (default 0.2). */
  dropout?: number;
  /** Adam step size (default 1e-4). */
  learningRate?: number;
  /** Gradient steps (default 10,000, the authors'); `epochs` overrides it. */
  iterations?: number;
  /** Passes over the training rows instead of `iterations`: ceil(epochs * n / batchSize) steps. */
  epochs?: number;
  /** Minibatch size (default 2,048), clamped to the number of training rows. */
  batchSize?: number;
  /**
   * Fraction of the training rows held out for early stopping (default 0: no early stopping, as the
   * authors). When > 0, the held-out MAE is measured every `validationInterval` steps, the best
   * weights are kept and training stops after `patience` measurements without improvement.
   */
  validationFraction?: number;
  /** Steps between validation measurements (default 100). */
  validationInterval?: number;
  /** Measurements without improvement before stopping (default 10). */
  patience?: number;
}

/** A fitted latent -> state regressor. */
export interface AlignmentRegressor {
  readonly latentDim: number;
  readonly stateDim: number;
  /** Gradient steps taken. */
  readonly steps: number;
  /** Mean training L1 loss over the last (up to) 100 steps. */
  readonly trainLoss: number;
  /** The best held-out MAE (mean over dimensions) with early stopping; undefined without it. */
  readonly validationError: number | undefined;
  /** States predicted for `latents` [n, latentDim] (no dropout): [n, stateDim]. */
  predict(latents: ArrayLike<number>): Float32Array;
  dispose(): void;
}

const DEFAULTS = {
  hidden: [256, 256], dropout: 0.2, learningRate: 1e-4, iterations: 10_000, batchSize: 2048,
  validationFraction: 0, validationInterval: 100, patience: 10,
} as const;

function rowsOf(data: ArrayLike<number>, width: number, what: string): number {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`${what}: width must be a positive integer, got ${width}`);
  if (data.length % width !== 0) throw new RangeError(`${what}: length ${data.length} is not a multiple of ${width}`);
  return data.length / width;
}

function gather(data: ArrayLike<number>, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let j = 0; j < width; j++) out[i * width + j] = data[r * width + j]!;
  }
  return out;
}

/** Fit a regressor from latents to states (re-initialised on every call). */
export function fitAlignment(trainLatents: ArrayLike<number>, trainStates: ArrayLike<number>, options: AlignmentOptions): AlignmentRegressor {
  const { latentDim, stateDim, seed } = options;
  const n = rowsOf(trainLatents, latentDim, 'fitAlignment latents');
  if (rowsOf(trainStates, stateDim, 'fitAlignment states') !== n) {
    throw new RangeError(`fitAlignment: ${n} latent rows but ${trainStates.length / stateDim} state rows`);
  }
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as unknown as Required<AlignmentOptions>;
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new RangeError(`fitAlignment: dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.validationFraction >= 0 && o.validationFraction < 1)) throw new RangeError(`fitAlignment: validationFraction must be in [0, 1), got ${o.validationFraction}`);
  const rng = new Rng(seed);

  // Split (a seeded permutation) into fitting and held-out rows.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = rng.integer(0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const held = Math.floor(n * o.validationFraction);
  const fitRows = order.slice(held);
  const heldRows = order.slice(0, held);
  const nFit = fitRows.length;
  if (nFit < 1) throw new RangeError('fitAlignment: no training rows');
  const batch = Math.min(Math.max(1, Math.floor(o.batchSize)), nFit);
  const iterations = o.epochs !== undefined ? Math.ceil((o.epochs * nFit) / batch) : o.iterations;

  const sizes = [latentDim, ...o.hidden, stateDim];
  const last = sizes.length - 2;
  const layers = sizes.slice(1).map((units, l) => new Dense(sizes[l]!, units, l === last ? 'linear' : 'relu', {
    gain: l === last ? 1 : Math.SQRT2, rng, name: `alignment_${l}`,
  }));
  const variables = layers.flatMap((layer) => layer.variables);
  const forward = (x: tf.Tensor, dropoutSeed?: number): tf.Tensor => {
    let h = x;
    layers.forEach((layer, l) => {
      h = layer.apply(h);
      if (dropoutSeed !== undefined && l < last && o.dropout > 0) h = tf.dropout(h, o.dropout, undefined, dropoutSeed + l);
    });
    return h;
  };
  const predict = (latents: ArrayLike<number>): Float32Array => {
    const m = rowsOf(latents, latentDim, 'AlignmentRegressor.predict');
    if (m === 0) return new Float32Array(0);
    const out = tf.tidy(() => forward(tf.tensor2d(Float32Array.from(latents), [m, latentDim])));
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return Float32Array.from(values);
  };

  const xFit = tf.tensor2d(gather(trainLatents, latentDim, fitRows), [nFit, latentDim]);
  const yFit = tf.tensor2d(gather(trainStates, stateDim, fitRows), [nFit, stateDim]);
  const heldLatents = gather(trainLatents, latentDim, heldRows);
  const heldStates = gather(trainStates, stateDim, heldRows);
  const optimizer = adam(o.learningRate);
  const recent: number[] = [];
  let best = Infinity;
  let bestWeights: Float32Array[] | undefined;
  let sinceBest = 0;
  let steps = 0;
  const perm = Int32Array.from(fitRows.keys());
  let cursor = nFit; // reshuffle on first use
  try {
    for (; steps < iterations; steps++) {
      if (cursor + batch > nFit) {
        for (let i = nFit - 1; i > 0; i--) { const j = rng.integer(0, i); const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t; }
        cursor = 0;
      }
      const index = perm.subarray(cursor, cursor + batch);
      cursor += batch;
      const dropoutSeed = rng.integer(0, 2 ** 30);
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(index, 'int32');
        const x = tf.gather(xFit, idx);
        const y = tf.gather(yFit, idx);
        return optimizer.minimize(() => tf.mean(tf.abs(tf.sub(forward(x, dropoutSeed), y))) as tf.Scalar, true, variables)!;
      });
      recent.push(loss.dataSync()[0]!);
      loss.dispose();
      if (recent.length > 100) recent.shift();
      if (held > 0 && (steps + 1) % o.validationInterval === 0) {
        const error = meanOf(maeOf(predict(heldLatents), heldStates, stateDim));
        if (error < best) {
          best = error;
          bestWeights = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
          sinceBest = 0;
        } else if (++sinceBest >= o.patience) {
          steps++;
          break;
        }
      }
    }
    if (bestWeights) tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(bestWeights![i]!, v.shape))));
  } finally {
    tf.dispose([xFit, yFit]);
    optimizer.dispose();
  }
  const trainLoss = recent.length > 0 ? meanOf(recent) : NaN;
  return {
    latentDim, stateDim, steps, trainLoss, validationError: held > 0 ? best : undefined,
    predict,
    dispose: () => tf.dispose(variables),
  };
}

function meanOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

function maeOf(predicted: ArrayLike<number>, states: ArrayLike<number>, stateDim: number): Float64Array {
  const n = states.length / stateDim;
  const out = new Float64Array(stateDim);
  for (let i = 0; i < n; i++) for (let j = 0; j < stateDim; j++) out[j] = out[j]! + Math.abs(predicted[i * stateDim + j]! - states[i * stateDim + j]!);
  for (let j = 0; j < stateDim; j++) out[j] = out[j]! / n;
  return out;
}

/** Mean absolute error of the regressor per state dimension on (latents, states): [stateDim]. */
export function alignmentError(regressor: AlignmentRegressor, latents: ArrayLike<number>, states: ArrayLike<number>): Float64Array {
  const n = rowsOf(latents, regressor.latentDim, 'alignmentError latents');
  if (rowsOf(states, regressor.stateDim, 'alignmentError states') !== n) {
    throw new RangeError(`alignmentError: ${n} latent rows but ${states.length / regressor.stateDim} state rows`);
  }
  if (n === 0) throw new RangeError('alignmentError: no rows');
  return maeOf(regressor.predict(latents), states, regressor.stateDim);
}
