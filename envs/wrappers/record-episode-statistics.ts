import { performance } from 'node:perf_hooks';
import { type Env, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';

/** What the step that ends an episode carries in `info[statsKey]`. */
export interface EpisodeStatistics {
  /** Undiscounted return. */
  r: number;
  /** Length in steps. */
  l: number;
  /** Wall-clock seconds since the episode's reset, rounded to 1e-6. */
  t: number;
}

export interface RecordEpisodeStatisticsOptions {
  /** How many of the latest episodes the queues keep. */
  bufferLength?: number;
  /** The info key of the statistics. */
  statsKey?: string;
}

/**
 * Tracks episode returns, lengths and durations (Gymnasium's RecordEpisodeStatistics), so training
 * loops can log progress without summing rewards themselves. On the step that terminates or
 * truncates, `info.episode = {r, l, t}` is added and the queues get the episode.
 */
export class RecordEpisodeStatistics<O, A> extends Wrapper<O, A> {
  readonly bufferLength: number;
  readonly statsKey: string;
  /** Completed episodes since construction. */
  episodeCount = 0;
  /** Returns, lengths and durations of the last `bufferLength` episodes, oldest first. */
  readonly returnQueue: number[] = [];
  readonly lengthQueue: number[] = [];
  readonly timeQueue: number[] = [];
  private episodeReturn = 0;
  private episodeLength = 0;
  private episodeStart = performance.now();

  constructor(env: Env<O, A>, options: RecordEpisodeStatisticsOptions = {}) {
    super(env);
    this.bufferLength = options.bufferLength ?? 100;
    this.statsKey = options.statsKey ?? 'episode';
    if (!Number.isInteger(this.bufferLength) || this.bufferLength <= 0) {
      throw new RangeError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${this.bufferLength}`);
    }
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    const result = this.env.reset(args);
    this.startEpisode();
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.episodeReturn += result.reward;
    this.episodeLength += 1;
    if (result.terminated || result.truncated) {
      if (this.statsKey in result.info) {
        throw new Error(`RecordEpisodeStatistics: info already has a '${this.statsKey}' key; pass another statsKey`);
      }
      const seconds = Math.round((performance.now() - this.episodeStart) * 1e3) / 1e6;
      const stats: EpisodeStatistics = { r: this.episodeReturn, l: this.episodeLength, t: seconds };
      result.info = { ...result.info, [this.statsKey]: stats };
      push(this.returnQueue, stats.r, this.bufferLength);
      push(this.lengthQueue, stats.l, this.bufferLength);
      push(this.timeQueue, stats.t, this.bufferLength);
      this.episodeCount += 1;
      this.startEpisode();
    }
    return result;
  }

  /** Queues and the running episode's return and length (its wall-clock time restarts on restore). */
  protected override ownState(): unknown {
    return {
      episodeCount: this.episodeCount, returnQueue: [...this.returnQueue], lengthQueue: [...this.lengthQueue],
      timeQueue: [...this.timeQueue], episodeReturn: this.episodeReturn, episodeLength: this.episodeLength,
    };
  }

  protected override restoreOwnState(own: unknown): void {
    const o = own as { episodeCount: number; returnQueue: number[]; lengthQueue: number[]; timeQueue: number[]; episodeReturn: number; episodeLength: number };
    this.episodeCount = o.episodeCount;
    this.returnQueue.splice(0, Infinity, ...o.returnQueue);
    this.lengthQueue.splice(0, Infinity, ...o.lengthQueue);
    this.timeQueue.splice(0, Infinity, ...o.timeQueue);
    this.episodeReturn = o.episodeReturn;
    this.episodeLength = o.episodeLength;
    this.episodeStart = performance.now();
  }

  private startEpisode(): void {
    this.episodeReturn = 0;
    this.episodeLength = 0;
    this.episodeStart = performance.now();
  }
}

function push(queue: number[], value: number, capacity: number): void {
  queue.push(value);
  if (queue.length > capacity) queue.shift();
}
