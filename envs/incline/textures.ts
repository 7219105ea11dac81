/**
 * Procedural, tileable textures for the incline and the floor, named after the image files of the AML
 * env (its incline and plane textures), and the original Geom env's plain incline colours.
 * Deterministic: the same pixels on every machine and run, no randomness drawn from any env.
 */
import { type Vec3, lerp, scale } from '../core/math3d.js';
import { type Texture, createTexture } from '../render/texture-sampling.js';

/** Side of every generated texture, px (a power of two, so every mip level halves exactly). */
export const TEXTURE_SIZE = 128;

/** The AML Geom env's incline colours (INCLINE_COLORS), RGB in [0, 1]. */
export const INCLINE_COLORS: readonly Vec3[] = Object.freeze([
  [1, 0.5, 0], [0.8, 0.8, 0.8], [0.9, 0.4, 0.4], [0, 1, 0], [0.5, 0.15, 0.15], [1, 0.6, 0],
]);

/** Names of INCLINE_COLORS, in order. */
export const INCLINE_COLOR_NAMES = ['orange', 'light_grey', 'pink', 'green', 'maroon', 'amber'] as const;

export const INCLINE_TEXTURE_NAMES = ['red_metal_strip', 'marble', 'birch', 'green', 'retro_purple_long', 'wood'] as const;
export const FLOOR_TEXTURE_NAMES = ['red_marble', 'blue_bright', 'purple_squares', 'wood_stripes', 'dark_pattern', 'orange_pattern'] as const;

/** A hash of integer lattice point (i, j) and `seed` to [0, 1). */
function hash(i: number, j: number, seed: number): number {
  let h = Math.imul(i, 374761393) ^ Math.imul(j, 668265263) ^ Math.imul(seed, 2246822519);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Smooth value noise at (x, y) on a lattice of `period` cells that wraps (so textures tile). */
function valueNoise(x: number, y: number, period: number, seed: number): number {
  const i = Math.floor(x), j = Math.floor(y);
  const fx = x - i, fy = y - j;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const w = (k: number): number => ((k % period) + period) % period;
  const a = hash(w(i), w(j), seed), b = hash(w(i + 1), w(j), seed);
  const c = hash(w(i), w(j + 1), seed), d = hash(w(i + 1), w(j + 1), seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

/** Fractal noise in [0, 1): `octaves` octaves from `period` cells across the texture. */
function fbm(u: number, v: number, period: number, octaves: number, seed: number): number {
  let sum = 0, amplitude = 0.5, total = 0, p = period;
  for (let o = 0; o < octaves; o++) {
    sum += amplitude * valueNoise(u * p, v * p, p, seed + o);
    total += amplitude;
    amplitude *= 0.5;
    p *= 2;
  }
  return sum / total;
}

type Shader = (u: number, v: number) => Vec3;

/** Rasterise a shader (u, v in [0, 1), colour 0..255 each) into a tileable texture. */
function bake(shader: Shader): Texture {
  const n = TEXTURE_SIZE;
  const rgb = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const c = shader((x + 0.5) / n, (y + 0.5) / n);
      for (let k = 0; k < 3; k++) rgb[3 * (y * n + x) + k] = Math.max(0, Math.min(255, Math.round(c[k]!)));
    }
  }
  return createTexture(n, n, rgb);
}

const TAU = 2 * Math.PI;

/** Veined stone between `base` and `vein`. */
const marble = (base: Vec3, vein: Vec3, seed: number): Shader => (u, v) => {
  const t = Math.abs(Math.sin(TAU * (u + v) + 8 * fbm(u, v, 4, 4, seed)));
  return lerp(vein, base, Math.pow(t, 0.35));
};

/** Wood grain along u, rings perturbed by noise. */
const wood = (light: Vec3, dark: Vec3, rings: number, seed: number): Shader => (u, v) => {
  const t = 0.5 + 0.5 * Math.sin(TAU * rings * v + 6 * fbm(u, v, 2, 3, seed));
  return scale(lerp(dark, light, t), 0.9 + 0.2 * fbm(u, v, 16, 2, seed + 7));
};

/** A colour with a mottled surface. */
const mottled = (base: Vec3, amount: number, seed: number): Shader => (u, v) => scale(base, 1 - amount + 2 * amount * fbm(u, v, 8, 4, seed));

const INCLINE_SHADERS: readonly Shader[] = [
  (u, v) => { // red_metal_strip: red paint with brushed-metal strips across
    const strip = (v * 4) % 1 < 0.18;
    const n = fbm(u, v, 32, 2, 11);
    return strip ? scale([165, 165, 172], 0.85 + 0.3 * n) : scale([178, 42, 36], 0.85 + 0.3 * n);
  },
  marble([232, 230, 224], [120, 120, 128], 21),
  wood([232, 212, 170], [196, 166, 120], 6, 31),
  mottled([62, 150, 70], 0.25, 41),
  (u, v) => { // retro_purple_long: long stripes along the incline
    const t = 0.5 + 0.5 * Math.sin(TAU * 3 * v);
    return scale(lerp([96, 44, 120], [176, 120, 196], t > 0.5 ? 1 : 0), 0.9 + 0.2 * fbm(u, v, 8, 2, 51));
  },
  wood([170, 112, 62], [112, 66, 34], 4, 61),
];

const FLOOR_SHADERS: readonly Shader[] = [
  marble([176, 72, 64], [90, 28, 26], 71),
  (u, v) => { // blue_bright: bright tiles with grout
    const grout = (u * 4) % 1 < 0.05 || (v * 4) % 1 < 0.05;
    return grout ? [210, 220, 235] : scale([40, 120, 235], 0.9 + 0.2 * fbm(u, v, 8, 2, 81));
  },
  (u, v) => { // purple_squares: a checkerboard of two purples
    const odd = (Math.floor(u * 4) + Math.floor(v * 4)) % 2 === 1;
    return odd ? [150, 90, 170] : [90, 50, 110];
  },
  (u, v) => { // wood_stripes: planks of alternating shades
    const plank = Math.floor(v * 4);
    const seam = (v * 4) % 1 < 0.04;
    const base: Vec3 = plank % 2 === 0 ? [196, 150, 100] : [168, 120, 78];
    return seam ? [90, 60, 40] : wood(base, scale(base, 0.8), 3, 91 + plank)(u, v);
  },
  (u, v) => { // dark_pattern: dark grey with a diamond lattice
    const d = Math.abs(((u * 4) % 1) - 0.5) + Math.abs(((v * 4) % 1) - 0.5);
    return d > 0.45 ? [96, 96, 104] : scale([48, 48, 54], 0.9 + 0.2 * fbm(u, v, 8, 2, 101));
  },
  (u, v) => { // orange_pattern: orange with a grid of rings
    const dx = ((u * 4) % 1) - 0.5, dy = ((v * 4) % 1) - 0.5;
    const r = Math.hypot(dx, dy);
    return r > 0.28 && r < 0.38 ? [250, 220, 160] : scale([232, 120, 32], 0.9 + 0.2 * fbm(u, v, 8, 2, 111));
  },
];

/** PyBullet's default ground: a light blue-grey checkerboard, two squares per texture side. */
const CHECKER_SHADER: Shader = (u, v) => ((Math.floor(u * 2) + Math.floor(v * 2)) % 2 === 0 ? [190, 198, 210] : [228, 232, 238]);

let inclineTextures: Texture[] | undefined;
let floorTextures: Texture[] | undefined;
let checker: Texture | undefined;

/** Incline texture `index` (0..5), built on first use. */
export function inclineTexture(index: number): Texture {
  inclineTextures ??= INCLINE_SHADERS.map(bake);
  return pick(inclineTextures, index, 'incline texture');
}

/** Floor texture `index` (0..5), built on first use. */
export function floorTexture(index: number): Texture {
  floorTextures ??= FLOOR_SHADERS.map(bake);
  return pick(floorTextures, index, 'floor texture');
}

/** The plain scene's checkerboard floor. */
export function checkerFloorTexture(): Texture {
  checker ??= bake(CHECKER_SHADER);
  return checker;
}

function pick<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`${what} index must be in [0, ${list.length - 1}], got ${index}`);
  return item;
}
