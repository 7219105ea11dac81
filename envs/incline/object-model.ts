/**
 * A rigid object for the incline envs: what it looks like (a render mesh) and how it collides and
 * moves (its convex hull and inertia), both in the body frame, whose origin is the centre of mass of
 * the hull taken as a solid of uniform density. Metres throughout.
 */
import { type MutableVec3, sub } from '../core/math3d.js';
import type { RenderMesh } from '../render/mesh.js';
import { translateMesh } from '../render/primitives3d.js';
import { type ConvexHull, HULL_SIDES, MAX_HULL_VERTICES, collisionHull, solidProperties } from './convex.js';

export interface ObjectModel {
  /** A short human-readable name ('box', 'tomato_soup_can', ...). */
  readonly name: string;
  /** The mesh that is drawn, in the body frame. */
  readonly mesh: RenderMesh;
  /** The collision shape (`collisionHull` of the mesh), in the body frame. */
  readonly hull: ConvexHull;
  /**
   * Diagonal of the inertia tensor per kilogram about the centre of mass, in the body axes, m^2
   * (products of inertia are dropped: cannon-es takes a diagonal inertia).
   */
  readonly unitInertia: MutableVec3;
  /** Volume of the hull, m^3. */
  readonly volume: number;
  /** Largest distance of a hull vertex from the centre of mass along each body axis, m. */
  readonly halfExtents: MutableVec3;
}

/**
 * Build an object from a mesh given in its body frame: computes the collision hull (`collisionHull`:
 * at most `maxHullVertices` vertices, HULL_SIDES around body z, the axis the envs lay down the
 * slope), its volume, centre of mass and inertia, and moves mesh and hull so the centre of mass is
 * the origin. Throws `DegenerateHullError` (a RangeError) for a flat mesh.
 */
export function objectModelFromMesh(name: string, mesh: RenderMesh, maxHullVertices = MAX_HULL_VERTICES): ObjectModel {
  const elevations = Math.floor(maxHullVertices / HULL_SIDES);
  if (elevations < 2) throw new RangeError(`objectModelFromMesh: maxHullVertices must be >= ${2 * HULL_SIDES}, got ${maxHullVertices}`);
  const rawHull = collisionHull(mesh.positions, HULL_SIDES, elevations);
  const props = solidProperties(rawHull);
  const c = props.centroid;
  const vertices = rawHull.vertices.map((v) => sub(v, c));
  const halfExtents: MutableVec3 = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) halfExtents[k] = Math.max(halfExtents[k]!, Math.abs(v[k]!));
  const I = props.unitInertia;
  return {
    name,
    mesh: translateMesh(mesh, [-c[0], -c[1], -c[2]]),
    hull: { vertices, faces: rawHull.faces },
    unitInertia: [I[0]!, I[4]!, I[8]!],
    volume: props.volume,
    halfExtents,
  };
}
