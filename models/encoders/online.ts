/**
 * Online representation learning: an encoder that keeps learning from the frames a driving policy
 * produces. The policy's learner records every vector step (frames, actions, whether the action was
 * really applied) into a replay of the last `replaySteps` vector steps; after each policy update it
 * calls `update`, which takes `updates` training steps on minibatches of `batchSize` transitions
 * drawn from the replay. So the encoder follows the non-stationary frame distribution of the policy,
 * as the AML paper's unsupervised learners do. PPO's 'latent' pipeline uses it; the AML experiment
 * loop uses it with the relation losses as auxiliary terms.
 */
import type { Rng } from '../../envs/core/rng.js';
import { TrainingDivergedError } from '../errors.js';
import type { Encoder, EncoderStats } from './encoder.js';
import { FrameReplay, type FrameReplayState } from './frame-replay.js';
import { type TrainingStepOptions, trainEncoderStep } from './training-step.js';

export interface OnlineSchedule {
  /** Encoder steps per `update` call (after each policy update). */
  updates: number;
  /** Transitions per encoder step. */
  batchSize: number;
  /** Vector steps of recent frames the replay keeps. */
  replaySteps: number;
}

export class OnlineRepresentation {
  readonly replay: FrameReplay;

  /**
   * `numEnvs` frames of `frameSize` bytes and actions of `actionSize` numbers per vector step;
   * `step` holds the weights and auxiliary terms of every training step.
   */
  constructor(
    readonly encoder: Encoder, readonly schedule: OnlineSchedule,
    numEnvs: number, frameSize: number, actionSize: number, readonly step: TrainingStepOptions = {},
  ) {
    this.replay = new FrameReplay(schedule.replaySteps, numEnvs, frameSize, actionSize);
  }

  /** Latents of a batch of frames (no learning). */
  encode(frames: Uint8Array, count: number): Float32Array {
    return this.encoder.encode(frames, count);
  }

  /** One vector step: frames [numEnvs, frameSize], the actions taken there, and 1 where they were applied. */
  record(frames: Uint8Array, actions: Float32Array, valid: Uint8Array): void {
    this.replay.add(frames, actions, valid);
  }

  /**
   * `schedule.updates` training steps on replay minibatches drawn with `rng`; the mean of each
   * reported number over the steps, or null while the replay holds no transition.
   */
  update(rng: Rng): EncoderStats | null {
    const sums: Record<string, number> = {};
    let count = 0;
    for (let k = 0; k < this.schedule.updates; k++) {
      const batch = this.replay.sample(this.schedule.batchSize, rng);
      if (!batch) break;
      const stats = trainEncoderStep(this.encoder, batch, this.step);
      if (!Number.isFinite(stats.loss)) {
        throw new TrainingDivergedError(`encoder '${this.encoder.name}' loss is ${stats.loss}`);
      }
      for (const [name, value] of Object.entries(stats)) sums[name] = (sums[name] ?? 0) + value;
      count += 1;
    }
    if (count === 0) return null;
    const mean: EncoderStats = { loss: sums.loss! / count };
    for (const [name, value] of Object.entries(sums)) mean[name] = value / count;
    return mean;
  }

  getState(): FrameReplayState {
    return this.replay.getState();
  }

  setState(state: FrameReplayState): void {
    this.replay.setState(state);
  }

  dispose(): void {
    this.encoder.dispose();
  }
}
