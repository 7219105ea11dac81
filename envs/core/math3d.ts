/**
 * 3-D math shared by the renderer (render/: camera, rasteriser) and the incline physics (incline/:
 * convex hulls, mass properties, incline frame): 3-vectors as number tuples, row-major 3 x 3
 * rotation matrices and rigid poses. Plain float64 arithmetic, written out component by component.
 *
 * It sits in core, the lowest layer of envs/, so that incline/ physics need not import render/ for
 * it and render/ need not import incline/. Units are the caller's (metres in the envs).
 */

/** A 3-vector [x, y, z], as the functions here take it (they never write their arguments). */
export type Vec3 = readonly [number, number, number];

/** A 3-vector its owner may write in place (accumulators, stored states); the functions here return fresh ones. */
export type MutableVec3 = [number, number, number];

/** The `index`-th 3-vector of a flat array of x, y, z triples. */
export function vec3At(flat: ArrayLike<number>, index: number): MutableVec3 {
  return [flat[3 * index]!, flat[3 * index + 1]!, flat[3 * index + 2]!];
}

export function add(a: Vec3, b: Vec3): MutableVec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function sub(a: Vec3, b: Vec3): MutableVec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** `a` times the scalar `k`. */
export function scale(a: Vec3, k: number): MutableVec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}

/** The point a fraction `t` of the way from `a` to `b`: a + (b - a) t. */
export function lerp(a: Vec3, b: Vec3, t: number): MutableVec3 {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): MutableVec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Euclidean length (Math.hypot, so no overflow for large components). */
export function length(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** `a` scaled to unit length; a RangeError for the zero vector (or a non-finite one). */
export function normalize(a: Vec3): MutableVec3 {
  const n = length(a);
  if (!(n > 0)) throw new RangeError(`cannot normalise the zero vector [${a.join(', ')}]`);
  return [a[0] / n, a[1] / n, a[2] / n];
}

/** A rigid transform from a body's frame to the world: world = rotation * local + position. */
export interface Pose {
  /** Translation, m (3 numbers). */
  readonly position: ArrayLike<number>;
  /** Row-major 3 x 3 rotation matrix (9 numbers). */
  readonly rotation: ArrayLike<number>;
}

export const IDENTITY_POSE: Pose = Object.freeze({
  position: Object.freeze([0, 0, 0]),
  rotation: Object.freeze([1, 0, 0, 0, 1, 0, 0, 0, 1]),
});

/** Row-major rotation matrix of the unit quaternion (x, y, z, w), written into `out`. */
export function quaternionToMatrix(x: number, y: number, z: number, w: number, out: Float64Array = new Float64Array(9)): Float64Array {
  out[0] = 1 - 2 * (y * y + z * z);
  out[1] = 2 * (x * y - z * w);
  out[2] = 2 * (x * z + y * w);
  out[3] = 2 * (x * y + z * w);
  out[4] = 1 - 2 * (x * x + z * z);
  out[5] = 2 * (y * z - x * w);
  out[6] = 2 * (x * z - y * w);
  out[7] = 2 * (y * z + x * w);
  out[8] = 1 - 2 * (x * x + y * y);
  return out;
}
