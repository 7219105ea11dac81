/**
 * A small software 3-D rasteriser: triangle meshes with a depth buffer, Lambert shading (one
 * directional light plus ambient, interpolated per vertex) and perspective-correct, mip-mapped
 * textures, written straight into a row-major RGB `Uint8Array`.
 *
 * Written by hand rather than with @napi-rs/canvas because an environment frame must cost a few
 * hundred microseconds at most, while each canvas call costs tens of microseconds. Everything a
 * frame needs is preallocated: drawing allocates nothing once the scratch buffers have grown to the
 * largest mesh.
 *
 * Conventions (cameras and image coordinates: camera.ts; meshes and winding: mesh.ts; texture
 * coordinates: texture-sampling.ts):
 * - A pixel is drawn when its centre lies inside the projected triangle (edges inclusive).
 * - Depth buffer: 1 / (view depth), so larger is nearer and a cleared buffer (0) is infinitely far.
 */
import { IDENTITY_POSE, type Pose, type Vec3 } from '../core/math3d.js';
import type { Camera } from './camera.js';
import type { Material, RenderMesh } from './mesh.js';
import { mipLevel, texelIndex } from './texture-sampling.js';

/** One directional light plus ambient: shade = ambient + diffuse * max(0, normal . direction). */
export interface DirectionalLight {
  /** Unit vector from the scene towards the light. */
  readonly direction: Vec3;
  readonly ambient: number;
  readonly diffuse: number;
}

/**
 * A horizontal textured square `z = height`, `2 * halfSize` metres wide, centred on x = y = 0; its
 * texture coordinates are (x, -y) / metresPerRepeat (the texture's top edge faces +y).
 */
export interface GroundPlane {
  readonly height: number;
  readonly halfSize: number;
  readonly material: Material;
  readonly metresPerRepeat: number;
}

/** A colour image plus its depth buffer. */
export interface FrameBuffer {
  readonly width: number;
  readonly height: number;
  /** RGB, row-major, width * height * 3 bytes. */
  readonly color: Uint8Array;
  /** 1 / view depth per pixel (0 = nothing drawn). */
  readonly depth: Float32Array;
}

/** A frame buffer of the given size (colour black, depth cleared). */
export function createFrameBuffer(width: number, height: number, color?: Uint8Array): FrameBuffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`frame size must be positive integers, got ${width}x${height}`);
  }
  const buffer = color ?? new Uint8Array(width * height * 3);
  if (buffer.length !== width * height * 3) {
    throw new RangeError(`colour buffer has ${buffer.length} bytes, ${width}x${height} RGB needs ${width * height * 3}`);
  }
  return { width, height, color: buffer, depth: new Float32Array(width * height) };
}

/** Fill the colour buffer with `rgb` (0..255 each) and clear the depth buffer. */
export function clearFrame(frame: FrameBuffer, rgb: Vec3): void {
  const { color } = frame;
  const r = rgb[0];
  const g = rgb[1];
  const b = rgb[2];
  for (let k = 0; k < color.length; k += 3) {
    color[k] = r;
    color[k + 1] = g;
    color[k + 2] = b;
  }
  frame.depth.fill(0);
}

/** Attributes per clipped-polygon vertex: view x, y, z, then u, v, shade. */
const CLIP_STRIDE = 6;
/** Attributes per screen-space triangle vertex: x, y, 1/z, u/z, v/z, shade/z. */
const TRI_STRIDE = 6;
/** Per mesh vertex while drawing: view x, y, z, shade, then (in front of the near plane) screen x, y and 1/z. */
const VIEW_STRIDE = 7;

/**
 * Draws meshes into frame buffers. Holds the camera, the light and scratch buffers that grow to the
 * largest mesh drawn; reuse one instance per frame size to keep drawing allocation-free.
 */
export class Rasterizer {
  camera: Camera;
  light: DirectionalLight;
  /** Per vertex of the mesh being drawn: see VIEW_STRIDE. */
  private view = new Float64Array(0);
  /** Screen mapping of the frame being drawn (see setFrame). */
  private scale = 1;
  private cx = 0;
  private cy = 0;
  private readonly tri = new Float64Array(3 * TRI_STRIDE);
  private readonly polyA = new Float64Array(4 * CLIP_STRIDE);
  /** Per triangle attribute k: value at the first pixel centre, d/dx, d/dy at [3k, 3k + 1, 3k + 2]. */
  private readonly grad = new Float64Array(TRI_STRIDE * 3);

  constructor(camera: Camera, light: DirectionalLight) {
    this.camera = camera;
    this.light = light;
  }

  /**
   * Draw the ground by casting each pixel's ray onto the plane (exact perspective, per-pixel mip
   * level, one Lambert shade for its upward normal). The camera must be above the plane. Draw it
   * first: it writes colour but no depth, because from above nothing that stands on or above the
   * plane can be behind it, so later meshes simply cover it.
   */
  drawGround(frame: FrameBuffer, ground: GroundPlane): void {
    const { width, height, color } = frame;
    const { eye, right, up, forward, focal } = this.camera;
    const ez = eye[2] - ground.height;
    if (!(ez > 0)) return;
    const { direction: L, ambient, diffuse } = this.light;
    const shade = ambient + diffuse * (L[2] > 0 ? L[2] : 0);
    const texture = ground.material.texture;
    const cr = ground.material.color[0] * shade, cg = ground.material.color[1] * shade, cb = ground.material.color[2] * shade;
    const scale = (focal * height) / 2;
    const inv = 1 / ground.metresPerRepeat;
    const half = ground.halfSize;
    const levels = texture?.levels;
    const base = levels?.[0];
    const tw = base?.width ?? 1, th = base?.height ?? 1;
    const maxLevel = levels === undefined ? 0 : levels.length - 1;
    // Ray through pixel (x, y): d = forward + right (x + 0.5 - W/2) / scale - up (y + 0.5 - H/2) / scale.
    const rx = right[0] / scale, ry = right[1] / scale, rz = right[2] / scale;
    const kt = inv / scale;
    for (let y = 0; y < height; y++) {
      const oy = (y + 0.5 - height / 2) / scale;
      let dx = forward[0] - up[0] * oy + rx * (0.5 - width / 2);
      let dy = forward[1] - up[1] * oy + ry * (0.5 - width / 2);
      let dz = forward[2] - up[2] * oy + rz * (0.5 - width / 2);
      let o = 3 * y * width;
      for (let x = 0; x < width; x++, o += 3, dx += rx, dy += ry, dz += rz) {
        if (dz >= 0) continue;
        const idz = 1 / dz;
        const t = -ez * idz;
        const px = eye[0] + t * dx, py = eye[1] + t * dy;
        if (px < -half || px > half || py < -half || py > half) continue;
        let r = 255 * cr, g = 255 * cg, b = 255 * cb;
        if (levels !== undefined) {
          const u = px * inv, v = -py * inv;
          // Texel footprint: dP/dx = (t / scale) (right - d right_z / d_z), likewise for rows with -up.
          const k = t * kt;
          const ax = (right[0] - dx * right[2] * idz) * k * tw, ay = (right[1] - dy * right[2] * idz) * k * th;
          const bx = (up[0] - dx * up[2] * idz) * k * tw, by = (up[1] - dy * up[2] * idz) * k * th;
          const tex = levels[mipLevel(ax * ax + ay * ay, bx * bx + by * by, maxLevel)]!;
          const ti = texelIndex(tex, u, v);
          const data = tex.data;
          r *= data[ti]! / 255;
          g *= data[ti + 1]! / 255;
          b *= data[ti + 2]! / 255;
        }
        color[o] = r > 255 ? 255 : r;
        color[o + 1] = g > 255 ? 255 : g;
        color[o + 2] = b > 255 ? 255 : b;
      }
    }
  }

  /** Draw `mesh` placed by `pose` (depth-tested against what the frame already holds). */
  drawMesh(frame: FrameBuffer, mesh: RenderMesh, pose: Pose = IDENTITY_POSE): void {
    const vertexCount = mesh.positions.length / 3;
    if (this.view.length < vertexCount * VIEW_STRIDE) this.view = new Float64Array(vertexCount * VIEW_STRIDE);
    this.setFrame(frame);
    this.transformVertices(mesh, pose, vertexCount);
    const { indices } = mesh;
    const uvs = mesh.uvs;
    const near = this.camera.near;
    const view = this.view;
    const doubleSided = mesh.doubleSided === true;
    const maxX = frame.width - 0.5, maxY = frame.height - 0.5;
    for (const group of mesh.groups) {
      const material = group.material;
      const textured = material.texture !== undefined && uvs !== undefined;
      const end = (group.start + group.count) * 3;
      for (let t = group.start * 3; t < end; t += 3) {
        const a = indices[t]! * VIEW_STRIDE;
        const b = indices[t + 1]! * VIEW_STRIDE;
        const c = indices[t + 2]! * VIEW_STRIDE;
        const za = view[a + 2]!, zb = view[b + 2]!, zc = view[c + 2]!;
        if (za > near && zb > near && zc > near) {
          // Cheap rejection before any set-up: back faces, and triangles covering no pixel centre.
          const xa = view[a + 4]!, ya = view[a + 5]!, xb = view[b + 4]!, yb = view[b + 5]!, xc = view[c + 4]!, yc = view[c + 5]!;
          if (!doubleSided && (xb - xa) * (yc - ya) - (xc - xa) * (yb - ya) >= 0) continue;
          const x0 = xa < xb ? (xa < xc ? xa : xc) : (xb < xc ? xb : xc);
          const x1 = xa > xb ? (xa > xc ? xa : xc) : (xb > xc ? xb : xc);
          if (Math.ceil(x0 - 0.5) > Math.floor(x1 - 0.5) || x1 < 0.5 || x0 > maxX) continue;
          const y0 = ya < yb ? (ya < yc ? ya : yc) : (yb < yc ? yb : yc);
          const y1 = ya > yb ? (ya > yc ? ya : yc) : (yb > yc ? yb : yc);
          if (Math.ceil(y0 - 0.5) > Math.floor(y1 - 0.5) || y1 < 0.5 || y0 > maxY) continue;
          this.loadVertex(0, indices[t]!, uvs, textured);
          this.loadVertex(1, indices[t + 1]!, uvs, textured);
          this.loadVertex(2, indices[t + 2]!, uvs, textured);
          this.rasterTriangle(frame, material, doubleSided);
        } else if (za > near || zb > near || zc > near) {
          this.drawClipped(frame, material, doubleSided, indices[t]!, indices[t + 1]!, indices[t + 2]!, uvs, textured);
        }
      }
    }
  }

  /** Screen mapping of `frame`: x = cx + (view x / depth) * scale, y = cy - (view y / depth) * scale. */
  private setFrame(frame: FrameBuffer): void {
    this.scale = (this.camera.focal * frame.height) / 2;
    this.cx = frame.width / 2;
    this.cy = frame.height / 2;
  }

  /** World transform, lighting, view transform and (in front of the near plane) projection of every vertex into `this.view`. */
  private transformVertices(mesh: RenderMesh, pose: Pose, vertexCount: number): void {
    const { positions, normals } = mesh;
    const R = pose.rotation;
    const T = pose.position;
    const r00 = R[0]!, r01 = R[1]!, r02 = R[2]!, r10 = R[3]!, r11 = R[4]!, r12 = R[5]!, r20 = R[6]!, r21 = R[7]!, r22 = R[8]!;
    const { eye, right, up, forward, near } = this.camera;
    const { direction: L, ambient, diffuse } = this.light;
    // Light direction in the mesh frame (R^T L) saves rotating every normal.
    const lx = r00 * L[0] + r10 * L[1] + r20 * L[2];
    const ly = r01 * L[0] + r11 * L[1] + r21 * L[2];
    const lz = r02 * L[0] + r12 * L[1] + r22 * L[2];
    const doubleSided = mesh.doubleSided === true;
    const ox = T[0]! - eye[0], oy = T[1]! - eye[1], oz = T[2]! - eye[2];
    const view = this.view;
    const { scale, cx, cy } = this;
    for (let i = 0; i < vertexCount; i++) {
      const px = positions[3 * i]!, py = positions[3 * i + 1]!, pz = positions[3 * i + 2]!;
      const wx = r00 * px + r01 * py + r02 * pz + ox;
      const wy = r10 * px + r11 * py + r12 * pz + oy;
      const wz = r20 * px + r21 * py + r22 * pz + oz;
      const k = VIEW_STRIDE * i;
      const vx = wx * right[0] + wy * right[1] + wz * right[2];
      const vy = wx * up[0] + wy * up[1] + wz * up[2];
      const vz = wx * forward[0] + wy * forward[1] + wz * forward[2];
      view[k] = vx;
      view[k + 1] = vy;
      view[k + 2] = vz;
      let nl = normals[3 * i]! * lx + normals[3 * i + 1]! * ly + normals[3 * i + 2]! * lz;
      if (doubleSided && nl < 0) nl = -nl;
      view[k + 3] = ambient + diffuse * (nl > 0 ? nl : 0);
      if (vz > near) {
        const iz = 1 / vz;
        view[k + 4] = cx + vx * iz * scale;
        view[k + 5] = cy - vy * iz * scale;
        view[k + 6] = iz;
      }
    }
  }

  /** Put projected mesh vertex `v` into slot `slot` of the screen triangle. */
  private loadVertex(slot: number, v: number, uvs: Float32Array | undefined, textured: boolean): void {
    const view = this.view;
    const tri = this.tri;
    const k = VIEW_STRIDE * v;
    const o = slot * TRI_STRIDE;
    const iz = view[k + 6]!;
    tri[o] = view[k + 4]!;
    tri[o + 1] = view[k + 5]!;
    tri[o + 2] = iz;
    tri[o + 3] = textured ? uvs![2 * v]! * iz : 0;
    tri[o + 4] = textured ? uvs![2 * v + 1]! * iz : 0;
    tri[o + 5] = view[k + 3]! * iz;
  }

  /** Project a view-space point with attributes into slot `slot` of the screen triangle. */
  private projectInto(slot: number, x: number, y: number, z: number, u: number, v: number, shade: number): void {
    const tri = this.tri;
    const o = slot * TRI_STRIDE;
    const iz = 1 / z;
    tri[o] = this.cx + x * iz * this.scale;
    tri[o + 1] = this.cy - y * iz * this.scale;
    tri[o + 2] = iz;
    tri[o + 3] = u * iz;
    tri[o + 4] = v * iz;
    tri[o + 5] = shade * iz;
  }

  /** Clip triangle (a, b, c) against the near plane and draw the one or two triangles left. */
  private drawClipped(frame: FrameBuffer, material: Material, doubleSided: boolean, a: number, b: number, c: number, uvs: Float32Array | undefined, textured: boolean): void {
    const near = this.camera.near;
    const view = this.view;
    const poly = this.polyA;
    let count = 0;
    for (let e = 0; e < 3; e++) {
      const p = e === 0 ? a : e === 1 ? b : c;
      const q = e === 0 ? b : e === 1 ? c : a;
      const zp = view[VIEW_STRIDE * p + 2]!;
      const zq = view[VIEW_STRIDE * q + 2]!;
      const pIn = zp > near;
      if (pIn) count = this.emitClipVertex(poly, count, p, q, 0, uvs, textured);
      if (pIn !== (zq > near)) count = this.emitClipVertex(poly, count, p, q, (near - zp) / (zq - zp), uvs, textured);
    }
    // Fan: (0, 1, 2) and, for a quadrilateral, (0, 2, 3).
    for (let k = 1; k + 1 < count; k++) {
      this.projectClipVertex(0, 0);
      this.projectClipVertex(1, k);
      this.projectClipVertex(2, k + 1);
      this.rasterTriangle(frame, material, doubleSided);
    }
  }

  private projectClipVertex(slot: number, vertex: number): void {
    const poly = this.polyA;
    const o = vertex * CLIP_STRIDE;
    this.projectInto(slot, poly[o]!, poly[o + 1]!, poly[o + 2]!, poly[o + 3]!, poly[o + 4]!, poly[o + 5]!);
  }

  /** Append the point at parameter `t` on edge p -> q (view space + attributes) to the clip polygon. */
  private emitClipVertex(poly: Float64Array, count: number, p: number, q: number, t: number, uvs: Float32Array | undefined, textured: boolean): number {
    const view = this.view;
    const o = count * CLIP_STRIDE;
    const vp = VIEW_STRIDE * p, vq = VIEW_STRIDE * q;
    for (let k = 0; k < 3; k++) poly[o + k] = view[vp + k]! + t * (view[vq + k]! - view[vp + k]!);
    poly[o + 2] = Math.max(poly[o + 2]!, this.camera.near);
    if (textured) {
      poly[o + 3] = uvs![2 * p]! + t * (uvs![2 * q]! - uvs![2 * p]!);
      poly[o + 4] = uvs![2 * p + 1]! + t * (uvs![2 * q + 1]! - uvs![2 * p + 1]!);
    } else {
      poly[o + 3] = 0;
      poly[o + 4] = 0;
    }
    poly[o + 5] = view[vp + 3]! + t * (view[vq + 3]! - view[vp + 3]!);
    return count + 1;
  }

  /**
   * Rasterise the triangle in `this.tri` (per vertex: screen x, y, 1/z, u/z, v/z, shade/z). Pixels whose
   * centre is inside and nearer than the depth buffer get material colour x texel x shade.
   */
  private rasterTriangle(frame: FrameBuffer, material: Material, doubleSided: boolean): void {
    const tri = this.tri;
    const { width, height, color, depth } = frame;
    const x0 = tri[0]!, y0 = tri[1]!;
    let x1 = tri[6]!, y1 = tri[7]!;
    let x2 = tri[12]!, y2 = tri[13]!;
    let area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
    // Counter-clockwise in the world (y up) is clockwise on screen (y down): front faces have area < 0.
    let i1 = 6, i2 = 12;
    if (area < 0) {
      // Swap vertices 1 and 2 so that area > 0 and the edge functions below are >= 0 inside.
      let t = x1; x1 = x2; x2 = t;
      t = y1; y1 = y2; y2 = t;
      i1 = 12; i2 = 6;
      area = -area;
    } else if (!doubleSided || area === 0) {
      return;
    }
    const minX = Math.max(0, Math.ceil(Math.min(x0, x1, x2) - 0.5));
    const maxX = Math.min(width - 1, Math.floor(Math.max(x0, x1, x2) - 0.5));
    if (minX > maxX) return;
    const minY = Math.max(0, Math.ceil(Math.min(y0, y1, y2) - 0.5));
    const maxY = Math.min(height - 1, Math.floor(Math.max(y0, y1, y2) - 0.5));
    if (minY > maxY) return;
    const grad = this.grad;
    setupGradients(grad, x0, y0, x1 - x0, y1 - y0, x2 - x0, y2 - y0, 1 / area, minX + 0.5, minY + 0.5, tri, i1, i2);
    const izStart = grad[2 * 3]!, izDx = grad[2 * 3 + 1]!, izDy = grad[2 * 3 + 2]!;
    const szStart = grad[5 * 3]!, szDx = grad[5 * 3 + 1]!, szDy = grad[5 * 3 + 2]!;
    // Edge functions (twice the signed sub-areas), >= 0 inside; w0 weights vertex 0, and so on.
    const px = minX + 0.5;
    const py = minY + 0.5;
    let w0Row = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
    let w1Row = (x0 - x2) * (py - y2) - (y0 - y2) * (px - x2);
    let w2Row = (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0);
    const w0Dx = -(y2 - y1), w1Dx = -(y0 - y2), w2Dx = -(y1 - y0);
    const w0Dy = x2 - x1, w1Dy = x0 - x2, w2Dy = x1 - x0;
    let izRow = izStart;
    let szRow = szStart;
    const texture = material.texture;
    const cr = material.color[0] * 255, cg = material.color[1] * 255, cb = material.color[2] * 255;
    if (texture === undefined) {
      for (let y = minY; y <= maxY; y++) {
        let w0 = w0Row, w1 = w1Row, w2 = w2Row, iz = izRow, sz = szRow;
        let p = y * width + minX;
        for (let x = minX; x <= maxX; x++, p++) {
          if (w0 >= 0 && w1 >= 0 && w2 >= 0 && iz > depth[p]!) {
            depth[p] = iz;
            const s = sz / iz;
            const o = 3 * p;
            const r = cr * s, g = cg * s, b = cb * s;
            color[o] = r > 255 ? 255 : r;
            color[o + 1] = g > 255 ? 255 : g;
            color[o + 2] = b > 255 ? 255 : b;
          }
          w0 += w0Dx; w1 += w1Dx; w2 += w2Dx; iz += izDx; sz += szDx;
        }
        w0Row += w0Dy; w1Row += w1Dy; w2Row += w2Dy; izRow += izDy; szRow += szDy;
      }
      return;
    }
    const uzStart = grad[3 * 3]!, uzDx = grad[3 * 3 + 1]!, uzDy = grad[3 * 3 + 2]!;
    const vzStart = grad[4 * 3]!, vzDx = grad[4 * 3 + 1]!, vzDy = grad[4 * 3 + 2]!;
    const levels = texture.levels;
    const base = levels[0]!;
    const maxLevel = levels.length - 1;
    const tw = base.width, th = base.height;
    const kr = cr / 255, kg = cg / 255, kb = cb / 255;
    let uzRow = uzStart, vzRow = vzStart;
    for (let y = minY; y <= maxY; y++) {
      let w0 = w0Row, w1 = w1Row, w2 = w2Row, iz = izRow, sz = szRow, uz = uzRow, vz = vzRow;
      let p = y * width + minX;
      for (let x = minX; x <= maxX; x++, p++) {
        if (w0 >= 0 && w1 >= 0 && w2 >= 0 && iz > depth[p]!) {
          depth[p] = iz;
          const z = 1 / iz;
          const u = uz * z, v = vz * z, s = sz * z;
          // Texel footprint of this pixel (perspective-correct derivatives), picks the mip level.
          const zw = z * tw, zh = z * th;
          const dudx = (uzDx - u * izDx) * zw, dvdx = (vzDx - v * izDx) * zh;
          const dudy = (uzDy - u * izDy) * zw, dvdy = (vzDy - v * izDy) * zh;
          const tex = levels[mipLevel(dudx * dudx + dvdx * dvdx, dudy * dudy + dvdy * dvdy, maxLevel)]!;
          const t = texelIndex(tex, u, v);
          const data = tex.data;
          const o = 3 * p;
          const r = data[t]! * kr * s, g = data[t + 1]! * kg * s, b = data[t + 2]! * kb * s;
          color[o] = r > 255 ? 255 : r;
          color[o + 1] = g > 255 ? 255 : g;
          color[o + 2] = b > 255 ? 255 : b;
        }
        w0 += w0Dx; w1 += w1Dx; w2 += w2Dx; iz += izDx; sz += szDx; uz += uzDx; vz += vzDx;
      }
      w0Row += w0Dy; w1Row += w1Dy; w2Row += w2Dy; izRow += izDy; szRow += szDy; uzRow += uzDy; vzRow += vzDy;
    }
  }
}

/**
 * Affine screen-space plane of each triangle attribute k (per-vertex values tri[k], tri[i1 + k],
 * tri[i2 + k]): writes its value at pixel centre (px, py) and its x and y derivatives into
 * out[3k .. 3k + 2]. (e1x, e1y) and (e2x, e2y) are the edges from vertex 0, invArea = 1 / their cross product.
 */
function setupGradients(
  out: Float64Array, x0: number, y0: number, e1x: number, e1y: number, e2x: number, e2y: number, invArea: number,
  px: number, py: number, tri: Float64Array, i1: number, i2: number,
): void {
  const ox = px - x0;
  const oy = py - y0;
  // Attributes 0 and 1 (screen x, y) are positions, not interpolated.
  for (let k = 2; k < TRI_STRIDE; k++) {
    const a0 = tri[k]!;
    const d1 = tri[i1 + k]! - a0;
    const d2 = tri[i2 + k]! - a0;
    const dx = (d1 * e2y - d2 * e1y) * invArea;
    const dy = (d2 * e1x - d1 * e2x) * invArea;
    out[3 * k] = a0 + dx * ox + dy * oy;
    out[3 * k + 1] = dx;
    out[3 * k + 2] = dy;
  }
}
