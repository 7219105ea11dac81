/**
 * A small, fast 2-D anti-aliased rasteriser for the built-in environments' frames.
 *
 * It draws a few filled shapes (background, disc, capsule, axis-aligned rectangle) into a row-major
 * RGB or grayscale `Uint8Array`. We write it by hand instead of using @napi-rs/canvas because a
 * 64x64 frame must cost well under 50 microseconds: measured, a canvas draw plus the getImageData
 * round trip alone costs about 50 us, while these loops draw a whole pendulum frame in a few us.
 *
 * Conventions:
 * - Coordinates are in pixels, continuous: (0, 0) is the top-left corner of the image, x grows to the
 *   right (columns), y grows downwards (rows). Pixel (column i, row j) has its centre at (i + 0.5, j + 0.5).
 * - Anti-aliasing is coverage-based: for each pixel centre, `d` is the signed distance to the shape's
 *   boundary (negative inside) and the coverage is clamp(0.5 - d, 0, 1); the colour is blended over
 *   what is already there: new = old + (colour - old) * coverage, rounded to the nearest integer.
 * - Each shape visits only the pixels of its bounding box (grown by one pixel), clipped to the image.
 * - Functions are pure apart from writing into the raster, and allocate nothing per call.
 */

/** An image being drawn into: `data` holds `height` rows of `width` pixels of `channels` bytes each. */
export interface Raster {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 3 = RGB, 1 = grayscale (colours are drawn as their luma). */
  readonly channels: 1 | 3;
}

/** An RGB colour, each channel an integer in 0..255. On a grayscale raster its luma is drawn. */
export type Color = readonly [r: number, g: number, b: number];

/** Wrap a buffer as a raster, checking that its length matches width x height x channels. */
export function createRaster(width: number, height: number, channels: 1 | 3, data?: Uint8Array): Raster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`raster size must be positive integers, got ${width}x${height}`);
  }
  const length = width * height * channels;
  const buffer = data ?? new Uint8Array(length);
  if (buffer.length !== length) {
    throw new RangeError(`raster buffer has ${buffer.length} bytes, ${width}x${height}x${channels} needs ${length}`);
  }
  return { data: buffer, width, height, channels };
}

/** ITU-R BT.601 luma of a colour, rounded: the grey level a grayscale raster draws for it. */
export function luma(color: Color): number {
  return Math.round(0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]);
}

/** Fill the whole raster with one colour. */
export function fillBackground(target: Raster, color: Color): void {
  const { data } = target;
  if (target.channels === 1) {
    data.fill(luma(color));
    return;
  }
  const [r, g, b] = color;
  if (r === g && g === b) {
    data.fill(r);
    return;
  }
  for (let k = 0; k < data.length; k += 3) {
    data[k] = r;
    data[k + 1] = g;
    data[k + 2] = b;
  }
}

/** Fill a disc of centre (cx, cy) and radius `radius` (pixels). */
export function fillDisc(target: Raster, cx: number, cy: number, radius: number, color: Color): void {
  const { width, channels } = target;
  const i0 = firstPixel(cx - radius);
  const i1 = endPixel(cx + radius, width);
  const j0 = firstPixel(cy - radius);
  const j1 = endPixel(cy + radius, target.height);
  // Squared distances beyond which a pixel is fully inside / fully outside: skips the sqrt there.
  const inner = radius > 0.5 ? (radius - 0.5) * (radius - 0.5) : -1;
  const outer = (radius + 0.5) * (radius + 0.5);
  const gray = channels === 1 ? luma(color) : 0;
  for (let j = j0; j < j1; j++) {
    const dy = j + 0.5 - cy;
    const dy2 = dy * dy;
    let k = (j * width + i0) * channels;
    for (let i = i0; i < i1; i++, k += channels) {
      const dx = i + 0.5 - cx;
      const dist2 = dx * dx + dy2;
      if (dist2 >= outer) continue;
      const coverage = dist2 <= inner ? 1 : clampUnit(0.5 - (Math.sqrt(dist2) - radius));
      blend(target.data, k, channels, color, gray, coverage);
    }
  }
}

/**
 * Fill a capsule: every point within `radius` of the segment (ax, ay)-(bx, by) (pixels). This is a
 * thick line with rounded ends; a zero-length segment gives a disc.
 */
export function fillCapsule(
  target: Raster, ax: number, ay: number, bx: number, by: number, radius: number, color: Color,
): void {
  const { width, channels } = target;
  const i0 = firstPixel(Math.min(ax, bx) - radius);
  const i1 = endPixel(Math.max(ax, bx) + radius, width);
  const j0 = firstPixel(Math.min(ay, by) - radius);
  const j1 = endPixel(Math.max(ay, by) + radius, target.height);
  const ex = bx - ax;
  const ey = by - ay;
  const length2 = ex * ex + ey * ey;
  const invLength2 = length2 > 0 ? 1 / length2 : 0;
  const inner = radius > 0.5 ? (radius - 0.5) * (radius - 0.5) : -1;
  const outer = (radius + 0.5) * (radius + 0.5);
  const gray = channels === 1 ? luma(color) : 0;
  for (let j = j0; j < j1; j++) {
    const py = j + 0.5 - ay;
    let k = (j * width + i0) * channels;
    for (let i = i0; i < i1; i++, k += channels) {
      const px = i + 0.5 - ax;
      // Closest point of the segment: parameter t in [0, 1] along a -> b.
      let t = (px * ex + py * ey) * invLength2;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const qx = px - t * ex;
      const qy = py - t * ey;
      const dist2 = qx * qx + qy * qy;
      if (dist2 >= outer) continue;
      const coverage = dist2 <= inner ? 1 : clampUnit(0.5 - (Math.sqrt(dist2) - radius));
      blend(target.data, k, channels, color, gray, coverage);
    }
  }
}

/** Fill the axis-aligned rectangle [x0, x1] x [y0, y1] (pixels; x0 <= x1, y0 <= y1). */
export function fillRect(target: Raster, x0: number, y0: number, x1: number, y1: number, color: Color): void {
  const { width, channels } = target;
  const i0 = firstPixel(x0);
  const i1 = endPixel(x1, width);
  const j0 = firstPixel(y0);
  const j1 = endPixel(y1, target.height);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const hx = (x1 - x0) / 2;
  const hy = (y1 - y0) / 2;
  const gray = channels === 1 ? luma(color) : 0;
  for (let j = j0; j < j1; j++) {
    const qy = Math.abs(j + 0.5 - cy) - hy;
    let k = (j * width + i0) * channels;
    for (let i = i0; i < i1; i++, k += channels) {
      const qx = Math.abs(i + 0.5 - cx) - hx;
      // Signed distance to a box: Euclidean outside, distance to the nearest side (negative) inside.
      let d: number;
      if (qx > 0 && qy > 0) d = Math.sqrt(qx * qx + qy * qy);
      else d = qx > qy ? qx : qy;
      if (d >= 0.5) continue;
      blend(target.data, k, channels, color, gray, d <= -0.5 ? 1 : 0.5 - d);
    }
  }
}

/** First pixel index whose centre may lie within half a pixel of coordinate `min` (clipped to 0). */
function firstPixel(min: number): number {
  const i = Math.floor(min - 0.5);
  return i > 0 ? i : 0;
}

/** One past the last pixel index whose centre may lie within half a pixel of `max` (clipped to size). */
function endPixel(max: number, size: number): number {
  const i = Math.ceil(max + 0.5);
  return i < size ? i : size;
}

function clampUnit(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/** Blend `color` (or `gray` on a 1-channel raster) over the pixel at byte offset `k`. */
function blend(data: Uint8Array, k: number, channels: 1 | 3, color: Color, gray: number, coverage: number): void {
  if (coverage <= 0) return;
  if (channels === 1) {
    data[k] = coverage >= 1 ? gray : mix(data[k]!, gray, coverage);
    return;
  }
  if (coverage >= 1) {
    data[k] = color[0];
    data[k + 1] = color[1];
    data[k + 2] = color[2];
  } else {
    data[k] = mix(data[k]!, color[0], coverage);
    data[k + 1] = mix(data[k + 1]!, color[1], coverage);
    data[k + 2] = mix(data[k + 2]!, color[2], coverage);
  }
}

/** old + (value - old) * coverage, rounded half up (the result is in [0, 255]). */
function mix(old: number, value: number, coverage: number): number {
  return Math.floor(old + (value - old) * coverage + 0.5);
}
