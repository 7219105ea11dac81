import { type Env, ObservationWrapper } from '../core/env.js';
import type { NDArray } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import { imageLayout } from './resize-observation.js';

export interface GrayscaleOptions {
  /** Keep a trailing channel axis: [H, W, 1] instead of [H, W]. */
  keepDim?: boolean;
}

/**
 * Converts RGB image observations [H, W, 3] to luma [H, W] (or [H, W, 1] with keepDim), which
 * cuts the input of pixel-based learners threefold. Luma is ITU-R BT.601,
 * 0.299 R + 0.587 G + 0.114 B rounded, computed bit-exactly as OpenCV's cvtColor(RGB2GRAY)
 * does for uint8 (14-bit fixed point), which older Gym used.
 */
export class GrayscaleObservation<A> extends ObservationWrapper<NDArray<'uint8'>, A, NDArray<'uint8'>> {
  readonly keepDim: boolean;
  private readonly pixels: number;
  private readonly outShape: readonly number[];

  constructor(env: Env<NDArray<'uint8'>, A>, options: GrayscaleOptions = {}) {
    super(env);
    const layout = imageLayout(env.observationSpace, 'GrayscaleObservation', ['[H, W, 3]']);
    if (layout.channels !== 3) {
      throw new TypeError(`GrayscaleObservation: needs an RGB observation space of shape [H, W, 3], got ${String(env.observationSpace)}`);
    }
    this.keepDim = options.keepDim ?? false;
    this.pixels = layout.height * layout.width;
    this.outShape = this.keepDim ? [layout.height, layout.width, 1] : [layout.height, layout.width];
    this.observationSpace = new Box({ low: 0, high: 255, shape: this.outShape, dtype: 'uint8' });
  }

  observation(observation: NDArray<'uint8'>): NDArray<'uint8'> {
    const rgb = observation.data;
    if (rgb.length !== 3 * this.pixels) {
      throw new RangeError(`GrayscaleObservation: observation has ${rgb.length} values, the observation space needs ${3 * this.pixels}`);
    }
    const out = new Uint8Array(this.pixels);
    for (let p = 0, s = 0; p < this.pixels; p++, s += 3) out[p] = luma(rgb[s]!, rgb[s + 1]!, rgb[s + 2]!);
    return { dtype: 'uint8', shape: this.outShape, data: out };
  }
}

/** OpenCV's uint8 RGB -> gray: round(0.299 R + 0.587 G + 0.114 B) with coefficients scaled by 2^14. */
export function luma(r: number, g: number, b: number): number {
  return (4899 * r + 9617 * g + 1868 * b + 8192) >> 14;
}
