/**
 * Generates the textured household objects of MeshOnIncline-v0..v6 into assets/household/<name>/
 * as textured.obj + textured.mtl + texture_map.png, the layout of the YCB models' google_16k folders,
 * so they load through the same OBJ loader a YCB user's models do.
 *
 *   npx tsc -p . && node dist/scripts/tools/make-household-assets.js [outDir]
 *
 * The objects mimic the six YCB objects of the AML paper (sugar box, pudding box, gelatin box, tomato
 * soup can, tuna can, master chef coffee can; real-world sizes in metres, z up, resting on z = 0) plus
 * a mug. Boxes have rounded edges, cans have rolled rims and recessed lids, the mug has a handle: a
 * few thousand triangles each. Labels are drawn with @napi-rs/canvas (brand names are invented).
 * The output is deterministic apart from font rasterisation, and is committed, so users need not
 * run this.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SKRSContext2D, createCanvas } from '@napi-rs/canvas';

type V3 = [number, number, number];

/** A mesh being built: positions, normals, uvs (OBJ convention, v = 0 at the image bottom), triangles. */
class ObjMesh {
  readonly v: number[] = [];
  readonly n: number[] = [];
  readonly t: number[] = [];
  readonly f: number[] = [];

  vertex(p: V3, n: V3, u: number, v: number): number {
    const len = Math.hypot(...n) || 1;
    this.v.push(...p);
    this.n.push(n[0] / len, n[1] / len, n[2] / len);
    this.t.push(u, v);
    return this.v.length / 3 - 1;
  }

  /** Quad a-b-c-d counter-clockwise from outside. */
  quad(a: number, b: number, c: number, d: number): void {
    this.f.push(a, b, c, a, c, d);
  }

  /** Triangles between two equally long vertex rows (row a below row b, both counter-clockwise around the outward normal). */
  stitch(a: readonly number[], b: readonly number[]): void {
    for (let i = 0; i + 1 < a.length; i++) this.quad(a[i]!, a[i + 1]!, b[i + 1]!, b[i]!);
  }

  toObj(header: string): string {
    const lines = [`# ${header}`, 'mtllib textured.mtl', 'o object', 'usemtl material_0'];
    const fmt = (x: number): string => (Math.abs(x) < 5e-7 ? '0' : x.toFixed(6));
    for (let i = 0; i < this.v.length; i += 3) lines.push(`v ${fmt(this.v[i]!)} ${fmt(this.v[i + 1]!)} ${fmt(this.v[i + 2]!)}`);
    for (let i = 0; i < this.t.length; i += 2) lines.push(`vt ${fmt(this.t[i]!)} ${fmt(this.t[i + 1]!)}`);
    for (let i = 0; i < this.n.length; i += 3) lines.push(`vn ${fmt(this.n[i]!)} ${fmt(this.n[i + 1]!)} ${fmt(this.n[i + 2]!)}`);
    for (let i = 0; i < this.f.length; i += 3) {
      const [a, b, c] = [this.f[i]! + 1, this.f[i + 1]! + 1, this.f[i + 2]! + 1];
      lines.push(`f ${a}/${a}/${a} ${b}/${b}/${b} ${c}/${c}/${c}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** A rectangle of the texture atlas, in pixels. */
interface Region { x: number; y: number; w: number; h: number }

const ATLAS = 1024;

/** Point (s, t) in [0, 1]^2 of a region (s right, t up) as OBJ texture coordinates. */
function regionUv(r: Region, s: number, t: number): [number, number] {
  return [(r.x + s * r.w) / ATLAS, 1 - (r.y + (1 - t) * r.h) / ATLAS];
}

/** Samples in [-h, h], dense within `r` of both ends (where a rounded edge bends). */
function bevelSamples(h: number, r: number, edge: number, middle: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < edge; i++) out.push(-h + (r * i) / edge);
  for (let i = 0; i < middle; i++) out.push(-h + r + ((2 * (h - r)) * i) / middle);
  for (let i = 0; i <= edge; i++) out.push(h - r + (r * i) / edge);
  return out;
}

/**
 * A box of half extents `h` with edges rounded to radius `r`, centred at (0, 0, h.z). Faces map to
 * atlas regions; in each face image, up is +z (side faces) or +y (top and bottom).
 */
function roundedBox(mesh: ObjMesh, h: V3, r: number, regions: Record<'px' | 'nx' | 'py' | 'ny' | 'pz' | 'nz', Region>): void {
  const inner: V3 = [h[0] - r, h[1] - r, h[2] - r];
  // Each face: normal axis and sign, its horizontal axis (with sign) and vertical axis (with sign).
  const faces: { key: keyof typeof regions; axis: number; sign: number; hor: [number, number]; ver: [number, number] }[] = [
    { key: 'px', axis: 0, sign: 1, hor: [1, 1], ver: [2, 1] },
    { key: 'nx', axis: 0, sign: -1, hor: [1, -1], ver: [2, 1] },
    { key: 'py', axis: 1, sign: 1, hor: [0, -1], ver: [2, 1] },
    { key: 'ny', axis: 1, sign: -1, hor: [0, 1], ver: [2, 1] },
    { key: 'pz', axis: 2, sign: 1, hor: [0, 1], ver: [1, 1] },
    { key: 'nz', axis: 2, sign: -1, hor: [0, 1], ver: [1, -1] },
  ];
  for (const face of faces) {
    const [ha, hs] = face.hor;
    const [va, vs] = face.ver;
    const us = bevelSamples(h[ha]!, r, 4, 10);
    const vsamples = bevelSamples(h[va]!, r, 4, 10);
    const rows: number[][] = [];
    for (const b of vsamples) {
      const row: number[] = [];
      for (const a of us) {
        const q: V3 = [0, 0, 0];
        q[face.axis] = face.sign * h[face.axis]!;
        q[ha] = hs * a;
        q[va] = vs * b;
        const c: V3 = [0, 0, 0];
        for (let k = 0; k < 3; k++) c[k] = Math.max(-inner[k]!, Math.min(inner[k]!, q[k]!));
        const d: V3 = [q[0] - c[0], q[1] - c[1], q[2] - c[2]];
        const len = Math.hypot(...d);
        const p: V3 = [c[0] + (r * d[0]) / len, c[1] + (r * d[1]) / len, c[2] + (r * d[2]) / len + h[2]];
        const [u, v] = regionUv(regions[face.key], (a + h[ha]!) / (2 * h[ha]!), (b + h[va]!) / (2 * h[va]!));
        row.push(mesh.vertex(p, d, u, v));
      }
      rows.push(row);
    }
    // (hor x ver) is the outward normal for every face above, so rows stitch counter-clockwise.
    for (let j = 0; j + 1 < rows.length; j++) mesh.stitch(rows[j]!, rows[j + 1]!);
  }
}

/** A profile point of a lathe: radius, height, and texture coordinate along the profile. */
interface ProfilePoint { r: number; z: number; s: number }

/**
 * Revolve a profile of (r, z) points around the z axis with `segments` sides and smooth normals. The
 * front (normal (dz, -dr) along the profile) is the side to the right when walking the profile with
 * +r to the right and +z up: going up an outer wall faces out, going down an inner wall faces the
 * axis. `uv(angleFraction, point)` gives OBJ texture coordinates.
 */
function lathe(mesh: ObjMesh, profile: readonly ProfilePoint[], segments: number, uv: (a: number, p: ProfilePoint) => [number, number]): void {
  const rows: number[][] = [];
  profile.forEach((p, i) => {
    const prev = profile[Math.max(0, i - 1)]!;
    const next = profile[Math.min(profile.length - 1, i + 1)]!;
    // The 2-D normal (dz, -dr): outward for a profile going up the outside or inward across a top.
    const nr = next.z - prev.z;
    const nz = -(next.r - prev.r);
    const row: number[] = [];
    for (let k = 0; k <= segments; k++) {
      const a = k / segments;
      const c = Math.cos(2 * Math.PI * a), s = Math.sin(2 * Math.PI * a);
      const [u, v] = uv(a, p);
      row.push(mesh.vertex([p.r * c, p.r * s, p.z], [nr * c, nr * s, nz], u, v));
    }
    rows.push(row);
  });
  for (let j = 0; j + 1 < rows.length; j++) mesh.stitch(rows[j]!, rows[j + 1]!);
}

/** Polyline from (r, z) pairs with s = cumulative length (normalised to [0, 1]). */
function profileOf(points: readonly [number, number][]): ProfilePoint[] {
  let total = 0;
  const lengths = [0];
  for (let i = 1; i < points.length; i++) {
    total += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
    lengths.push(total);
  }
  return points.map(([r, z], i) => ({ r, z, s: total > 0 ? lengths[i]! / total : 0 }));
}

/** A quarter circle from angle a0 to a1 (rad) of radius rr around (cr, cz), n steps. */
function arc(cr: number, cz: number, rr: number, a0: number, a1: number, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    const a = a0 + ((a1 - a0) * i) / n;
    out.push([cr + rr * Math.cos(a), cz + rr * Math.sin(a)]);
  }
  return out;
}

/** A can of `radius` and `height`: rolled rims, a label band and recessed lids. */
function can(mesh: ObjMesh, radius: number, height: number, label: Region, lid: Region, segments = 64): void {
  const rim = Math.min(0.004, height / 12);
  const recess = rim * 0.8;
  // Side: from the bottom rim up over the label to the top rim.
  const side = profileOf([
    ...arc(radius - rim, rim, rim, -Math.PI / 2, 0, 4),
    [radius, height / 2],
    ...arc(radius - rim, height - rim, rim, 0, Math.PI / 2, 4),
  ]);
  lathe(mesh, side, segments, (a, p) => {
    const t = Math.min(1, Math.max(0, (p.z - rim) / (height - 2 * rim)));
    return regionUv(label, a, t);
  });
  // Lids: rim top down into the recess and in to the centre; polar texture in the lid region.
  const lidProfile = (top: boolean): ProfilePoint[] => {
    const z0 = top ? height : 0;
    const dz = top ? -recess : recess;
    const pts: [number, number][] = [[radius - rim, z0], [radius - 2 * rim, z0 + dz], [radius * 0.75, z0 + dz], [radius * 0.72, z0 + dz * 1.3], [radius * 0.45, z0 + dz * 1.3], [0, z0 + dz * 1.3]];
    return profileOf(pts);
  };
  const lidUv = (a: number, p: ProfilePoint): [number, number] => {
    const rr = (0.5 * p.r) / radius;
    return regionUv(lid, 0.5 + rr * Math.cos(2 * Math.PI * a), 0.5 + rr * Math.sin(2 * Math.PI * a));
  };
  // The top lid walks inwards (front up); the bottom one, reversed, walks outwards (front down).
  lathe(mesh, lidProfile(true), segments, lidUv);
  lathe(mesh, [...lidProfile(false)].reverse(), segments, lidUv);
}

/** A mug: outer wall, rounded lip, inner wall and floor, foot, and a handle on +x. */
function mug(mesh: ObjMesh, radius: number, height: number, glaze: Region, inside: Region): void {
  const wall = 0.004;
  const outer = profileOf([
    [0, 0], [radius - 0.006, 0], ...arc(radius - 0.006, 0.006, 0.006, -Math.PI / 2, 0, 4), [radius, height - wall],
    ...arc(radius - wall / 2, height - wall / 2, wall / 2, 0, Math.PI, 6),
  ]);
  lathe(mesh, outer, 64, (a, p) => regionUv(glaze, a, Math.min(1, p.z / height)));
  // Inner wall from the lip down to the floor: walking down it, its front faces the cavity.
  const innerR = radius - wall;
  const inner = profileOf([[innerR, height - wall / 2], [innerR, 0.012], ...arc(innerR - 0.006, 0.012, 0.006, 0, -Math.PI / 2, 4), [0, 0.006]]);
  lathe(mesh, inner, 64, (a, p) => regionUv(inside, a, Math.min(1, p.z / height)));
  // Handle: a tube of radius 0.006 along a C-shaped path on the +x side.
  const tube = 0.0065;
  const path: V3[] = [];
  const n = 28;
  for (let i = 0; i <= n; i++) {
    const a = -Math.PI / 2 + (Math.PI * i) / n;
    path.push([radius - 0.002 + 0.028 * Math.cos(a), 0, height / 2 + 0.026 * Math.sin(a)]);
  }
  const rings: number[][] = [];
  path.forEach((c, i) => {
    const p0 = path[Math.max(0, i - 1)]!, p1 = path[Math.min(path.length - 1, i + 1)]!;
    const tx = p1[0] - p0[0], tz = p1[2] - p0[2];
    const tl = Math.hypot(tx, tz);
    // Frame: tangent in the xz plane, side = y, in-plane normal = (tz, -tx).
    const nx = tz / tl, nz = -tx / tl;
    const ring: number[] = [];
    for (let k = 0; k <= 16; k++) {
      const b = (2 * Math.PI * k) / 16;
      const d: V3 = [nx * Math.cos(b), Math.sin(b), nz * Math.cos(b)];
      const [u, v] = regionUv(glaze, k / 16, i / n);
      ring.push(mesh.vertex([c[0] + tube * d[0], tube * d[1], c[2] + tube * d[2]], d, u, v));
    }
    rings.push(ring);
  });
  for (let i = 0; i + 1 < rings.length; i++) mesh.stitch(rings[i]!, rings[i + 1]!);
}

// ---------------------------------------------------------------- label art

type Painter = (ctx: SKRSContext2D, r: Region) => void;

function fillRegion(ctx: SKRSContext2D, r: Region, color: string): void {
  ctx.fillStyle = color;
  ctx.fillRect(r.x, r.y, r.w, r.h);
}

/**
 * Draw `s` centred at (x, y) (fractions of region `r`), `size` a fraction of the region's extent
 * across the text (its height, or its width when rotated a quarter turn), squeezed to fit and clipped.
 */
function text(ctx: SKRSContext2D, r: Region, s: string, x: number, y: number, size: number, color: string, rotate = 0): void {
  const quarter = Math.abs(Math.sin(rotate)) > 0.5;
  ctx.save();
  ctx.beginPath();
  ctx.rect(r.x, r.y, r.w, r.h);
  ctx.clip();
  ctx.translate(r.x + x * r.w, r.y + y * r.h);
  ctx.rotate(rotate);
  ctx.font = `bold ${Math.round(size * (quarter ? r.w : r.h))}px "DejaVu Sans"`;
  ctx.fillStyle = color;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const width = ctx.measureText(s).width;
  const max = (quarter ? r.h : r.w) * 0.9;
  if (width > max) ctx.scale(max / width, 1);
  ctx.fillText(s, 0, 0);
  ctx.restore();
}

function band(ctx: SKRSContext2D, r: Region, y0: number, y1: number, color: string): void {
  ctx.fillStyle = color;
  ctx.fillRect(r.x, r.y + y0 * r.h, r.w, (y1 - y0) * r.h);
}

function lidArt(ctx: SKRSContext2D, r: Region, metal: string, ring: string): void {
  fillRegion(ctx, r, metal);
  ctx.strokeStyle = ring;
  const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  for (const f of [0.95, 0.8, 0.62, 0.45]) {
    ctx.lineWidth = r.w * 0.02;
    ctx.beginPath();
    ctx.arc(cx, cy, (f * r.w) / 2, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

interface Asset {
  name: string;
  build(mesh: ObjMesh): void;
  paint(ctx: SKRSContext2D): void;
}

/** Atlas regions of a box: front/back (x faces), sides (y faces), top/bottom (z faces), each in its own cell. */
function boxRegions(h: V3): Record<'px' | 'nx' | 'py' | 'ny' | 'pz' | 'nz', Region> {
  // Scale so the faces fill the atlas: two columns for the large faces, sides and caps beside them.
  const s = Math.min(ATLAS / (2 * 2 * h[1] + 2 * 2 * h[0] + 0.02), ATLAS / (2 * h[2] + 2 * h[1] + 0.02));
  const W = (m: number): number => Math.floor(2 * m * s);
  const front = { w: W(h[1]), h: W(h[2]) };
  const sideW = W(h[0]);
  return {
    px: { x: 0, y: 0, ...front },
    nx: { x: front.w, y: 0, ...front },
    py: { x: 2 * front.w, y: 0, w: sideW, h: front.h },
    ny: { x: 2 * front.w + sideW, y: 0, w: sideW, h: front.h },
    pz: { x: 0, y: front.h, w: sideW, h: W(h[1]) },
    nz: { x: sideW, y: front.h, w: sideW, h: W(h[1]) },
  };
}

function boxAsset(name: string, size: V3, bevel: number, paintFaces: (ctx: SKRSContext2D, r: ReturnType<typeof boxRegions>) => void): Asset {
  const h: V3 = [size[0] / 2, size[1] / 2, size[2] / 2];
  const regions = boxRegions(h);
  return { name, build: (mesh) => roundedBox(mesh, h, bevel, regions), paint: (ctx) => paintFaces(ctx, regions) };
}

const CAN_LABEL: Region = { x: 0, y: 0, w: ATLAS, h: 640 };
const CAN_LID: Region = { x: 0, y: 640, w: 384, h: 384 };
const CAN_LID_INSIDE: Region = { x: 384, y: 640, w: 384, h: 384 };

function canAsset(name: string, radius: number, height: number, paintLabel: Painter, lid: [string, string]): Asset {
  return {
    name,
    build: (mesh) => can(mesh, radius, height, CAN_LABEL, CAN_LID),
    paint: (ctx) => {
      paintLabel(ctx, CAN_LABEL);
      lidArt(ctx, CAN_LID, lid[0], lid[1]);
      fillRegion(ctx, CAN_LID_INSIDE, lid[0]);
    },
  };
}

const ASSETS: readonly Asset[] = [
  boxAsset('sugar_box', [0.038, 0.089, 0.175], 0.003, (ctx, r) => {
    for (const face of [r.px, r.nx]) {
      fillRegion(ctx, face, '#fbf6e4');
      band(ctx, face, 0, 0.16, '#f2c230');
      band(ctx, face, 0.84, 1, '#f2c230');
      text(ctx, face, 'CRYSTAL', 0.5, 0.08, 0.08, '#b3261e');
      text(ctx, face, 'PURE', 0.5, 0.3, 0.1, '#b3261e');
      text(ctx, face, 'CANE', 0.5, 0.42, 0.1, '#b3261e');
      text(ctx, face, 'SUGAR', 0.5, 0.56, 0.12, '#b3261e');
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = '#c9b88a';
      ctx.lineWidth = 3;
      for (let i = 0; i < 6; i++) ctx.strokeRect(face.x + face.w * (0.2 + 0.1 * i), face.y + face.h * 0.68, face.w * 0.08, face.w * 0.08);
      text(ctx, face, 'NET WT 2 LB', 0.5, 0.92, 0.05, '#5a3a10');
    }
    for (const face of [r.py, r.ny]) {
      fillRegion(ctx, face, '#f2c230');
      text(ctx, face, 'CRYSTAL SUGAR', 0.5, 0.5, 0.6, '#b3261e', -Math.PI / 2);
    }
    fillRegion(ctx, r.pz, '#f2c230');
    fillRegion(ctx, r.nz, '#e0b020');
  }),
  boxAsset('pudding_box', [0.035, 0.11, 0.089], 0.0025, (ctx, r) => {
    for (const face of [r.px, r.nx]) {
      fillRegion(ctx, face, '#5b3215');
      band(ctx, face, 0, 0.2, '#1f4fa0');
      text(ctx, face, 'SNACK TIME', 0.5, 0.1, 0.12, '#ffffff');
      ctx.fillStyle = '#8a5428';
      ctx.beginPath();
      ctx.ellipse(face.x + face.w * 0.7, face.y + face.h * 0.62, face.w * 0.2, face.h * 0.14, 0, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = '#f4efe6';
      ctx.fillRect(face.x + face.w * 0.52, face.y + face.h * 0.66, face.w * 0.36, face.h * 0.12);
      text(ctx, face, 'CHOCOLATE', 0.33, 0.42, 0.1, '#f7d9a8');
      text(ctx, face, 'PUDDING', 0.33, 0.58, 0.11, '#ffffff');
      band(ctx, face, 0.86, 1, '#c8a060');
    }
    for (const face of [r.py, r.ny]) {
      fillRegion(ctx, face, '#1f4fa0');
      text(ctx, face, 'PUDDING', 0.5, 0.5, 0.5, '#ffffff', -Math.PI / 2);
    }
    fillRegion(ctx, r.pz, '#1f4fa0');
    fillRegion(ctx, r.nz, '#5b3215');
  }),
  boxAsset('gelatin_box', [0.028, 0.085, 0.073], 0.002, (ctx, r) => {
    for (const face of [r.px, r.nx]) {
      fillRegion(ctx, face, '#d81f3c');
      band(ctx, face, 0, 0.22, '#ffffff');
      text(ctx, face, 'WIGGLY', 0.5, 0.11, 0.15, '#d81f3c');
      text(ctx, face, 'GELATIN', 0.5, 0.4, 0.14, '#ffffff');
      text(ctx, face, 'STRAWBERRY', 0.5, 0.56, 0.09, '#ffe0e6');
      ctx.fillStyle = '#ff6f8a';
      for (let i = 0; i < 3; i++) {
        ctx.beginPath();
        ctx.arc(face.x + face.w * (0.3 + 0.2 * i), face.y + face.h * 0.78, face.h * 0.08, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    for (const face of [r.py, r.ny]) {
      fillRegion(ctx, face, '#ffffff');
      text(ctx, face, 'GELATIN', 0.5, 0.5, 0.5, '#d81f3c', -Math.PI / 2);
    }
    fillRegion(ctx, r.pz, '#ffffff');
    fillRegion(ctx, r.nz, '#d81f3c');
  }),
  canAsset('tomato_soup_can', 0.033, 0.101, (ctx, r) => {
    fillRegion(ctx, r, '#ffffff');
    band(ctx, r, 0, 0.48, '#c8102e');
    band(ctx, r, 0.9, 1, '#c9a227');
    for (const x of [0.25, 0.75]) {
      text(ctx, r, 'HEARTY', x, 0.22, 0.14, '#ffffff');
      text(ctx, r, 'TOMATO', x, 0.62, 0.12, '#c8102e');
      text(ctx, r, 'SOUP', x, 0.78, 0.1, '#c8102e');
    }
    ctx.fillStyle = '#c9a227';
    for (const x of [0.5, 0]) {
      ctx.beginPath();
      ctx.arc(r.x + r.w * x + r.w * 0.001, r.y + r.h * 0.55, r.h * 0.06, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, ['#c9ccd2', '#8e9199']),
  canAsset('tuna_fish_can', 0.0425, 0.033, (ctx, r) => {
    fillRegion(ctx, r, '#1565c0');
    band(ctx, r, 0, 0.2, '#f5d142');
    band(ctx, r, 0.8, 1, '#f5d142');
    for (const x of [0.17, 0.5, 0.83]) {
      text(ctx, r, 'TUNA', x, 0.5, 0.36, '#ffffff');
    }
    ctx.fillStyle = '#9fc7f0';
    for (const x of [0.33, 0.66, 0.99]) {
      ctx.beginPath();
      ctx.ellipse(r.x + r.w * x, r.y + r.h * 0.5, r.w * 0.04, r.h * 0.12, 0, 0, 2 * Math.PI);
      ctx.fill();
    }
  }, ['#d8c078', '#a08a40']),
  canAsset('coffee_can', 0.051, 0.139, (ctx, r) => {
    fillRegion(ctx, r, '#0d2c6b');
    band(ctx, r, 0.14, 0.2, '#d4a017');
    band(ctx, r, 0.8, 0.86, '#d4a017');
    for (const x of [0.25, 0.75]) {
      text(ctx, r, 'MASTER', x, 0.36, 0.1, '#d4a017');
      text(ctx, r, 'ROAST', x, 0.5, 0.12, '#ffffff');
      text(ctx, r, 'COFFEE', x, 0.66, 0.09, '#d4a017');
    }
  }, ['#b8bcc4', '#7c8088']),
  {
    name: 'mug',
    build: (mesh) => mug(mesh, 0.04, 0.085, { x: 0, y: 0, w: ATLAS, h: 512 }, { x: 0, y: 512, w: ATLAS, h: 512 }),
    paint: (ctx) => {
      const glaze: Region = { x: 0, y: 0, w: ATLAS, h: 512 };
      fillRegion(ctx, glaze, '#1f8a8a');
      band(ctx, glaze, 0.0, 0.12, '#f1efe8');
      band(ctx, glaze, 0.88, 1, '#f1efe8');
      ctx.fillStyle = '#f1efe8';
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 3; j++) {
          ctx.beginPath();
          ctx.arc(glaze.x + glaze.w * ((i + (j % 2) * 0.5) / 8), glaze.y + glaze.h * (0.3 + 0.2 * j), glaze.h * 0.05, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
      fillRegion(ctx, { x: 0, y: 512, w: ATLAS, h: 512 }, '#e8e4da');
    },
  },
];

function mtl(): string {
  return ['# household object material', 'newmtl material_0', 'Ka 0.2 0.2 0.2', 'Kd 1.0 1.0 1.0', 'Ks 0.1 0.1 0.1', 'Ns 10', 'map_Kd texture_map.png', ''].join('\n');
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const outDir = resolve(process.argv[2] ?? join(root, 'assets', 'household'));
  for (const asset of ASSETS) {
    const mesh = new ObjMesh();
    asset.build(mesh);
    const canvas = createCanvas(ATLAS, ATLAS);
    const ctx = canvas.getContext('2d');
    fillRegion(ctx, { x: 0, y: 0, w: ATLAS, h: ATLAS }, '#808080');
    asset.paint(ctx);
    const dir = join(outDir, asset.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'textured.obj'), mesh.toObj(`${asset.name}: generated by scripts/tools/make-household-assets.ts (metres, z up)`));
    writeFileSync(join(dir, 'textured.mtl'), mtl());
    writeFileSync(join(dir, 'texture_map.png'), canvas.toBuffer('image/png'));
    console.log(`${asset.name}: ${mesh.v.length / 3} vertices, ${mesh.f.length / 3} triangles -> ${dir}`);
  }
}

main();
