/**
 * One analysis of a latent space, as the authors run it (bulb `ues/main_learn.py` `analyze`, see
 * shared/RESEARCH-aml-e2c-ilqr.md sections 2.2-2.3): a fresh alignment regressor fitted on the
 * training latents and scored on the training set and on every test set, and the distortion of the
 * training set and of every test set. The baselines (the same encoder architecture untrained, and
 * the first 5 principal components of the pixels, `pcaBaseline`) are analysed by the same call, so
 * `formatAnalyses` can print them beside the encoder's result.
 */
import { alignmentError, fitAlignment, type AlignmentOptions } from './alignment.js';
import { distortion, type DistortionOptions, type DistortionResult } from './distortion.js';

/** Latents [n, latentDim] with their states [n, stateDim] and (optional) same-object-and-look group ids [n]. */
export interface LatentSet {
  latents: ArrayLike<number>;
  states: ArrayLike<number>;
  groups?: ArrayLike<number>;
}

export interface AnalysisOptions {
  latentDim: number;
  stateDim: number;
  seed: number;
  /** Regressor settings beyond the defaults of fitAlignment. */
  alignment?: Partial<Omit<AlignmentOptions, 'latentDim' | 'stateDim' | 'seed'>>;
  /** Distortion settings beyond the defaults of distortion (e.g. stateColumns: the continuous dims). */
  distortion?: Omit<DistortionOptions, 'latentDim' | 'stateDim'>;
}

export interface Analysis {
  /** Mean absolute error per state dimension, for 'train' and each test set by name. */
  alignment: Record<string, Float64Array>;
  /** Distortion of 'train' and of each test set by name. */
  distortion: Record<string, DistortionResult>;
}

/** Alignment and distortion of one latent space (the regressor is re-initialised on every call). */
export function analyzeLatents(train: LatentSet, tests: Readonly<Record<string, LatentSet>>, options: AnalysisOptions): Analysis {
  const { latentDim, stateDim, seed } = options;
  if ('train' in tests) throw new RangeError("analyzeLatents: a test set may not be named 'train'");
  const regressor = fitAlignment(train.latents, train.states, { ...options.alignment, latentDim, stateDim, seed });
  try {
    const sets: [string, LatentSet][] = [['train', train], ...Object.entries(tests)];
    const result: Analysis = { alignment: {}, distortion: {} };
    for (const [name, set] of sets) {
      result.alignment[name] = alignmentError(regressor, set.latents, set.states);
      result.distortion[name] = distortion(set.latents, set.states, set.groups, { ...options.distortion, latentDim, stateDim });
    }
    return result;
  } finally {
    regressor.dispose();
  }
}

/**
 * A text table with one row per (set, measure) and one column per method (e.g. {trained, untrained,
 * pca}): the MAE of every state dimension (named by `stateNames`) and the distortion std.
 */
export function formatAnalyses(analyses: Readonly<Record<string, Analysis>>, stateNames: readonly string[]): string {
  const methods = Object.keys(analyses);
  const first = analyses[methods[0]!];
  if (!first) return '';
  const rows: string[][] = [['set', 'measure', ...methods]];
  for (const set of Object.keys(first.alignment)) {
    stateNames.forEach((dim, j) => rows.push([set, `MAE ${dim}`, ...methods.map((m) => fmt(analyses[m]!.alignment[set]?.[j]))]));
    rows.push([set, 'distortion std', ...methods.map((m) => fmt(analyses[m]!.distortion[set]?.std))]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

function fmt(x: number | undefined): string {
  return x === undefined ? '-' : Number.isNaN(x) ? 'n/a' : x.toFixed(4);
}
