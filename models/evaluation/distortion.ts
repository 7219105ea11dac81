/**
 * Distortion: how unevenly an encoder stretches the true state manifold.
 *
 * Definition (AML paper, Sec. 4): for pairs of samples with low-dimensional states s1, s2 and
 * frames x1, x2, rho = log[ d(enc(x1), enc(x2)) / d(s1, s2) ] with d the Euclidean distance; an
 * encoder whose rho varies little preserves the geometry of the manifold up to scale. We report the
 * standard deviation of rho (population, ddof 0), as the authors' code does (bulb
 * `ues/utils/analyze_utils.py` `analyze_irregularity`, see shared/RESEARCH-aml-e2c-ilqr.md section
 * 2.3), over all pairs among the first `limit` (500) samples whose group ids are equal (their rule:
 * same object and same texture), with the state distance over the continuous state dimensions only
 * (`stateColumns`: angle, position, speed on the incline) and 1e-10 added to both distances.
 *
 * Where the authors' code departs and we follow the paper: their latent distance is taken over the
 * latent COLUMNS WITH THE SAME INDICES as the continuous state dimensions (2, 3, 4), i.e. a subset of
 * the latent; ours is over the whole latent vector (or `latentColumns`, if given, to reproduce their
 * quirk). The paper's "10K test points" is the test set's size, not the number of samples compared.
 */

export interface DistortionOptions {
  latentDim: number;
  stateDim: number;
  /** Use only the first `limit` samples (default 500, the authors'); Infinity for all. */
  limit?: number;
  /** State dimensions the distance is taken over (default: all). */
  stateColumns?: readonly number[];
  /** Latent dimensions the distance is taken over (default: all, the paper's definition). */
  latentColumns?: readonly number[];
  /** Added to both distances before the ratio (default 1e-10, the authors'). */
  epsilon?: number;
}

export interface DistortionResult {
  /** Standard deviation (ddof 0) of log(latent distance / state distance); NaN without pairs. */
  std: number;
  /** Mean of the log ratios (the log of the typical scale). */
  mean: number;
  /** Pairs compared. */
  pairs: number;
}

function columns(given: readonly number[] | undefined, width: number, what: string): number[] {
  const cols = given ? [...given] : Array.from({ length: width }, (_, i) => i);
  for (const c of cols) if (!Number.isInteger(c) || c < 0 || c >= width) throw new RangeError(`distortion: ${what} column ${c} is not in [0, ${width})`);
  if (cols.length === 0) throw new RangeError(`distortion: no ${what} columns`);
  return cols;
}

/**
 * The distortion of `latents` [n, latentDim] relative to `states` [n, stateDim], over pairs of the
 * first `limit` samples with equal `groups[i]` (pass undefined to compare all pairs).
 */
export function distortion(latents: ArrayLike<number>, states: ArrayLike<number>, groups: ArrayLike<number> | undefined, options: DistortionOptions): DistortionResult {
  const { latentDim, stateDim } = options;
  if (latents.length % latentDim !== 0 || states.length % stateDim !== 0) throw new RangeError('distortion: array lengths are not multiples of latentDim / stateDim');
  const total = latents.length / latentDim;
  if (states.length / stateDim !== total) throw new RangeError(`distortion: ${total} latent rows but ${states.length / stateDim} state rows`);
  if (groups && groups.length !== total) throw new RangeError(`distortion: ${total} rows but ${groups.length} group ids`);
  const limit = options.limit ?? 500;
  if (!(limit >= 0)) throw new RangeError(`distortion: limit must be >= 0, got ${limit}`);
  const n = Math.min(total, limit);
  const eps = options.epsilon ?? 1e-10;
  const sCols = columns(options.stateColumns, stateDim, 'state');
  const zCols = columns(options.latentColumns, latentDim, 'latent');
  // Welford's running mean and variance of the log ratios.
  let pairs = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (groups && groups[i] !== groups[j]) continue;
      let ds = 0;
      for (const c of sCols) { const d = states[i * stateDim + c]! - states[j * stateDim + c]!; ds += d * d; }
      let dz = 0;
      for (const c of zCols) { const d = latents[i * latentDim + c]! - latents[j * latentDim + c]!; dz += d * d; }
      const rho = Math.log((Math.sqrt(dz) + eps) / (Math.sqrt(ds) + eps));
      pairs++;
      const delta = rho - mean;
      mean += delta / pairs;
      m2 += delta * (rho - mean);
    }
  }
  return pairs === 0 ? { std: NaN, mean: NaN, pairs } : { std: Math.sqrt(m2 / pairs), mean, pairs };
}
