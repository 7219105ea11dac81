/**
 * Animated GIFs of rendered frames, for looking at episodes without a video toolchain.
 * Each frame gets its own 256-colour palette (gifenc's PnnQuant quantizer), so frames with few
 * colours are exact. GIF stores delays in hundredths of a second, so the played rate is
 * 100 / round(100 / fps) frames per second (e.g. 30 fps plays at 33.3).
 */
import gifenc from 'gifenc';
import type { Frame } from '../core/env.js';
import { formatShape, isNDArray } from '../core/ndarray.js';
import { writeFileAtomic } from '../core/files.js';

export interface GifOptions {
  /** Playback frames per second. */
  fps: number;
  /** 0 (default) loops forever, -1 plays once, n > 0 loops n extra times. */
  repeat?: number;
}

/**
 * Encodes frames one at a time, so a recorder holds the compressed GIF rather than every frame.
 * All frames must have the first frame's [height, width, 3] shape.
 */
export class GifBuilder {
  private readonly encoder = gifenc.GIFEncoder();
  private readonly delayMs: number;
  private readonly repeat: number;
  private rgba: Uint8Array | undefined;
  private width = 0;
  private height = 0;
  private frames = 0;
  private finished = false;

  constructor(options: GifOptions) {
    const { fps, repeat = 0 } = options;
    assertFps(fps, 'GIF');
    if (!Number.isInteger(repeat) || repeat < -1 || repeat > 0xffff) {
      throw new RangeError(`GIF: repeat must be an integer in [-1, 65535], got ${repeat}`);
    }
    this.delayMs = 1000 / fps;
    this.repeat = repeat;
  }

  get frameCount(): number {
    return this.frames;
  }

  addFrame(frame: Frame): void {
    if (this.finished) throw new Error('GIF: addFrame() after finish()');
    if (!isNDArray(frame) || frame.dtype !== 'uint8' || frame.shape.length !== 3 || frame.shape[2] !== 3) {
      throw new TypeError(`GIF: frame ${this.frames} must be a uint8 NDArray of shape [height, width, 3], got ${isNDArray(frame) ? `${frame.dtype} ${formatShape(frame.shape)}` : typeof frame}`);
    }
    const [height = 0, width = 0] = frame.shape;
    if (this.rgba === undefined) {
      if (height <= 0 || width <= 0 || height > 0xffff || width > 0xffff) {
        throw new RangeError(`GIF: frame size ${width}x${height} must be between 1 and 65535 pixels each way`);
      }
      this.width = width;
      this.height = height;
      // A buffer of its own: gifenc reads `rgba.buffer` from offset 0.
      this.rgba = new Uint8Array(width * height * 4).fill(255);
    } else if (height !== this.height || width !== this.width) {
      throw new RangeError(`GIF: frame ${this.frames} is ${formatShape(frame.shape)}, the first frame was [${this.height}, ${this.width}, 3]`);
    }
    const rgb = frame.data;
    if (rgb.length !== width * height * 3) {
      throw new RangeError(`GIF: frame ${this.frames} has ${rgb.length} values, shape ${formatShape(frame.shape)} needs ${width * height * 3}`);
    }
    const rgba = this.rgba;
    for (let s = 0, d = 0; s < rgb.length; s += 3, d += 4) {
      rgba[d] = rgb[s]!;
      rgba[d + 1] = rgb[s + 1]!;
      rgba[d + 2] = rgb[s + 2]!;
    }
    const palette = gifenc.quantize(rgba, 256);
    const index = gifenc.applyPalette(rgba, palette);
    this.encoder.writeFrame(index, width, height, { palette, delay: this.delayMs, repeat: this.repeat });
    this.frames += 1;
  }

  /** Ends the stream and returns the GIF file's bytes. */
  finish(): Uint8Array {
    if (this.frames === 0) throw new RangeError('GIF: no frames to encode');
    if (!this.finished) {
      this.encoder.finish();
      this.finished = true;
    }
    return this.encoder.bytes();
  }
}

/** Throws unless `fps` is a positive finite number; `where` starts the message. */
export function assertFps(fps: unknown, where: string): asserts fps is number {
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps <= 0) {
    throw new RangeError(`${where}: fps must be a positive finite number, got ${String(fps)}`);
  }
}

/** The bytes of an animated GIF of `frames` ([H, W, 3] uint8, all the same size). */
export function encodeGif(frames: readonly Frame[], options: GifOptions): Uint8Array {
  const builder = new GifBuilder(options);
  for (const frame of frames) builder.addFrame(frame);
  return builder.finish();
}

/** Encode `frames` and write them to `path` atomically (see writeFileAtomic). */
export function writeGif(path: string, frames: readonly Frame[], options: GifOptions): void {
  writeFileAtomic(path, encodeGif(frames, options));
}
