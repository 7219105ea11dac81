/** Every wrapper, plus the running statistics shared by the normalization wrappers and learners. */
export { TimeLimit } from './time-limit.js';
export { OrderEnforcing } from './order-enforcing.js';
export { PassiveEnvChecker } from './passive-env-checker.js';
export { RecordEpisodeStatistics, type EpisodeStatistics, type RecordEpisodeStatisticsOptions } from './record-episode-statistics.js';
export { ClipAction } from './clip-action.js';
export { RescaleAction } from './rescale-action.js';
export { RunningMeanStd, type RunningMeanStdState } from './running-mean-std.js';
export { NormalizeObservation } from './normalize-observation.js';
export { NormalizeReward, type NormalizeRewardOptions } from './normalize-reward.js';
export {
  PixelObservation, type PixelDict, type PixelObservationOptions, type PixelObservationValue,
} from './pixel-observation.js';
export { ResizeObservation, imageLayout, type ImageLayout } from './resize-observation.js';
export { GrayscaleObservation, luma, type GrayscaleOptions } from './grayscale-observation.js';
export { FrameStackObservation, type FrameStackOptions } from './frame-stack.js';
export { RecordEpisodeGif, type RecordEpisodeGifOptions } from './record-episode-gif.js';
