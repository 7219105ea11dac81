/**
 * Perspective cameras for the 3-D rasteriser: where the eye is, where it looks, and how a world
 * point maps to the image.
 *
 * Conventions:
 * - World units are metres; any right-handed frame (the incline envs use z up).
 * - Image coordinates: (0, 0) is the top-left corner, x grows right, y grows down; pixel (column i,
 *   row j) has its centre at (i + 0.5, j + 0.5). The vertical field of view spans the frame's
 *   height; the horizontal extent follows its aspect ratio.
 */
import { type Vec3, add, cross, dot, normalize, sub } from '../core/math3d.js';

/** A perspective camera: an eye and an orthonormal basis, right-handed (right x up = -forward). */
export interface Camera {
  /** Eye position, m. */
  readonly eye: Vec3;
  /** Unit vector pointing right in the image. */
  readonly right: Vec3;
  /** Unit vector pointing up in the image. */
  readonly up: Vec3;
  /** Unit viewing direction. */
  readonly forward: Vec3;
  /** 1 / tan(fovY / 2): the vertical field of view. Horizontal extent follows the frame's aspect. */
  readonly focal: number;
  /** Near clipping distance along `forward`, m (> 0). */
  readonly near: number;
}

const DEG = Math.PI / 180;

/**
 * A camera at `eye` looking at `target`, its image up as close to `worldUp` as possible.
 * `fovYDeg` is the vertical field of view in degrees, `near` the near clipping distance in metres.
 */
export function lookAtCamera(eye: Vec3, target: Vec3, worldUp: Vec3, fovYDeg: number, near = 0.01): Camera {
  if (!(fovYDeg > 0 && fovYDeg < 180)) throw new RangeError(`field of view must be in (0, 180) degrees, got ${fovYDeg}`);
  if (!(near > 0)) throw new RangeError(`near clipping distance must be > 0, got ${near}`);
  const forward = normalize(sub(target, eye));
  const right = normalize(cross(forward, worldUp));
  const up = cross(right, forward);
  return { eye, right, up, forward, focal: 1 / Math.tan((fovYDeg * DEG) / 2), near };
}

/**
 * PyBullet's `computeViewMatrixFromYawPitchRoll` camera (z up, roll 0): the eye sits `distance`
 * metres from `target` at offset Rz(yaw) Rx(pitch) [0, -distance, 0]; yaw 0 looks along +y,
 * negative pitch looks down. Angles in degrees; `fovYDeg` is the vertical field of view.
 */
export function orbitCamera(target: Vec3, distance: number, yawDeg: number, pitchDeg: number, fovYDeg: number, near = 0.01): Camera {
  if (!(distance > 0)) throw new RangeError(`camera distance must be > 0, got ${distance}`);
  if (!(Math.abs(pitchDeg) < 90)) throw new RangeError(`camera pitch must be in (-90, 90) degrees, got ${pitchDeg}`);
  const yaw = yawDeg * DEG;
  const pitch = pitchDeg * DEG;
  const offset: Vec3 = [
    distance * Math.cos(pitch) * Math.sin(yaw),
    -distance * Math.cos(pitch) * Math.cos(yaw),
    -distance * Math.sin(pitch),
  ];
  return lookAtCamera(add(target, offset), target, [0, 0, 1], fovYDeg, near);
}

/** Image position [column, row] (continuous pixels) and view depth of a world point; depth <= 0 is behind. */
export function projectPoint(camera: Camera, width: number, height: number, p: Vec3): [x: number, y: number, depth: number] {
  const d = sub(p, camera.eye);
  const z = dot(d, camera.forward);
  const scale = (camera.focal * height) / 2;
  return [width / 2 + (dot(d, camera.right) * scale) / z, height / 2 - (dot(d, camera.up) * scale) / z, z];
}
