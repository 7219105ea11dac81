/**
 * Evaluation of latent spaces (AML paper, Sec. 4): alignment (a regressor from latents to true
 * low-dimensional states, its test error per state dimension), distortion (the spread of
 * log(latent distance / state distance) over pairs) and the PCA-of-pixels baseline. Pure functions
 * over plain row-major arrays; the untrained-encoder baseline is the same encoder architecture with
 * fresh weights, evaluated with these same functions.
 */
export { fitAlignment, alignmentError, type AlignmentOptions, type AlignmentRegressor } from './alignment.js';
export { distortion, type DistortionOptions, type DistortionResult } from './distortion.js';
export { fitPca, pcaBaseline, symmetricEigen, type PcaOptions, type PcaModel } from './pca.js';
export { analyzeLatents, formatAnalyses, type Analysis, type AnalysisOptions, type LatentSet } from './analyze.js';
