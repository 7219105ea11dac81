/**
 * Mip-mapped RGB textures and how the rasteriser samples them: nearest texel of the mip level that
 * matches the pixel's footprint, so distant fine patterns average out instead of aliasing.
 *
 * Texture coordinates (u, v) are in image convention: v = 0 is the top row of the texture image
 * (OBJ's v = 0 is the bottom row: loaders flip it). Textures repeat outside [0, 1].
 */

/** One level of a texture's mip chain: `data` is RGB, row-major, row 0 at the top. */
export interface TextureLevel {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An RGB texture with its mip chain (level 0 is the full image, each next level half the size). */
export interface Texture {
  readonly levels: readonly TextureLevel[];
}

/**
 * A texture from an RGB image (row 0 at the top) with its mip chain: each level halves the previous
 * one (rounding down, at least 1 pixel) by averaging 2 x 2 blocks.
 */
export function createTexture(width: number, height: number, rgb: Uint8Array): Texture {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`texture size must be positive integers, got ${width}x${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`texture data has ${rgb.length} bytes, ${width}x${height} RGB needs ${width * height * 3}`);
  }
  const levels: TextureLevel[] = [{ width, height, data: rgb }];
  let level = levels[0]!;
  while (level.width > 1 || level.height > 1) {
    level = halveLevel(level);
    levels.push(level);
  }
  return { levels };
}

function halveLevel(src: TextureLevel): TextureLevel {
  const width = Math.max(1, src.width >> 1);
  const height = Math.max(1, src.height >> 1);
  const data = new Uint8Array(width * height * 3);
  const sw = src.width;
  for (let y = 0; y < height; y++) {
    const y0 = Math.min(2 * y, src.height - 1);
    const y1 = Math.min(2 * y + 1, src.height - 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.min(2 * x, sw - 1);
      const x1 = Math.min(2 * x + 1, sw - 1);
      const a = (y0 * sw + x0) * 3;
      const b = (y0 * sw + x1) * 3;
      const c = (y1 * sw + x0) * 3;
      const d = (y1 * sw + x1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        data[o + ch] = (src.data[a + ch]! + src.data[b + ch]! + src.data[c + ch]! + src.data[d + ch]! + 2) >> 2;
      }
    }
  }
  return { width, height, data };
}

/** Cap on 2 rho^2 before Math.clz32, which reads a uint32: larger footprints get level 15 (then maxLevel). */
const MAX_MIP_PRODUCT = 2 ** 30;

/**
 * Mip level for a pixel whose texel footprint has squared lengths `fx` and `fy` along the image axes:
 * round(log2(rho)) with rho the longer footprint, clamped to [0, maxLevel].
 */
export function mipLevel(fx: number, fy: number, maxLevel: number): number {
  const rho2 = fx > fy ? fx : fy;
  if (!(rho2 > 2)) return 0;
  // round(log2(rho)) = floor(log2(2 rho^2) / 2); clz32 gives floor(log2) of an integer.
  const level = (31 - Math.clz32(rho2 < MAX_MIP_PRODUCT ? rho2 * 2 : MAX_MIP_PRODUCT)) >> 1;
  return level > maxLevel ? maxLevel : level;
}

/** Byte index of the texel at (u, v) (repeating) in a texture level, nearest sampling. */
export function texelIndex(tex: TextureLevel, u: number, v: number): number {
  const lw = tex.width, lh = tex.height;
  let tx = ((u - Math.floor(u)) * lw) | 0;
  let ty = ((v - Math.floor(v)) * lh) | 0;
  if (tx >= lw) tx = lw - 1;
  if (ty >= lh) ty = lh - 1;
  return 3 * (ty * lw + tx);
}
