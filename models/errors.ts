/** Errors of the neural backend and of model files, printed by the CLI as one line. */
import { LatentGymError } from '../envs/core/errors.js';

/** An unknown or unavailable compute backend (the message names the valid and available ones). */
export class BackendError extends LatentGymError {
  override name = 'BackendError';
}

/** A model or optimiser file that is missing, corrupt, or does not match what it is loaded into. */
export class ModelFileError extends LatentGymError {
  override name = 'ModelFileError';
}
