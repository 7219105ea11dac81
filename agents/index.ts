/** latentgym agents: PPO (from state, pixels or an encoder's latents) and its evaluation. Planners follow in agents/planning. */
export { Ppo, DEFAULT_PPO_CONFIG, PRESETS, validateConfig, type PpoConfig, type IterationMetrics, type Episode } from './ppo/ppo.js';
export { evaluate, meanStd, type EvaluationOptions, type EvaluationResult } from './ppo/evaluate.js';
export { OBSERVATION_PIPELINES, DEFAULT_PIXEL_OPTIONS, type ObservationPipeline, type PixelOptions } from './ppo/observations.js';
export { CNN_ARCHITECTURES } from './ppo/policy.js';
export { saveAgentState, loadAgentState } from './ppo/checkpoint.js';
export { AgentConfigError, UnsupportedSpaceError } from './errors.js';
