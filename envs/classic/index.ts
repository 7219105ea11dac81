/**
 * The classic built-in environments. Importing this module registers them (once, even if the module
 * is loaded twice):
 * - 'Pendulum-v1': Gymnasium's pendulum swing-up (200-step limit).
 * - 'Planar-v0': the E2C planar navigation task (100-step limit).
 */
import { register, registeredIds } from '../registration.js';
import { PendulumEnv, type PendulumOptions } from './pendulum.js';
import { PlanarEnv, type PlanarOptions } from './planar.js';

export * from './pendulum.js';
export * from './planar.js';

/** Default options of 'Pendulum-v1'; their keys are the options make() accepts. */
export const PENDULUM_DEFAULTS = Object.freeze({ g: 10, renderWidth: 64, renderHeight: 64, observation: 'state' }) satisfies PendulumOptions;
/** Default options of 'Planar-v0'; their keys are the options make() accepts. */
export const PLANAR_DEFAULTS = Object.freeze({
  goalX: 37, goalY: 37, threshold: 2, observation: 'pixels', renderWidth: 64, renderHeight: 64,
}) satisfies PlanarOptions;

/** Register the classic envs unless they already are (idempotent). */
export function registerClassicEnvs(): void {
  const ids = registeredIds();
  if (!ids.includes('Pendulum-v1')) {
    register<PendulumOptions>('Pendulum-v1', (options) => new PendulumEnv(options), {
      maxEpisodeSteps: 200,
      defaults: { ...PENDULUM_DEFAULTS },
      description: "Gymnasium's Pendulum-v1 swing-up; observation 'state' or 'e2c' (two 48x48 grayscale frames)",
    });
  }
  if (!ids.includes('Planar-v0')) {
    register<PlanarOptions>('Planar-v0', (options) => new PlanarEnv(options), {
      maxEpisodeSteps: 100,
      defaults: { ...PLANAR_DEFAULTS },
      description: 'E2C planar navigation among six obstacles, seen as a 40x40 grayscale image',
    });
  }
}

registerClassicEnvs();
