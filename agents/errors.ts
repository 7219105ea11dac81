/** Errors of the agents, each with a one-line message the CLI prints as is. */
import { LatentGymError } from '../envs/core/errors.js';

/** An env whose observation or action space the chosen pipeline cannot handle. */
export class UnsupportedSpaceError extends LatentGymError {
  override name = 'UnsupportedSpaceError';
}

/** A checkpoint written by a run with another env, pipeline or network than the one loading it. */
export class CheckpointMismatchError extends LatentGymError {
  override name = 'CheckpointMismatchError';
}

/** A non-finite loss or gradient: training stopped before the update could spoil the parameters. */
export class TrainingDivergedError extends LatentGymError {
  override name = 'TrainingDivergedError';
}

/** A configuration the agent cannot run with (an unknown encoder, a hyperparameter out of range). */
export class AgentConfigError extends LatentGymError {
  override name = 'AgentConfigError';
}
