import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';
import { GifBuilder, assertFps } from '../render/gif.js';
import { writeFileAtomic } from '../core/files.js';

export interface RecordEpisodeGifOptions {
  /** Where the GIFs go; created (with parents) if missing. */
  folder: string;
  namePrefix?: string;
  /** Which episodes (0-based, counted by reset()) to record; default: only the first. */
  episodeTrigger?: (episodeIndex: number) => boolean;
  /** Playback rate; default `env.metadata.renderFps`. */
  fps?: number;
}

/**
 * Records chosen episodes as animated GIFs (the analogue of Gymnasium's RecordVideo), to watch what
 * a policy does. A recorded episode gets the frame after reset() and after every step; it is
 * written to `${folder}/${namePrefix}-${episodeIndex}.gif` when a step terminates or truncates,
 * when reset() starts another episode first, or on close(). Frames are encoded as they arrive,
 * so memory holds the compressed GIF only. Needs `renderMode: 'rgb_array'`.
 */
export class RecordEpisodeGif<O, A> extends Wrapper<O, A> {
  readonly folder: string;
  readonly namePrefix: string;
  readonly fps: number;
  /** Paths of the GIFs written so far, in order. */
  readonly recordedPaths: string[] = [];
  private readonly episodeTrigger: (episodeIndex: number) => boolean;
  private episodeIndex = -1;
  private gif: GifBuilder | undefined;

  constructor(env: Env<O, A>, options: RecordEpisodeGifOptions) {
    super(env);
    if (env.renderMode !== 'rgb_array') {
      throw new TypeError(`RecordEpisodeGif: the env must be made with renderMode 'rgb_array', got ${String(env.renderMode)}`);
    }
    const { folder, namePrefix = 'episode', episodeTrigger = (i: number) => i === 0, fps = env.metadata.renderFps } = options;
    if (typeof folder !== 'string' || folder === '') throw new TypeError('RecordEpisodeGif: folder must be a non-empty path');
    if (typeof episodeTrigger !== 'function') throw new TypeError('RecordEpisodeGif: episodeTrigger must be a function of the episode index');
    assertFps(fps, 'RecordEpisodeGif');
    this.folder = folder;
    this.namePrefix = namePrefix;
    this.episodeTrigger = episodeTrigger;
    this.fps = fps;
    mkdirSync(folder, { recursive: true });
  }

  /** Whether the current episode is being recorded. */
  get recording(): boolean {
    return this.gif !== undefined;
  }

  /** The episode counter (so triggers continue after a restore); a recording in progress is not kept. */
  protected override ownState(): unknown {
    return { episodeIndex: this.episodeIndex };
  }

  protected override restoreOwnState(own: unknown): void {
    this.gif = undefined;
    this.episodeIndex = (own as { episodeIndex: number }).episodeIndex;
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.stopRecording();
    const result = this.env.reset(args);
    this.episodeIndex += 1;
    if (this.episodeTrigger(this.episodeIndex)) {
      this.gif = new GifBuilder({ fps: this.fps });
      this.capture(this.gif);
    }
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    if (this.gif !== undefined) {
      this.capture(this.gif);
      if (result.terminated || result.truncated) this.stopRecording();
    }
    return result;
  }

  override close(): void {
    try {
      this.stopRecording();
    } finally {
      super.close();
    }
  }

  private capture(gif: GifBuilder): void {
    const frame = this.env.render();
    if (frame === undefined) throw new TypeError('RecordEpisodeGif: env.render() returned undefined in rgb_array mode');
    gif.addFrame(frame);
  }

  /** Writes the current recording, if any. */
  private stopRecording(): void {
    const gif = this.gif;
    if (gif === undefined) return;
    this.gif = undefined;
    const path = join(this.folder, `${this.namePrefix}-${this.episodeIndex}.gif`);
    writeFileAtomic(path, gif.finish());
    this.recordedPaths.push(path);
  }
}
