/**
 * Reading and writing RGB images (PNG, and decoding JPEG too) through @napi-rs/canvas. Used for
 * textures, reference frames in tests and looking at frames; never per env step.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Image, createCanvas } from '@napi-rs/canvas';
import type { Frame } from '../core/env.js';

/** An RGB image: `rgb` is row-major, 3 bytes per pixel, row 0 at the top. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** Decode PNG or JPEG bytes to RGB (alpha dropped). Throws a RangeError naming `source` if they are not an image. */
export function decodeImage(bytes: Uint8Array, source = 'image'): RgbImage {
  const image = new Image();
  image.src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { width, height } = image;
  if (!(width > 0 && height > 0)) throw new RangeError(`${source}: not a decodable PNG or JPEG image`);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j]!;
    rgb[i + 1] = rgba[j + 1]!;
    rgb[i + 2] = rgba[j + 2]!;
  }
  return { width, height, rgb };
}

/** Read and decode an image file. */
export function readImageFile(path: string): RgbImage {
  return decodeImage(readFileSync(path), path);
}

/** PNG bytes of an RGB image. */
export function encodePng(image: RgbImage): Buffer {
  const { width, height, rgb } = image;
  if (rgb.length !== width * height * 3) throw new RangeError(`encodePng: ${rgb.length} bytes for ${width}x${height} RGB`);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  const data = context.createImageData(width, height);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    data.data[j] = rgb[i]!;
    data.data[j + 1] = rgb[i + 1]!;
    data.data[j + 2] = rgb[i + 2]!;
    data.data[j + 3] = 255;
  }
  context.putImageData(data, 0, 0);
  return canvas.toBuffer('image/png');
}

/** An env frame ([H, W, 3] uint8) as an RgbImage (no copy). */
export function frameToImage(frame: Frame): RgbImage {
  const [height, width, channels] = frame.shape;
  if (frame.shape.length !== 3 || channels !== 3) throw new RangeError(`expected an [H, W, 3] frame, got [${frame.shape.join(', ')}]`);
  return { width: width!, height: height!, rgb: frame.data };
}

/** Write an RGB image or env frame as a PNG file. */
export function writePngFile(path: string, image: RgbImage | Frame): void {
  writeFileSync(path, encodePng('rgb' in image ? image : frameToImage(image)));
}
