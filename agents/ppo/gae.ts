/**
 * Generalised advantage estimation over a rollout of T steps x N envs (index t * N + i), for vector
 * envs with next-step autoreset:
 *  - the step after an episode ends is a reset step (`valid` false): no transition, and it cuts the
 *    advantage chain;
 *  - termination stops bootstrapping (next value 0); truncation bootstraps from V(final observation),
 *    which is `values` at the following reset step (the policy saw the final observation there), or
 *    `lastValues` when the episode was cut at the rollout's last step.
 */
export interface GaeInput {
  /** Steps T and envs N. */
  steps: number;
  envs: number;
  rewards: Float32Array;
  /** V(s_t) for every stored observation. */
  values: Float32Array;
  /** 1 where the transition ended in a terminal state. */
  terminated: Uint8Array;
  /** 0 for autoreset steps, which are not transitions. */
  valid: Uint8Array;
  /** V of the observation after the last stored step, per env. */
  lastValues: Float32Array;
  gamma: number;
  lambda: number;
}

export interface GaeOutput {
  advantages: Float32Array;
  /** advantages + values: the critic's regression targets. */
  returns: Float32Array;
}

export function computeGae(input: GaeInput): GaeOutput {
  const { steps, envs, rewards, values, terminated, valid, lastValues, gamma, lambda } = input;
  const size = steps * envs;
  for (const [name, array] of Object.entries({ rewards, values, terminated, valid })) {
    if (array.length !== size) throw new RangeError(`computeGae: ${name} has ${array.length} entries, expected ${steps} x ${envs}`);
  }
  if (lastValues.length !== envs) throw new RangeError(`computeGae: lastValues has ${lastValues.length} entries, expected ${envs}`);
  const advantages = new Float32Array(size);
  const returns = new Float32Array(size);
  for (let i = 0; i < envs; i++) {
    let nextAdvantage = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const k = t * envs + i;
      if (!valid[k]) {
        nextAdvantage = 0;
        continue;
      }
      const nextValue = t === steps - 1 ? lastValues[i]! : values[k + envs]!;
      const notTerminal = terminated[k] ? 0 : 1;
      const delta = rewards[k]! + gamma * nextValue * notTerminal - values[k]!;
      // After an episode end the next entry is a reset step, which already zeroed nextAdvantage.
      nextAdvantage = delta + gamma * lambda * notTerminal * nextAdvantage;
      advantages[k] = nextAdvantage;
      returns[k] = nextAdvantage + values[k]!;
    }
  }
  return { advantages, returns };
}
