/** Errors with a one-line message that names what was wrong and what is valid. */

export class LatentGymError extends Error {
  override name = 'LatentGymError';
}

/** An unknown environment id, or a bad registration. */
export class RegistrationError extends LatentGymError {
  override name = 'RegistrationError';
}

/** An option passed to `make` or to an env constructor that is unknown or out of range. */
export class InvalidOptionError extends LatentGymError {
  override name = 'InvalidOptionError';
}

/** An action of the wrong shape, dtype, value or outside the action space. */
export class InvalidActionError extends LatentGymError {
  override name = 'InvalidActionError';
}

/** step() before reset(), or after the episode ended without a reset. */
export class ResetNeededError extends LatentGymError {
  override name = 'ResetNeededError';
}

/** The environment broke the Env contract (found by the checkers). */
export class EnvContractError extends LatentGymError {
  override name = 'EnvContractError';
}

/** An env state snapshot that cannot be taken or restored. */
export class EnvStateError extends LatentGymError {
  override name = 'EnvStateError';
}
