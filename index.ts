/**
 * latentgym: Gym-style environments that render RGB frames, learned encoders, and agents that act on
 * pixels or latents. This entry exports the whole library; `latentgym/envs` exports the
 * environments alone (without loading TensorFlow.js).
 */
export * from './envs/index.js';
export * from './models/index.js';
export * from './agents/index.js';
export {
  trainPpo, loadPolicy, resolvePpoConfig, plotPpoRun,
  type PpoConfigInput, type PpoRunSettings, type TrainSummary, type LoadedPolicy, type LoadPolicyOptions,
} from './scripts/runs/ppo.js';
export { runTraining, type Learner, type LoopOptions, type LoopResult, type IterationReport, type EvaluationReport } from './scripts/runs/training-loop.js';
export { RunDirectory, RunDirectoryError, type RunRecord } from './scripts/runs/run-directory.js';
export {
  writeLineChart, writeLinePlot, writeScatterPlot, writeImageStrip, viridis,
  type Series, type PlotOptions, type PlotFiles, type ReferenceLine, type ScatterPoint, type ScatterOptions, type StripImage, type ImageStripOptions,
} from './scripts/runs/plots.js';
