/**
 * The Pendulum data set of Embed to Control (Watter et al. 2015): (x, u, x') triples with the state
 * and torque drawn uniformly (not along trajectories), each state rendered as Pendulum-v1's 'e2c'
 * observation (two 48x48 grayscale frames), so a model trained on it reads the env's observations.
 */
import type { NDArray } from '../../envs/core/ndarray.js';
import type { Rng } from '../../envs/core/rng.js';
import {
  PENDULUM_DEFAULT_G, PENDULUM_MAX_SPEED, PENDULUM_MAX_TORQUE, e2cObservation, pendulumStep,
} from '../../envs/classic/pendulum.js';

/** One (x, u, x') triple of the E2C pendulum data set, with the states it was rendered from. */
export interface E2CTransition {
  /** State before the step: th in [0, 2 pi) rad, thdot in [-8, 8) rad/s. */
  readonly state: readonly [th: number, thdot: number];
  /** Torque in [-2, 2) N m. */
  readonly action: number;
  /** State after applying `action` for one step. */
  readonly nextState: readonly [th: number, thdot: number];
  /** e2cObservation(state): uint8 [2, 48, 48]. */
  readonly x: NDArray<'uint8'>;
  /** e2cObservation(nextState): uint8 [2, 48, 48]. */
  readonly xNext: NDArray<'uint8'>;
}

/**
 * Sample one transition from the E2C data distribution: th ~ U(0, 2 pi), thdot ~ U(-8, 8),
 * u ~ U(-2, 2) (drawn from `rng` in that order), x = frames of the state, x' = frames of the
 * state after one step with torque u.
 */
export function sampleE2CTransition(rng: Pick<Rng, 'uniform'>, g = PENDULUM_DEFAULT_G): E2CTransition {
  const th = rng.uniform(0, 2 * Math.PI);
  const thdot = rng.uniform(-PENDULUM_MAX_SPEED, PENDULUM_MAX_SPEED);
  const u = rng.uniform(-PENDULUM_MAX_TORQUE, PENDULUM_MAX_TORQUE);
  const [nextTh, nextThdot] = pendulumStep(th, thdot, u, g);
  return {
    state: [th, thdot],
    action: u,
    nextState: [nextTh, nextThdot],
    x: e2cObservation(th, thdot, g),
    xNext: e2cObservation(nextTh, nextThdot, g),
  };
}
