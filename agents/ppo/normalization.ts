/**
 * Observation and reward normalisation on the agent's side (as SB3's VecNormalize), so that the
 * statistics are checkpointed with the agent, frozen for evaluation, and work with envs running in
 * worker threads. Both use the envs' RunningMeanStd (Chan's parallel update, float64).
 */
import { RunningMeanStd, type RunningMeanStdState } from '../../envs/wrappers/running-mean-std.js';

/** (obs - mean) / sqrt(var + eps), clipped to +-clip, per element; statistics from every observation seen in training. */
export class ObservationNormalizer {
  readonly rms: RunningMeanStd;

  constructor(readonly size: number, readonly clip = 10, readonly epsilon = 1e-8) {
    this.rms = new RunningMeanStd([size]);
  }

  /** Merge `count` observations ([count, size]) into the statistics. */
  update(batch: Float32Array, count: number): void {
    this.rms.update(batch, count);
  }

  /** Normalised copy of `count` observations. */
  normalize(batch: Float32Array, count: number): Float32Array {
    const out = new Float32Array(count * this.size);
    const { mean, var: variance } = this.rms;
    for (let j = 0; j < this.size; j++) {
      const m = mean[j]!;
      const s = Math.sqrt(variance[j]! + this.epsilon);
      for (let i = 0; i < count; i++) {
        const x = (batch[i * this.size + j]! - m) / s;
        out[i * this.size + j] = x < -this.clip ? -this.clip : x > this.clip ? this.clip : x;
      }
    }
    return out;
  }

  getState(): RunningMeanStdState {
    return this.rms.getState();
  }

  setState(state: RunningMeanStdState): void {
    this.rms.setState(state);
  }
}

export interface RewardScalerState {
  returns: number[];
  rms: RunningMeanStdState;
}

/**
 * Divides rewards by the running std of the discounted return (not subtracting the mean, which
 * would change the task), clipped to +-clip. Each env keeps its return G = gamma G + r, restarted
 * after an episode ends; reset steps (not transitions) are left out.
 */
export class RewardScaler {
  readonly rms = new RunningMeanStd([]);
  readonly returns: Float64Array;

  constructor(numEnvs: number, readonly gamma: number, readonly clip = 10, readonly epsilon = 1e-8) {
    this.returns = new Float64Array(numEnvs);
  }

  /** Scaled rewards of one vector step; `valid[i]` 0 for a reset step, `done[i]` 1 when env i's episode ended. */
  scale(rewards: ArrayLike<number>, valid: Uint8Array, done: Uint8Array): Float32Array {
    const n = this.returns.length;
    const updates: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!valid[i]) continue;
      this.returns[i] = this.returns[i]! * this.gamma + rewards[i]!;
      updates.push(this.returns[i]!);
    }
    if (updates.length > 0) this.rms.update(updates, updates.length);
    const std = Math.sqrt(this.rms.var[0]! + this.epsilon);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const r = rewards[i]! / std;
      out[i] = r < -this.clip ? -this.clip : r > this.clip ? this.clip : r;
      if (done[i]) this.returns[i] = 0;
    }
    return out;
  }

  getState(): RewardScalerState {
    return { returns: Array.from(this.returns), rms: this.rms.getState() };
  }

  setState(state: RewardScalerState): void {
    if (state.returns.length !== this.returns.length) {
      throw new RangeError(`RewardScaler.setState: state is for ${state.returns.length} envs, this run has ${this.returns.length}`);
    }
    this.returns.set(state.returns);
    this.rms.setState(state.rms);
  }
}
