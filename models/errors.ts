/** Errors of the model layer (compute backend, model files, model configuration, training), printed by the CLI as one line. */
import { LatentGymError } from '../envs/core/errors.js';

/** An unknown or unavailable compute backend (the message names the valid and available ones). */
export class BackendError extends LatentGymError {
  override name = 'BackendError';
}

/** A model or optimiser file that is missing, corrupt, or does not match what it is loaded into. */
export class ModelFileError extends LatentGymError {
  override name = 'ModelFileError';
}

/** A model configuration that cannot be built (an unknown encoder, frames too small for a network). */
export class ModelConfigError extends LatentGymError {
  override name = 'ModelConfigError';
}

/** A checkpoint written by a run with another env, pipeline or network than the one loading it. */
export class CheckpointMismatchError extends LatentGymError {
  override name = 'CheckpointMismatchError';
}

/** A non-finite loss or gradient: training stopped before the update could spoil the parameters. */
export class TrainingDivergedError extends LatentGymError {
  override name = 'TrainingDivergedError';
}
