/**
 * The PCA baseline: the first k (5) principal components of the raw pixels, a "latent space" that
 * needs no learning, evaluated (alignment, distortion) exactly as the encoders' latents are.
 *
 * Fit/transform split: `fitPca` (or `pcaBaseline`) learns the mean and components from training
 * frames; `transform` projects any frames (the test sets) with them. Pixels of a Uint8Array are
 * scaled to [0, 1] first; other arrays are taken as they are.
 *
 * Method: neither the covariance (D x D, D = H*W*C = 12,288 for 64x64 RGB) nor the Gram matrix
 * (n x n, n ~ 10k) fits comfortably in memory, so the components come from block power iteration
 * (subspace iteration) in float64 on the centred data, never materialised: V <- orth(Xc^T Xc V) with
 * k + 5 columns (oversampling) from a seeded Gaussian start, then a Rayleigh-Ritz step (Jacobi
 * eigendecomposition of V^T Xc^T Xc V). It stops when the top-k Ritz values change by less than
 * `tolerance` (relative) or after `iterations` rounds. Each round reads the data twice: about
 * 2 n D (k + 5) multiply-adds, measured at ~1.3 s per 2,000 64x64 RGB frames on one shared core
 * (13 rounds to converge on incline-like data, so ~1.5 min for the authors' 10k training frames). Component signs are fixed so
 * that each component's largest-magnitude entry is positive. Variances are per sample (divided by n).
 */
import { orthonormalizeRows } from '../nn/init.js';
import { Rng } from '../../envs/core/rng.js';

export interface PcaOptions {
  /** Numbers per row (H*W*C for frames). */
  featureSize: number;
  /** Components kept (default 5). */
  components?: number;
  /** Seed of the random start (default 0). */
  seed?: number;
  /** Most power-iteration rounds (default 100). */
  iterations?: number;
  /** Relative change of the top Ritz values that ends the iteration (default 1e-12). */
  tolerance?: number;
  /** Extra columns iterated beside the kept ones, for faster, surer convergence (default 5). */
  oversample?: number;
}

export interface PcaModel {
  readonly featureSize: number;
  readonly components: number;
  /** The training mean (after scaling), [featureSize]. */
  readonly mean: Float64Array;
  /** Unit principal directions, row-major [components, featureSize], by decreasing variance. */
  readonly directions: Float64Array;
  /** Variance of the training data along each direction (divided by n), [components]. */
  readonly variances: Float64Array;
  /** Rounds of power iteration taken. */
  readonly rounds: number;
  /** Project rows [count, featureSize] onto the components: [count, components]. */
  transform(data: ArrayLike<number>): Float32Array;
}

/** Orthonormalise the r rows of a row-major [r, m] matrix in place. */
function orthonormalise(a: Float64Array, r: number, m: number): void {
  if (!orthonormalizeRows(a, r, m)) throw new RangeError('fitPca: the data has fewer independent directions than components requested');
}

/** Eigen-decomposition of a symmetric r x r matrix (cyclic Jacobi): values descending, vectors as columns. */
export function symmetricEigen(matrix: Float64Array, r: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(r * r);
  for (let i = 0; i < r; i++) v[i * r + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let p = 0; p < r; p++) for (let q = 0; q < r; q++) (p === q ? (scale += a[p * r + q]! ** 2) : (off += a[p * r + q]! ** 2));
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < r - 1; p++) {
      for (let q = p + 1; q < r; q++) {
        const apq = a[p * r + q]!;
        if (apq === 0) continue;
        const theta = (a[q * r + q]! - a[p * r + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < r; k++) { // rotate columns p, q
          const akp = a[k * r + p]!, akq = a[k * r + q]!;
          a[k * r + p] = c * akp - s * akq;
          a[k * r + q] = s * akp + c * akq;
        }
        for (let k = 0; k < r; k++) { // rotate rows p, q
          const apk = a[p * r + k]!, aqk = a[q * r + k]!;
          a[p * r + k] = c * apk - s * aqk;
          a[q * r + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < r; k++) {
          const vkp = v[k * r + p]!, vkq = v[k * r + q]!;
          v[k * r + p] = c * vkp - s * vkq;
          v[k * r + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: r }, (_, i) => i).sort((i, j) => a[j * r + j]! - a[i * r + i]!);
  const values = Float64Array.from(order, (i) => a[i * r + i]!);
  const vectors = new Float64Array(r * r);
  order.forEach((src, dst) => { for (let k = 0; k < r; k++) vectors[k * r + dst] = v[k * r + src]!; });
  return { values, vectors };
}

/** Fit PCA on rows `data` [n, featureSize] (Uint8Array pixels are scaled by 1/255). */
export function fitPca(data: ArrayLike<number>, options: PcaOptions): PcaModel {
  const D = options.featureSize;
  if (!Number.isInteger(D) || D < 1 || data.length % D !== 0) throw new RangeError(`fitPca: length ${data.length} is not a multiple of featureSize ${D}`);
  const n = data.length / D;
  const k = options.components ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, D)) throw new RangeError(`fitPca: components must be an integer in [1, min(n, featureSize) = ${Math.min(n, D)}], got ${k}`);
  const r = Math.min(k + (options.oversample ?? 5), n, D);
  const maxRounds = options.iterations ?? 100;
  const tolerance = options.tolerance ?? 1e-12;
  const scale = data instanceof Uint8Array ? 1 / 255 : 1;
  const rng = new Rng(options.seed ?? 0);

  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) mean[d] = mean[d]! + data[i * D + d]!;
  for (let d = 0; d < D; d++) mean[d] = (mean[d]! * scale) / n;

  // With V stored as rows [r, D]: W = Xc V [n, r] and U = Xc^T W (as rows [r, D]), reading the data
  // one centred float64 row at a time (Xc = scale X - 1 mean^T is never formed).
  const row = new Float64Array(D);
  const centredRow = (i: number): Float64Array => {
    const base = i * D;
    for (let d = 0; d < D; d++) row[d] = data[base + d]! * scale - mean[d]!;
    return row;
  };
  const project = (v: Float64Array): Float64Array => {
    const w = new Float64Array(n * r);
    for (let i = 0; i < n; i++) {
      const x = centredRow(i);
      for (let j = 0; j < r; j++) {
        const vj = v.subarray(j * D, (j + 1) * D);
        let dot = 0;
        for (let d = 0; d < D; d++) dot += x[d]! * vj[d]!;
        w[i * r + j] = dot;
      }
    }
    return w;
  };
  const back = (w: Float64Array): Float64Array => {
    const u = new Float64Array(r * D);
    for (let i = 0; i < n; i++) {
      const x = centredRow(i);
      for (let j = 0; j < r; j++) {
        const c = w[i * r + j]!;
        const uj = u.subarray(j * D, (j + 1) * D);
        for (let d = 0; d < D; d++) uj[d] = uj[d]! + c * x[d]!;
      }
    }
    return u;
  };
  const ritz = (w: Float64Array) => {
    const b = new Float64Array(r * r);
    for (let i = 0; i < n; i++) for (let p = 0; p < r; p++) for (let q = p; q < r; q++) b[p * r + q] = b[p * r + q]! + w[i * r + p]! * w[i * r + q]!;
    for (let p = 0; p < r; p++) for (let q = p; q < r; q++) { b[p * r + q] = b[p * r + q]! / n; b[q * r + p] = b[p * r + q]!; }
    return symmetricEigen(b, r);
  };

  let v: Float64Array = new Float64Array(r * D);
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  orthonormalise(v, r, D);
  let previous: Float64Array | undefined;
  let rounds = 0;
  let w = project(v);
  while (rounds < maxRounds) {
    v = back(w);
    orthonormalise(v, r, D);
    w = project(v);
    rounds++;
    const { values } = ritz(w);
    const converged = previous !== undefined && values.subarray(0, k).every((x, j) => Math.abs(x - previous![j]!) <= tolerance * Math.max(Math.abs(values[0]!), 1e-300));
    previous = values;
    if (converged) break;
  }
  const { values, vectors } = ritz(w);
  const directions = new Float64Array(k * D);
  for (let c = 0; c < k; c++) {
    let big = 0;
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += v[j * D + d]! * vectors[j * r + c]!;
      directions[c * D + d] = s;
      if (Math.abs(s) > Math.abs(big)) big = s;
    }
    if (big < 0) for (let d = 0; d < D; d++) directions[c * D + d] = -directions[c * D + d]!;
  }
  const variances = values.slice(0, k);

  const transform = (rows: ArrayLike<number>): Float32Array => {
    if (rows.length % D !== 0) throw new RangeError(`PcaModel.transform: length ${rows.length} is not a multiple of featureSize ${D}`);
    const m = rows.length / D;
    const s = rows instanceof Uint8Array ? 1 / 255 : 1;
    const out = new Float32Array(m * k);
    for (let i = 0; i < m; i++) {
      for (let c = 0; c < k; c++) {
        let acc = 0;
        for (let d = 0; d < D; d++) acc += (rows[i * D + d]! * s - mean[d]!) * directions[c * D + d]!;
        out[i * k + c] = acc;
      }
    }
    return out;
  };
  return { featureSize: D, components: k, mean, directions, variances, rounds, transform };
}

/** The authors' PCA baseline: the first `k` (5) principal components of raw frames [count, featureSize]. */
export function pcaBaseline(frames: ArrayLike<number>, featureSize: number, k = 5, seed = 0): PcaModel {
  return fitPca(frames, { featureSize, components: k, seed });
}
