/**
 * The Geom-on-incline objects of the AML paper's environment: a box of 0.05 x 0.10 x 0.15 m in
 * three colours and three cylinders (radius / length 0.03 / 0.13, 0.06 / 0.13, 0.03 / 0.035 m), all
 * scaled by the env's `objectScale` (2.5 by default). Colours are the original env's GEOM_COLORS.
 *
 * Body axes follow the original URDFs: the box is 0.05 (x) by 0.10 (y) by 0.15 (z), a cylinder's
 * axis is z. The incline env lays objects down with body z along the slope and body x into the
 * surface, so the box slides on its 0.10 x 0.15 face and cylinders lie on their side, axis downhill.
 */
import type { Vec3 } from '../core/math3d.js';
import { boxMesh, cylinderMesh } from '../render/primitives3d.js';
import { type ObjectModel, objectModelFromMesh } from './object-model.js';

export type GeomSpec =
  | { readonly kind: 'box'; readonly name: string; readonly size: Vec3; readonly color: Vec3 }
  | { readonly kind: 'cylinder'; readonly name: string; readonly radius: number; readonly length: number; readonly color: Vec3 };

/** GeomOnIncline-v0 ... -v5, in order. Sizes in metres before scaling; colours RGB in [0, 1]. */
export const GEOM_SPECS: readonly GeomSpec[] = Object.freeze([
  { kind: 'box', name: 'box_cream', size: [0.05, 0.1, 0.15], color: [1, 1, 0.5] },
  { kind: 'box', name: 'box_charcoal', size: [0.05, 0.1, 0.15], color: [0.2, 0.2, 0.2] },
  { kind: 'box', name: 'box_red', size: [0.05, 0.1, 0.15], color: [1, 0, 0] },
  { kind: 'cylinder', name: 'cylinder_magenta', radius: 0.03, length: 0.13, color: [1, 0, 1] },
  { kind: 'cylinder', name: 'cylinder_large', radius: 0.06, length: 0.13, color: [0, 0.5, 1] },
  { kind: 'cylinder', name: 'cylinder_short', radius: 0.03, length: 0.035, color: [0, 0, 1] },
] as const);

/** Sides of the polygonal cylinders (render mesh and collision hull alike). */
export const CYLINDER_SEGMENTS = 32;

/** The object of a Geom spec, every length multiplied by `scale`. */
export function geomObjectModel(spec: GeomSpec, scale: number): ObjectModel {
  if (!(scale > 0)) throw new RangeError(`object scale must be > 0, got ${scale}`);
  const material = { color: spec.color };
  const mesh = spec.kind === 'box'
    ? boxMesh([(spec.size[0] * scale) / 2, (spec.size[1] * scale) / 2, (spec.size[2] * scale) / 2], material)
    : cylinderMesh(spec.radius * scale, spec.length * scale, CYLINDER_SEGMENTS, material);
  return objectModelFromMesh(spec.name, mesh);
}
