/**
 * Convex hulls and the mass properties of a solid convex polyhedron of uniform density.
 * Units are those of the input points (metres in the incline envs).
 */
import quickhull from 'quickhull3d/dist/quickhull3d.js';
import { type MutableVec3, type Vec3, add, cross, dot, length, sub, vec3At } from '../core/math3d.js';

/** A closed convex polyhedron: faces are vertex-index polygons, counter-clockwise seen from outside. */
export interface ConvexHull {
  readonly vertices: readonly MutableVec3[];
  readonly faces: readonly (readonly number[])[];
}

/** Volume, centre of mass and inertia of a solid of uniform density 1. */
export interface SolidProperties {
  /** m^3. */
  readonly volume: number;
  readonly centroid: MutableVec3;
  /** Inertia tensor per unit mass about the centroid, row-major 3 x 3, m^2. */
  readonly unitInertia: readonly number[];
}

/** A point set spans no volume (all points on a plane, a line or one point). */
export class DegenerateHullError extends RangeError {
  override name = 'DegenerateHullError';
}

/** Default cap on hull vertices; a finer hull is resampled (see `convexHull`). */
export const MAX_HULL_VERTICES = 128;

/**
 * The convex hull of `points` (x, y, z triples). Throws `DegenerateHullError` when the points are
 * (nearly) coplanar: thinner than `relativeThickness` times their extent. When the hull has more than
 * `maxVertices` vertices it is replaced by the hull of its support points in `maxVertices` directions
 * spread evenly over the sphere (a slightly smaller hull, so collision stays cheap).
 */
export function convexHull(points: ArrayLike<number>, maxVertices = MAX_HULL_VERTICES, relativeThickness = 1e-4): ConvexHull {
  const pts = toPoints(points);
  assertVolume(distinct(pts), relativeThickness);
  let hull = hullOf(pts);
  if (hull.vertices.length > maxVertices) hull = hullOf(supportPoints(hull.vertices, maxVertices));
  return hull;
}

/** Sides of a collision hull around the body z axis (see `collisionHull`). */
export const HULL_SIDES = 16;
/** Elevations of a collision hull's support directions (see `collisionHull`): HULL_SIDES x HULL_ELEVATIONS = MAX_HULL_VERTICES. */
export const HULL_ELEVATIONS = 8;

/**
 * The collision hull of `points`: the convex hull of their support points (the farthest point) in
 * `sides` x `elevations` directions, `sides` evenly spaced angles around the z axis at each of
 * `elevations` evenly spaced elevations strictly between the poles (so at most sides x elevations
 * vertices, every one a point of the input). Throws `DegenerateHullError` like `convexHull`.
 *
 * Why a regular pattern around z: the incline envs lay objects with body z down the slope, so z is the
 * axis of a cylinder or can lying on its side. Around z the hull is then a regular `sides`-gon prism
 * (the support points of a ring of 32 or 64 vertices in 16 evenly spaced directions), lying on a face,
 * which cannot tip over an edge while tan(pi / sides) exceeds what the envs' yaw, friction and angle
 * can make it (see the incline README). The hull of support points in directions spread evenly over
 * the sphere (the old rule, kept by `convexHull`) is an irregular polygon around z, with narrow faces
 * that rock.
 */
export function collisionHull(points: ArrayLike<number>, sides = HULL_SIDES, elevations = HULL_ELEVATIONS, relativeThickness = 1e-4): ConvexHull {
  if (!Number.isInteger(sides) || sides < 3 || !Number.isInteger(elevations) || elevations < 2) {
    throw new RangeError(`collisionHull: needs >= 3 sides and >= 2 elevations, got ${sides} and ${elevations}`);
  }
  const pts = toPoints(points);
  assertVolume(distinct(pts), relativeThickness);
  const all = hullOf(pts).vertices;
  const chosen = new Set<number>();
  for (let j = 0; j < elevations; j++) {
    const elevation = -Math.PI / 2 + ((j + 0.5) * Math.PI) / elevations;
    const z = Math.sin(elevation), r = Math.cos(elevation);
    for (let k = 0; k < sides; k++) {
      const a = (2 * Math.PI * k) / sides;
      const d: Vec3 = [r * Math.cos(a), r * Math.sin(a), z];
      chosen.add(farthestFrom(all, (p) => dot(p, d))[0]);
    }
  }
  return hullOf([...chosen].sort((a, b) => a - b).map((i) => all[i]!));
}

function toPoints(points: ArrayLike<number>): MutableVec3[] {
  if (points.length % 3 !== 0) throw new RangeError(`convexHull: ${points.length} coordinates is not a multiple of 3`);
  const out: MutableVec3[] = [];
  for (let i = 0; i < points.length / 3; i++) out.push(vec3At(points, i));
  return out;
}

/** The point with the largest `distance`: its index and that distance. */
function farthestFrom(points: readonly Vec3[], distance: (p: Vec3) => number): [index: number, distance: number] {
  let best = 0;
  let bestD = -1;
  for (let i = 0; i < points.length; i++) {
    const d = distance(points[i]!);
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  }
  return [best, bestD];
}

/** The points without exact duplicates. */
function distinct(points: readonly MutableVec3[]): MutableVec3[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = p.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Throw unless the points span a tetrahedron thicker than `relativeThickness` x their extent. */
function assertVolume(points: readonly Vec3[], relativeThickness: number): void {
  if (points.length === 0) throw new DegenerateHullError('there are no vertices, so the mesh has no volume');
  const p0 = points[0]!;
  const [i1, extent] = farthestFrom(points, (p) => length(sub(p, p0)));
  const p1 = points[i1]!;
  if (!(extent > 0)) throw new DegenerateHullError('all vertices are the same point, so the mesh has no volume');
  const axis = sub(p1, p0);
  const [i2, lineDistance] = farthestFrom(points, (p) => length(cross(axis, sub(p, p0))) / extent);
  if (!(lineDistance > relativeThickness * extent)) {
    throw new DegenerateHullError(`all vertices lie on one line (spread ${lineDistance.toExponential(2)} across ${extent.toPrecision(3)}), so the mesh has no volume`);
  }
  const normal = cross(axis, sub(points[i2]!, p0));
  const normalLength = length(normal);
  const [, thickness] = farthestFrom(points, (p) => Math.abs(dot(normal, sub(p, p0))) / normalLength);
  if (!(thickness > relativeThickness * extent)) {
    throw new DegenerateHullError(`all vertices lie on one plane (thickness ${thickness.toExponential(2)} across ${extent.toPrecision(3)}), so the mesh has no volume`);
  }
}

/** Quickhull, then keep only the vertices used by faces and orient faces outward. */
function hullOf(points: readonly MutableVec3[]): ConvexHull {
  const faces = quickhull(points as MutableVec3[], { skipTriangulation: true });
  const remap = new Map<number, number>();
  const vertices: MutableVec3[] = [];
  const outFaces: number[][] = [];
  for (const face of faces) {
    if (face.length < 3) continue;
    outFaces.push(face.map((i) => {
      let j = remap.get(i);
      if (j === undefined) {
        j = vertices.length;
        remap.set(i, j);
        vertices.push(points[i]!);
      }
      return j;
    }));
  }
  if (vertices.length < 4 || outFaces.length < 4) throw new DegenerateHullError('the convex hull of the vertices is flat, so the mesh has no volume');
  const centre: MutableVec3 = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) centre[k]! += v[k]! / vertices.length;
  for (const face of outFaces) {
    const n = polygonNormal(vertices, face);
    if (dot(n, sub(vertices[face[0]!]!, centre)) < 0) face.reverse();
  }
  return { vertices, faces: outFaces };
}

/** Area-weighted normal of a polygon (Newell's method); its direction follows the winding. */
export function polygonNormal(vertices: readonly Vec3[], face: readonly number[]): MutableVec3 {
  const n: MutableVec3 = [0, 0, 0];
  for (let i = 0; i < face.length; i++) {
    const a = vertices[face[i]!]!;
    const b = vertices[face[(i + 1) % face.length]!]!;
    n[0] += (a[1] - b[1]) * (a[2] + b[2]);
    n[1] += (a[2] - b[2]) * (a[0] + b[0]);
    n[2] += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return n;
}

/** `count` unit directions spread evenly over the sphere (Fibonacci lattice). */
export function sphereDirections(count: number): MutableVec3[] {
  const out: MutableVec3[] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const z = 1 - (2 * (i + 0.5)) / count;
    const r = Math.sqrt(1 - z * z);
    out.push([r * Math.cos(golden * i), r * Math.sin(golden * i), z]);
  }
  return out;
}

/** The distinct vertices that are farthest along each of `count` directions (and the six axes). */
function supportPoints(vertices: readonly MutableVec3[], count: number): MutableVec3[] {
  const axes: MutableVec3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
  const chosen = new Set<number>();
  for (const d of [...axes, ...sphereDirections(Math.max(0, count - axes.length))]) {
    chosen.add(farthestFrom(vertices, (p) => dot(p, d))[0]);
  }
  return [...chosen].sort((a, b) => a - b).map((i) => vertices[i]!);
}

/**
 * Volume, centroid and inertia (per unit mass, about the centroid) of the solid bounded by `hull`,
 * by summing signed tetrahedra from an interior reference point.
 */
export function solidProperties(hull: ConvexHull): SolidProperties {
  const { vertices, faces } = hull;
  const ref: MutableVec3 = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) ref[k]! += v[k]! / vertices.length;
  let volume = 0;
  const first: MutableVec3 = [0, 0, 0];
  // Second moments about `ref`: integral of x_i x_j dV.
  const second = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const face of faces) {
    const a = sub(vertices[face[0]!]!, ref);
    for (let i = 1; i + 1 < face.length; i++) {
      const b = sub(vertices[face[i]!]!, ref);
      const c = sub(vertices[face[i + 1]!]!, ref);
      const v = dot(a, cross(b, c)) / 6;
      volume += v;
      const s = add(add(a, b), c);
      for (let k = 0; k < 3; k++) first[k]! += (v * s[k]!) / 4;
      for (let r = 0; r < 3; r++) {
        for (let q = 0; q < 3; q++) {
          second[3 * r + q]! += (v / 20) * (a[r]! * a[q]! + b[r]! * b[q]! + c[r]! * c[q]! + s[r]! * s[q]!);
        }
      }
    }
  }
  if (!(volume > 0)) throw new DegenerateHullError(`the hull encloses no volume (${volume})`);
  const offset: MutableVec3 = [first[0] / volume, first[1] / volume, first[2] / volume];
  const centroid = add(ref, offset);
  // Covariance per unit mass about the centroid, then inertia = trace(C) I - C.
  const cov = second.map((m, idx) => m / volume - offset[Math.floor(idx / 3)]! * offset[idx % 3]!);
  const trace = cov[0]! + cov[4]! + cov[8]!;
  const unitInertia = cov.map((c, idx) => (idx % 4 === 0 ? trace - c : -c));
  return { volume, centroid, unitInertia };
}
