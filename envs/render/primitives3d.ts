/**
 * Mesh primitives for the 3-D rasteriser: boxes and cylinders, each
 * centred on its frame's origin, in metres, with outward normals and texture coordinates in metres
 * divided by `metresPerRepeat` (so a texture tiles at a fixed physical size).
 */
import type { MutableVec3, Vec3 } from '../core/math3d.js';
import type { Material, RenderMesh } from './mesh.js';

/** Accumulates vertices and triangles of one material. */
class MeshBuilder {
  readonly positions: number[] = [];
  readonly normals: number[] = [];
  readonly uvs: number[] = [];
  readonly indices: number[] = [];

  vertex(p: Vec3, n: Vec3, u: number, v: number): number {
    this.positions.push(p[0], p[1], p[2]);
    this.normals.push(n[0], n[1], n[2]);
    this.uvs.push(u, v);
    return this.positions.length / 3 - 1;
  }

  triangle(a: number, b: number, c: number): void {
    this.indices.push(a, b, c);
  }

  /** A quad a-b-c-d, counter-clockwise seen from its front. */
  quad(a: number, b: number, c: number, d: number): void {
    this.indices.push(a, b, c, a, c, d);
  }

  build(material: Material, doubleSided = false): RenderMesh {
    return {
      positions: Float32Array.from(this.positions),
      normals: Float32Array.from(this.normals),
      uvs: Float32Array.from(this.uvs),
      indices: Uint32Array.from(this.indices),
      groups: [{ start: 0, count: this.indices.length / 3, material }],
      doubleSided,
    };
  }
}

/**
 * A box with half extents (hx, hy, hz) and flat-shaded faces. Each face's texture coordinates are
 * its two in-plane coordinates (metres) divided by `metresPerRepeat`.
 */
export function boxMesh(halfExtents: Vec3, material: Material, metresPerRepeat = 1): RenderMesh {
  const b = new MeshBuilder();
  const h = halfExtents;
  // Each face: normal n = sign * e_axis, in-plane axes t1 = sign * e_a1 and t2 = e_a2 (t1 x t2 = n, so
  // corners in (t1, t2) order (-,-), (+,-), (+,+), (-,+) are counter-clockwise from outside).
  for (let axis = 0; axis < 3; axis++) {
    for (const sign of [1, -1]) {
      const n: MutableVec3 = [0, 0, 0];
      n[axis] = sign;
      const a1 = (axis + 1) % 3;
      const a2 = (axis + 2) % 3;
      const h1 = h[a1]!;
      const h2 = h[a2]!;
      const corner = (s1: number, s2: number): number => {
        const p: MutableVec3 = [n[0] * h[0], n[1] * h[1], n[2] * h[2]];
        p[a1] = s1 * sign * h1;
        p[a2] = s2 * h2;
        return b.vertex(p, n, (s1 * h1 + h1) / metresPerRepeat, (h2 - s2 * h2) / metresPerRepeat);
      };
      b.quad(corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1));
    }
  }
  return b.build(material);
}

/**
 * A closed cylinder of `radius` and `length` along the z axis, `segments` sides, smooth-shaded
 * sides and flat caps. Side texture: u around (0..1), v along z (top = 0); caps map x, y.
 */
export function cylinderMesh(radius: number, length: number, segments: number, material: Material): RenderMesh {
  if (!Number.isInteger(segments) || segments < 3) throw new RangeError(`cylinder needs >= 3 segments, got ${segments}`);
  const b = new MeshBuilder();
  const hz = length / 2;
  const ring = (z: number, v: number): number[] => {
    const ids: number[] = [];
    for (let i = 0; i <= segments; i++) {
      const a = (2 * Math.PI * i) / segments;
      const c = Math.cos(a), s = Math.sin(a);
      ids.push(b.vertex([radius * c, radius * s, z], [c, s, 0], i / segments, v));
    }
    return ids;
  };
  const bottom = ring(-hz, 1);
  const top = ring(hz, 0);
  for (let i = 0; i < segments; i++) b.quad(bottom[i]!, bottom[i + 1]!, top[i + 1]!, top[i]!);
  for (const sign of [1, -1]) {
    const n: Vec3 = [0, 0, sign];
    const centre = b.vertex([0, 0, sign * hz], n, 0.5, 0.5);
    const rim: number[] = [];
    for (let i = 0; i < segments; i++) {
      const a = (2 * Math.PI * i) / segments;
      const c = Math.cos(a), s = Math.sin(a);
      rim.push(b.vertex([radius * c, radius * s, sign * hz], n, 0.5 + 0.5 * c, 0.5 - 0.5 * s));
    }
    for (let i = 0; i < segments; i++) {
      const j = (i + 1) % segments;
      if (sign > 0) b.triangle(centre, rim[i]!, rim[j]!);
      else b.triangle(centre, rim[j]!, rim[i]!);
    }
  }
  return b.build(material);
}

/** A copy of `mesh` with every group drawn in `material` (shares the geometry arrays). */
export function withMaterial(mesh: RenderMesh, material: Material): RenderMesh {
  return { ...mesh, groups: mesh.groups.map((g) => ({ ...g, material })) };
}

/** A copy of `mesh` scaled uniformly by `factor` about its origin (normals unchanged). */
export function scaleMesh(mesh: RenderMesh, factor: number): RenderMesh {
  return { ...mesh, positions: mesh.positions.map((x) => x * factor) };
}

/** A copy of `mesh` moved by `offset` (metres). */
export function translateMesh(mesh: RenderMesh, offset: Vec3): RenderMesh {
  return { ...mesh, positions: mesh.positions.map((x, i) => x + offset[i % 3]!) };
}
