/**
 * Triangle meshes as the 3-D rasteriser draws them: positions, normals and texture coordinates per
 * vertex, triangles grouped by material. Coordinates are metres in the mesh's own frame.
 *
 * Triangles are counter-clockwise when seen from outside (their front); the rasteriser culls back
 * faces unless the mesh is `doubleSided`. Texture coordinates follow texture-sampling.ts.
 */
import type { Vec3 } from '../core/math3d.js';
import type { Texture } from './texture-sampling.js';

/** Surface colour: `color` (each 0..1) multiplies the texel, or is the colour when untextured. */
export interface Material {
  readonly color: Vec3;
  readonly texture?: Texture | undefined;
}

/** Triangles [start, start + count) of a mesh's index list share one material. */
export interface MeshGroup {
  readonly start: number;
  readonly count: number;
  readonly material: Material;
}

/** An indexed triangle mesh in its own frame (metres). */
export interface RenderMesh {
  /** x, y, z per vertex. */
  readonly positions: Float32Array;
  /** Unit normal per vertex (x, y, z). */
  readonly normals: Float32Array;
  /** u, v per vertex (image convention); required when a group's material has a texture. */
  readonly uvs?: Float32Array | undefined;
  /** Three vertex indices per triangle, counter-clockwise seen from the front. */
  readonly indices: Uint32Array;
  readonly groups: readonly MeshGroup[];
  /** Draw back faces too (for open surfaces). */
  readonly doubleSided?: boolean | undefined;
}

/** Check that a mesh's arrays agree (lengths, index range, groups, uvs where textured). */
export function validateMesh(mesh: RenderMesh, name = 'mesh'): void {
  const n = mesh.positions.length / 3;
  if (!Number.isInteger(n)) throw new RangeError(`${name}: positions length ${mesh.positions.length} is not a multiple of 3`);
  if (mesh.normals.length !== mesh.positions.length) throw new RangeError(`${name}: ${mesh.normals.length / 3} normals for ${n} vertices`);
  if (mesh.uvs !== undefined && mesh.uvs.length !== 2 * n) throw new RangeError(`${name}: ${mesh.uvs.length / 2} uvs for ${n} vertices`);
  if (mesh.indices.length % 3 !== 0) throw new RangeError(`${name}: index count ${mesh.indices.length} is not a multiple of 3`);
  for (let i = 0; i < mesh.indices.length; i++) {
    if (mesh.indices[i]! >= n) throw new RangeError(`${name}: index ${mesh.indices[i]} at ${i} is out of range (${n} vertices)`);
  }
  const triangles = mesh.indices.length / 3;
  for (const g of mesh.groups) {
    if (!Number.isInteger(g.start) || !Number.isInteger(g.count) || g.start < 0 || g.count < 0 || g.start + g.count > triangles) {
      throw new RangeError(`${name}: group [${g.start}, ${g.start + g.count}) exceeds ${triangles} triangles`);
    }
    if (g.material.texture !== undefined && mesh.uvs === undefined) throw new RangeError(`${name}: a textured group needs uvs`);
  }
}
