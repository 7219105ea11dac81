/** Errors with a one-line message that names what was wrong and what is valid. */

export class LatentGymError extends Error {
  override name = 'LatentGymError';
}

/** An unknown environment id, or a bad registration. */
export class RegistrationError extends LatentGymError {
  override name = 'RegistrationError';
}

/**
 * An option or argument that is unknown, of the wrong type or out of range: options of `make`,
 * `register` and env constructors, `reset()` arguments, `ndarray` dtypes and shapes, and `render()`
 * on an env made without a render mode.
 */
export class InvalidOptionError extends LatentGymError {
  override name = 'InvalidOptionError';
}

/** An action of the wrong shape, dtype, value or outside the action space. */
export class InvalidActionError extends LatentGymError {
  override name = 'InvalidActionError';
}

/** An env or vector env used (step, reset, render, getState, setState) after close(). */
export class ClosedEnvironmentError extends LatentGymError {
  override name = 'ClosedEnvironmentError';
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
