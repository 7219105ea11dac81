/** Errors of the agents, each with a one-line message the CLI prints as is. */
import { LatentGymError } from '../envs/core/errors.js';

/** An env whose observation or action space the chosen pipeline cannot handle. */
export class UnsupportedSpaceError extends LatentGymError {
  override name = 'UnsupportedSpaceError';
}

/** A configuration the agent cannot run with (a hyperparameter out of range). */
export class AgentConfigError extends LatentGymError {
  override name = 'AgentConfigError';
}
