/**
 * A replay of the policy's recent frames for online encoder training: a ring of the last
 * `capacity` vector steps (N frames each, time-major like the rollout buffer). Old frames fall out
 * as new rollouts come in, so the encoder follows the policy's changing frame distribution.
 *
 * Entry (s, i) is env i's frame at vector step s with the action taken there; `valid` says that
 * action was really applied (not an autoreset step), so frame (s + 1, i) is its result and the
 * pair is a transition for encoders that model dynamics.
 */
import type { Rng } from '../../envs/core/rng.js';
import type { EncoderBatch } from './encoder.js';

export interface FrameReplayState {
  written: number;
  frames: Uint8Array;
  actions: Float32Array;
  valid: Uint8Array;
}

export class FrameReplay {
  /** Vector steps held. */
  readonly capacity: number;
  private readonly frames: Uint8Array;
  private readonly actions: Float32Array;
  private readonly valid: Uint8Array;
  /** Vector steps added so far. */
  private written = 0;

  constructor(capacitySteps: number, readonly envs: number, readonly frameSize: number, readonly actionSize: number) {
    if (!Number.isInteger(capacitySteps) || capacitySteps < 2) throw new RangeError(`FrameReplay: capacity must be at least 2 vector steps, got ${capacitySteps}`);
    this.capacity = capacitySteps;
    this.frames = new Uint8Array(capacitySteps * envs * frameSize);
    this.actions = new Float32Array(capacitySteps * envs * actionSize);
    this.valid = new Uint8Array(capacitySteps * envs);
  }

  /** Vector steps available (at most capacity). */
  get length(): number {
    return Math.min(this.written, this.capacity);
  }

  /** Add one vector step: N frames [N, frameSize], their actions and valid flags. */
  add(frames: Uint8Array, actions: Float32Array, valid: Uint8Array): void {
    const slot = this.written % this.capacity;
    const n = this.envs;
    this.frames.set(frames.subarray(0, n * this.frameSize), slot * n * this.frameSize);
    this.actions.set(actions.subarray(0, n * this.actionSize), slot * n * this.actionSize);
    this.valid.set(valid.subarray(0, n), slot * n);
    this.written += 1;
  }

  /**
   * `count` transitions drawn uniformly (with replacement) among those whose next frame is held,
   * or undefined while the replay holds fewer than two steps or no transition.
   */
  sample(count: number, rng: Rng): EncoderBatch | undefined {
    const first = this.written - this.length;
    const last = this.written - 2; // the newest step has no successor yet
    if (last < first) return undefined;
    const n = this.envs;
    const f = this.frameSize;
    const a = this.actionSize;
    const batch: EncoderBatch = {
      count, frames: new Uint8Array(count * f), actions: new Float32Array(count * a), nextFrames: new Uint8Array(count * f),
    };
    for (let j = 0; j < count; j++) {
      let step = 0;
      let env = 0;
      let tries = 0;
      do {
        step = rng.integer(first, last);
        env = rng.integer(0, n - 1);
        tries += 1;
        if (tries > 1000) return undefined; // no valid transition at all
      } while (!this.valid[(step % this.capacity) * n + env]);
      const k = (step % this.capacity) * n + env;
      const next = ((step + 1) % this.capacity) * n + env;
      batch.frames.set(this.frames.subarray(k * f, (k + 1) * f), j * f);
      batch.nextFrames.set(this.frames.subarray(next * f, (next + 1) * f), j * f);
      batch.actions.set(this.actions.subarray(k * a, (k + 1) * a), j * a);
    }
    return batch;
  }

  getState(): FrameReplayState {
    return { written: this.written, frames: this.frames.slice(), actions: this.actions.slice(), valid: this.valid.slice() };
  }

  setState(state: FrameReplayState): void {
    if (state.frames.length !== this.frames.length || state.actions.length !== this.actions.length || state.valid.length !== this.valid.length) {
      throw new RangeError('FrameReplay.setState: the saved replay has another capacity, env count or frame size');
    }
    this.frames.set(state.frames);
    this.actions.set(state.actions);
    this.valid.set(state.valid);
    this.written = state.written;
  }
}
