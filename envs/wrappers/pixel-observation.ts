import { type Env, type Frame, ObservationWrapper } from '../core/env.js';
import { formatShape } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import { Dict } from '../spaces/composite.js';
import type { Space } from '../core/space.js';

export interface PixelObservationOptions<P extends boolean> {
  /** Observe only the rendered frame (default), or a Dict of the frame and the env's observation. */
  pixelsOnly?: P;
  pixelsKey?: string;
  stateKey?: string;
}

/** The Dict observation of `pixelsOnly: false`: the frame under `pixelsKey`, the env's observation under `stateKey`. */
export type PixelDict<O> = Record<string, Frame | O>;

/** The observation type: a frame, or with `pixelsOnly: false` a record of frame and state. */
export type PixelObservationValue<O, P extends boolean> = P extends false ? PixelDict<O> : Frame;

/**
 * Makes the rendered frame the observation (Gymnasium's AddRenderObservation), for learning from
 * pixels. Needs `renderMode: 'rgb_array'`. To learn the frame shape for the observation space the
 * constructor calls `env.reset()` and `env.render()` once (as Gymnasium does), so the env's random
 * stream advances; reset with a seed afterwards for reproducible episodes.
 */
export class PixelObservation<O, A, P extends boolean = true> extends ObservationWrapper<O, A, PixelObservationValue<O, P>> {
  readonly pixelsOnly: boolean;
  readonly pixelsKey: string;
  readonly stateKey: string;

  constructor(env: Env<O, A>, options: PixelObservationOptions<P> = {}) {
    super(env);
    this.pixelsOnly = options.pixelsOnly ?? true;
    this.pixelsKey = options.pixelsKey ?? 'pixels';
    this.stateKey = options.stateKey ?? 'state';
    if (env.renderMode !== 'rgb_array') {
      throw new TypeError(`PixelObservation: the env must be made with renderMode 'rgb_array', got ${String(env.renderMode)}`);
    }
    if (!this.pixelsOnly && this.pixelsKey === this.stateKey) {
      throw new RangeError(`PixelObservation: pixelsKey and stateKey must differ, both are '${this.pixelsKey}'`);
    }
    env.reset();
    const frame = this.frame();
    const pixels = new Box({ low: 0, high: 255, shape: frame.shape, dtype: 'uint8' });
    const space: Space<unknown> = this.pixelsOnly
      ? pixels
      : new Dict({ [this.pixelsKey]: pixels, [this.stateKey]: env.observationSpace as Space<unknown> });
    this.observationSpace = space as Space<PixelObservationValue<O, P>>;
  }

  observation(observation: O): PixelObservationValue<O, P> {
    const frame = this.frame();
    const value = this.pixelsOnly ? frame : { [this.pixelsKey]: frame, [this.stateKey]: observation };
    return value as PixelObservationValue<O, P>;
  }

  private frame(): Frame {
    const frame = this.env.render();
    if (frame === undefined || frame.dtype !== 'uint8' || frame.shape.length !== 3) {
      throw new TypeError(`PixelObservation: env.render() must return a uint8 [H, W, 3] frame, got ${frame === undefined ? 'undefined' : `${frame.dtype} ${formatShape(frame.shape)}`}`);
    }
    return frame;
  }
}
