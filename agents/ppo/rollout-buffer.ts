/**
 * PPO's rollout storage: T steps x N envs, index t * N + i (computeGae's layout).
 *
 * With next-step autoreset the step after an episode ends is a reset step: the env ignores the
 * action and returns the new episode's first observation with reward 0. Such a step is stored with
 * `valid` 0: it is no transition, so GAE skips it and the update leaves it out, but its observation
 * (the previous episode's final one) and V(final obs) are stored, which is what truncation
 * bootstraps from (see gae.ts).
 */
import { computeGae } from './gae.js';
import type { LossBatch } from './losses.js';

export class RolloutBuffer {
  readonly size: number;
  /** [T * N, ...obs]: the network input the policy saw (normalised state/latent, or uint8 frames). */
  readonly observations: Float32Array | Uint8Array;
  /** [T * N, actionSize]: sampled actions, before clipping to the action space. */
  readonly actions: Float32Array;
  readonly logProbs: Float32Array;
  readonly values: Float32Array;
  /** Rewards after scaling (reward normalisation), as the critic learns them. */
  readonly rewards: Float32Array;
  readonly terminated: Uint8Array;
  readonly valid: Uint8Array;
  advantages: Float32Array = new Float32Array(0);
  returns: Float32Array = new Float32Array(0);

  constructor(
    readonly steps: number,
    readonly envs: number,
    readonly observationSize: number,
    observationType: 'float32' | 'uint8',
    readonly actionSize: number,
  ) {
    this.size = steps * envs;
    this.observations = observationType === 'uint8' ? new Uint8Array(this.size * observationSize) : new Float32Array(this.size * observationSize);
    this.actions = new Float32Array(this.size * actionSize);
    this.logProbs = new Float32Array(this.size);
    this.values = new Float32Array(this.size);
    this.rewards = new Float32Array(this.size);
    this.terminated = new Uint8Array(this.size);
    this.valid = new Uint8Array(this.size);
  }

  /** Store step t's policy side: what all N envs saw and what the policy did. */
  storePolicyStep(t: number, observations: Float32Array | Uint8Array, actions: Float32Array, logProbs: Float32Array, values: Float32Array, valid: Uint8Array): void {
    const k = t * this.envs;
    this.observations.set(observations, k * this.observationSize);
    this.actions.set(actions, k * this.actionSize);
    this.logProbs.set(logProbs, k);
    this.values.set(values, k);
    this.valid.set(valid, k);
  }

  /** Store step t's env side. */
  storeEnvStep(t: number, rewards: Float32Array, terminated: Uint8Array): void {
    const k = t * this.envs;
    this.rewards.set(rewards, k);
    this.terminated.set(terminated, k);
  }

  /** GAE advantages and returns; `lastValues` is V of the observation after the last step, per env. */
  computeAdvantages(lastValues: Float32Array, gamma: number, lambda: number): void {
    const { advantages, returns } = computeGae({
      steps: this.steps, envs: this.envs, rewards: this.rewards, values: this.values, terminated: this.terminated,
      valid: this.valid, lastValues, gamma, lambda,
    });
    this.advantages = advantages;
    this.returns = returns;
  }

  /** Indices of the stored steps that are transitions. */
  validIndices(): Int32Array {
    let count = 0;
    for (let k = 0; k < this.size; k++) count += this.valid[k]!;
    const out = new Int32Array(count);
    for (let k = 0, j = 0; k < this.size; k++) if (this.valid[k]) out[j++] = k;
    return out;
  }

  /** The rows `indices` as a minibatch (copies). */
  gather(indices: ArrayLike<number>): LossBatch & { observations: Float32Array | Uint8Array } {
    const n = indices.length;
    const o = this.observationSize;
    const a = this.actionSize;
    const observations = this.observations instanceof Uint8Array ? new Uint8Array(n * o) : new Float32Array(n * o);
    const batch = {
      size: n, observations, actions: new Float32Array(n * a), logProbs: new Float32Array(n),
      advantages: new Float32Array(n), returns: new Float32Array(n), values: new Float32Array(n),
    };
    for (let j = 0; j < n; j++) {
      const k = indices[j]!;
      observations.set(this.observations.subarray(k * o, (k + 1) * o), j * o);
      batch.actions.set(this.actions.subarray(k * a, (k + 1) * a), j * a);
      batch.logProbs[j] = this.logProbs[k]!;
      batch.advantages[j] = this.advantages[k]!;
      batch.returns[j] = this.returns[k]!;
      batch.values[j] = this.values[k]!;
    }
    return batch;
  }
}
