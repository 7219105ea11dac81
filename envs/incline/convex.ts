/**
 * Convex hulls and the mass properties of a solid convex polyhedron of uniform density.
 * Units are those of the input points (metres in the incline envs).
 */
import quickhull from 'quickhull3d/dist/quickhull3d.js';

export type Point3 = [number, number, number];

/** A closed convex polyhedron: faces are vertex-index polygons, counter-clockwise seen from outside. */
export interface ConvexHull {
  readonly vertices: readonly Point3[];
  readonly faces: readonly (readonly number[])[];
}

/** Volume, centre of mass and inertia of a solid of uniform density 1. */
export interface SolidProperties {
  /** m^3. */
  readonly volume: number;
  readonly centroid: Point3;
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

function toPoints(points: ArrayLike<number>): Point3[] {
  if (points.length % 3 !== 0) throw new RangeError(`convexHull: ${points.length} coordinates is not a multiple of 3`);
  const out: Point3[] = [];
  for (let i = 0; i < points.length; i += 3) out.push([points[i]!, points[i + 1]!, points[i + 2]!]);
  return out;
}

function sub(a: Point3, b: Point3): Point3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function crossP(a: Point3, b: Point3): Point3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dotP(a: Point3, b: Point3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function norm(a: Point3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

/** Farthest point from `p` (index). */
function farthestFrom(points: readonly Point3[], distance: (p: Point3) => number): [index: number, distance: number] {
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
function distinct(points: readonly Point3[]): Point3[] {
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = p.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Throw unless the points span a tetrahedron thicker than `relativeThickness` x their extent. */
function assertVolume(points: readonly Point3[], relativeThickness: number): void {
  if (points.length === 0) throw new DegenerateHullError('there are no vertices, so the mesh has no volume');
  const p0 = points[0]!;
  const [i1, extent] = farthestFrom(points, (p) => norm(sub(p, p0)));
  const p1 = points[i1]!;
  if (!(extent > 0)) throw new DegenerateHullError('all vertices are the same point, so the mesh has no volume');
  const axis = sub(p1, p0);
  const [i2, lineDistance] = farthestFrom(points, (p) => norm(crossP(axis, sub(p, p0))) / extent);
  if (!(lineDistance > relativeThickness * extent)) {
    throw new DegenerateHullError(`all vertices lie on one line (spread ${lineDistance.toExponential(2)} across ${extent.toPrecision(3)}), so the mesh has no volume`);
  }
  const normal = crossP(axis, sub(points[i2]!, p0));
  const normalLength = norm(normal);
  const [, thickness] = farthestFrom(points, (p) => Math.abs(dotP(normal, sub(p, p0))) / normalLength);
  if (!(thickness > relativeThickness * extent)) {
    throw new DegenerateHullError(`all vertices lie on one plane (thickness ${thickness.toExponential(2)} across ${extent.toPrecision(3)}), so the mesh has no volume`);
  }
}

/** Quickhull, then keep only the vertices used by faces and orient faces outward. */
function hullOf(points: readonly Point3[]): ConvexHull {
  const faces = quickhull(points as Point3[], { skipTriangulation: true });
  const remap = new Map<number, number>();
  const vertices: Point3[] = [];
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
  const centre: Point3 = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) centre[k]! += v[k]! / vertices.length;
  for (const face of outFaces) {
    const n = polygonNormal(vertices, face);
    if (dotP(n, sub(vertices[face[0]!]!, centre)) < 0) face.reverse();
  }
  return { vertices, faces: outFaces };
}

/** Area-weighted normal of a polygon (Newell's method); its direction follows the winding. */
function polygonNormal(vertices: readonly Point3[], face: readonly number[]): Point3 {
  const n: Point3 = [0, 0, 0];
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
export function sphereDirections(count: number): Point3[] {
  const out: Point3[] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const z = 1 - (2 * (i + 0.5)) / count;
    const r = Math.sqrt(1 - z * z);
    out.push([r * Math.cos(golden * i), r * Math.sin(golden * i), z]);
  }
  return out;
}

/** The distinct vertices that are farthest along each of `count` directions (and the six axes). */
function supportPoints(vertices: readonly Point3[], count: number): Point3[] {
  const axes: Point3[] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
  const chosen = new Set<number>();
  for (const d of [...axes, ...sphereDirections(Math.max(0, count - axes.length))]) {
    chosen.add(farthestFrom(vertices, (p) => dotP(p, d))[0]);
  }
  return [...chosen].sort((a, b) => a - b).map((i) => vertices[i]!);
}

/**
 * Volume, centroid and inertia (per unit mass, about the centroid) of the solid bounded by `hull`,
 * by summing signed tetrahedra from an interior reference point.
 */
export function solidProperties(hull: ConvexHull): SolidProperties {
  const { vertices, faces } = hull;
  const ref: Point3 = [0, 0, 0];
  for (const v of vertices) for (let k = 0; k < 3; k++) ref[k]! += v[k]! / vertices.length;
  let volume = 0;
  const first: Point3 = [0, 0, 0];
  // Second moments about `ref`: integral of x_i x_j dV.
  const second = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const face of faces) {
    const a = sub(vertices[face[0]!]!, ref);
    for (let i = 1; i + 1 < face.length; i++) {
      const b = sub(vertices[face[i]!]!, ref);
      const c = sub(vertices[face[i + 1]!]!, ref);
      const v = dotP(a, crossP(b, c)) / 6;
      volume += v;
      const s: Point3 = [a[0] + b[0] + c[0], a[1] + b[1] + c[1], a[2] + b[2] + c[2]];
      for (let k = 0; k < 3; k++) first[k]! += (v * s[k]!) / 4;
      for (let r = 0; r < 3; r++) {
        for (let q = 0; q < 3; q++) {
          second[3 * r + q]! += (v / 20) * (a[r]! * a[q]! + b[r]! * b[q]! + c[r]! * c[q]! + s[r]! * s[q]!);
        }
      }
    }
  }
  if (!(volume > 0)) throw new DegenerateHullError(`the hull encloses no volume (${volume})`);
  const offset: Point3 = [first[0] / volume, first[1] / volume, first[2] / volume];
  const centroid: Point3 = [ref[0] + offset[0], ref[1] + offset[1], ref[2] + offset[2]];
  // Covariance per unit mass about the centroid, then inertia = trace(C) I - C.
  const cov = second.map((m, idx) => m / volume - offset[Math.floor(idx / 3)]! * offset[idx % 3]!);
  const trace = cov[0]! + cov[4]! + cov[8]!;
  const unitInertia = cov.map((c, idx) => (idx % 4 === 0 ? trace - c : -c));
  return { volume, centroid, unitInertia };
}
