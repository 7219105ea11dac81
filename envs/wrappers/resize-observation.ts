import { type Canvas, type SKRSContext2D, createCanvas, ImageData } from '@napi-rs/canvas';
import { type Env, ObservationWrapper } from '../core/env.js';
import { type NDArray, formatShape } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import type { Space } from '../core/space.js';

/** Height, width and channels of a uint8 image Box of shape [H, W], [H, W, 1] or [H, W, 3]. */
export interface ImageLayout {
  height: number;
  width: number;
  channels: 1 | 3;
  /** Whether the shape has a channel axis ([H, W, C] rather than [H, W]). */
  channelAxis: boolean;
}

/** The layout of a uint8 image Box, or a clear error naming `wrapper` (shared by the image wrappers). */
export function imageLayout(space: Space<unknown>, wrapper: string, accept: readonly string[] = ['[H, W]', '[H, W, 1]', '[H, W, 3]']): ImageLayout {
  const why = `${wrapper}: needs a uint8 Box observation space of shape ${accept.join(', ')}, got ${String(space)}`;
  if (!(space instanceof Box) || space.dtype !== 'uint8') throw new TypeError(why);
  const [height, width, channels = 1] = space.shape;
  const channelAxis = space.shape.length === 3;
  if (height === undefined || width === undefined || (space.shape.length !== 2 && !channelAxis)
    || (channels !== 1 && channels !== 3) || height === 0 || width === 0) {
    throw new TypeError(why);
  }
  return { height, width, channels, channelAxis };
}

/**
 * Resizes image observations to [height, width] (Gymnasium's ResizeObservation, which uses
 * OpenCV's area interpolation). Skia draws through @napi-rs/canvas with
 * `imageSmoothingQuality = 'high'`; a dimension shrinking by 2x or more is first halved
 * repeatedly (an exact 2-pixel average when the size is even), then one bilinear draw reaches the target,
 * so integer power-of-two factors give block means and other factors stay close to INTER_AREA.
 * The channel axis is kept as given ([H, W], [H, W, 1] or [H, W, 3]). The canvases are created
 * once per wrapper; each observation costs an RGBA conversion each way plus the draws.
 */
export class ResizeObservation<A> extends ObservationWrapper<NDArray<'uint8'>, A, NDArray<'uint8'>> {
  readonly shape: readonly [number, number];
  private readonly layout: ImageLayout;
  private readonly outShape: readonly number[];
  private readonly sourceRgba: ImageData;
  /** Source canvas, any halving stages, then the target canvas. */
  private readonly stages: readonly Stage[];

  constructor(env: Env<NDArray<'uint8'>, A>, shape: readonly [height: number, width: number]) {
    super(env);
    const layout = imageLayout(env.observationSpace, 'ResizeObservation');
    const [height, width] = shape;
    if (shape.length !== 2 || !isPositiveInt(height) || !isPositiveInt(width)) {
      throw new RangeError(`ResizeObservation: shape must be [height, width] of positive integers, got ${formatShape(shape)}`);
    }
    this.shape = [height, width];
    this.layout = layout;
    this.outShape = layout.channelAxis ? [height, width, layout.channels] : [height, width];
    this.sourceRgba = new ImageData(layout.width, layout.height);
    this.sourceRgba.data.fill(255); // alpha stays opaque; colour bytes are overwritten per frame
    this.stages = resizeStages(layout.height, layout.width, height, width);
    this.observationSpace = new Box({ low: 0, high: 255, shape: this.outShape, dtype: 'uint8' });
  }

  observation(observation: NDArray<'uint8'>): NDArray<'uint8'> {
    const { height, width, channels } = this.layout;
    const src = observation.data;
    if (src.length !== height * width * channels) {
      throw new RangeError(`ResizeObservation: observation has ${src.length} values, shape [${height}, ${width}, ${channels}] needs ${height * width * channels}`);
    }
    const rgba = this.sourceRgba.data;
    const g = channels === 3 ? 1 : 0; // grey images repeat their one channel
    const b = 2 * g;
    for (let p = 0, q = 0, s = 0; p < height * width; p++, q += 4, s += channels) {
      rgba[q] = src[s]!;
      rgba[q + 1] = src[s + g]!;
      rgba[q + 2] = src[s + b]!;
    }
    const stages = this.stages;
    stages[0]!.context.putImageData(this.sourceRgba, 0, 0);
    for (let k = 1; k < stages.length; k++) {
      const from = stages[k - 1]!;
      const to = stages[k]!;
      to.context.drawImage(from.canvas, 0, 0, from.width, from.height, 0, 0, to.width, to.height);
    }
    const [outH, outW] = this.shape;
    const pixels = stages[stages.length - 1]!.context.getImageData(0, 0, outW, outH).data;
    const out = new Uint8Array(outH * outW * channels);
    for (let p = 0; p < outH * outW; p++) {
      for (let c = 0; c < channels; c++) out[p * channels + c] = pixels[4 * p + c]!;
    }
    return { dtype: 'uint8', shape: this.outShape, data: out };
  }
}

interface Stage {
  canvas: Canvas;
  context: SKRSContext2D;
  height: number;
  width: number;
}

/** Canvases from [h0, w0] to [h, w]: halve each dimension while it is at least twice its target. */
function resizeStages(h0: number, w0: number, h: number, w: number): Stage[] {
  const stage = (height: number, width: number): Stage => {
    const canvas = createCanvas(width, height);
    const context = canvas.getContext('2d');
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    context.globalCompositeOperation = 'copy'; // replace, never blend with the previous frame
    return { canvas, context, height, width };
  };
  const stages = [stage(h0, w0)];
  let [ch, cw] = [h0, w0];
  while (ch !== h || cw !== w) {
    ch = ch >= 2 * h ? Math.floor(ch / 2) : h;
    cw = cw >= 2 * w ? Math.floor(cw / 2) : w;
    stages.push(stage(ch, cw));
  }
  return stages;
}

function isPositiveInt(n: number | undefined): n is number {
  return n !== undefined && Number.isInteger(n) && n > 0;
}
