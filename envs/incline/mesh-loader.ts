/**
 * Wavefront OBJ + MTL + texture loading for the incline envs, with errors that name the file and
 * line (or field) at fault.
 *
 * Supported OBJ statements: `v x y z` (extra numbers such as vertex colours are ignored), `vt u [v]`,
 * `vn x y z`, `f` with `v`, `v/vt`, `v//vn` or `v/vt/vn` corners (negative indices count back;
 * polygons are split into a triangle fan), `usemtl`, `mtllib`. Other statements (o, g, s, l, ...)
 * are ignored. MTL: `newmtl`, `Kd` (diffuse colour, multiplies the texture), `map_Kd` (PNG or JPEG,
 * path relative to the MTL file; leading options such as `-s 1 1 1` are skipped); other fields are
 * ignored. Corners without a normal get the area-weighted average normal of the faces around their
 * position. Texture v is flipped to image convention (OBJ's v = 0 is the bottom row).
 *
 * This is the layout of the YCB models (`google_16k/textured.obj`, `textured.mtl`,
 * `texture_map.png`) and of the household objects this project ships in assets/household/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LatentGymError } from '../core/errors.js';
import { type MutableVec3, type Vec3, cross, dot, length, normalize, sub, vec3At } from '../core/math3d.js';
import type { Material, MeshGroup, RenderMesh } from '../render/mesh.js';
import { type Texture, createTexture } from '../render/texture-sampling.js';
import { decodeImage } from '../render/image-io.js';

/** A mesh file (OBJ, MTL or texture) is missing or malformed; the message names the file and line. */
export class MeshLoadError extends LatentGymError {
  override name = 'MeshLoadError';
}

/** The file name the YCB models use, preferred when a directory holds several OBJ files. */
export const DEFAULT_OBJ_NAME = 'textured.obj';

/** One material of an MTL file. */
export interface MtlMaterial {
  readonly name: string;
  /** Diffuse colour, each component >= 0 (1 = full). */
  readonly diffuse: Vec3;
  /** Absolute path of the diffuse texture, if any. */
  readonly texturePath?: string | undefined;
  /** Where the texture was named: `file:line`. */
  readonly textureWhere?: string | undefined;
}

/** The result of parsing an OBJ file (geometry only; materials are resolved by `loadObj`). */
export interface ParsedObj {
  readonly positions: Float32Array;
  readonly normals: Float32Array;
  readonly uvs: Float32Array | undefined;
  readonly indices: Uint32Array;
  /** Triangle ranges per material name ('' when no usemtl preceded the faces). */
  readonly groups: readonly { readonly start: number; readonly count: number; readonly material: string; readonly where: string }[];
  /** MTL files named by `mtllib`, with where they were named. */
  readonly materialLibraries: readonly { readonly file: string; readonly where: string }[];
}

/** A loaded mesh and the files it came from. */
export interface LoadedMesh {
  readonly mesh: RenderMesh;
  readonly objPath: string;
  readonly materialFiles: readonly string[];
  readonly textureFiles: readonly string[];
}

/** Parse finite numbers; `null` when any token is not a finite number. */
function numbers(tokens: readonly string[]): number[] | null {
  const out: number[] = [];
  for (const t of tokens) {
    const x = Number(t);
    if (t === '' || !Number.isFinite(x)) return null;
    out.push(x);
  }
  return out;
}

/** Statements of a text file: [line number, keyword, arguments], comments and blank lines dropped. */
function* statements(text: string): Generator<[line: number, keyword: string, args: string[], rest: string]> {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#');
    const content = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).trim();
    if (content === '') continue;
    const match = /^(\S+)\s*(.*)$/.exec(content)!;
    const rest = match[2]!;
    yield [i + 1, match[1]!, rest === '' ? [] : rest.split(/\s+/), rest];
  }
}

/** Parse OBJ text; `file` names it in errors. */
export function parseObj(text: string, file: string): ParsedObj {
  const v: number[] = [];
  const vt: number[] = [];
  const vn: number[] = [];
  const materialLibraries: { file: string; where: string }[] = [];
  // Triangles per material, in order of first use: corners as [v, vt, vn] (0-based, -1 absent).
  const byMaterial = new Map<string, { corners: number[]; where: string }>();
  let current: { corners: number[]; where: string } | undefined;
  let currentName = '';
  const fail = (line: number, message: string): never => {
    throw new MeshLoadError(`${file}:${line}: ${message}`);
  };
  const index = (line: number, token: string, what: string, count: number): number => {
    const k = Number(token);
    if (!Number.isInteger(k) || k === 0) fail(line, `${what} index '${token}' is not a non-zero integer`);
    const i = k > 0 ? k - 1 : count + k;
    if (i < 0 || i >= count) fail(line, `${what} index ${k} is out of range (${count} ${what === 'vertex' ? 'vertices' : what === 'texture coordinate' ? 'texture coordinates' : 'normals'} defined so far)`);
    return i;
  };
  for (const [line, keyword, args, rest] of statements(text)) {
    switch (keyword) {
      case 'v': {
        const xyz = numbers(args.slice(0, 3));
        if (args.length < 3 || xyz === null) fail(line, `'v' needs 3 finite numbers x y z, got '${rest}'`);
        v.push(...xyz!);
        break;
      }
      case 'vt': {
        const uv = numbers(args.slice(0, 2));
        if (args.length < 1 || uv === null) fail(line, `'vt' needs finite numbers u [v], got '${rest}'`);
        vt.push(uv![0]!, uv![1] ?? 0);
        break;
      }
      case 'vn': {
        const xyz = numbers(args.slice(0, 3));
        if (args.length < 3 || xyz === null) fail(line, `'vn' needs 3 finite numbers, got '${rest}'`);
        vn.push(...xyz!);
        break;
      }
      case 'f': {
        if (args.length < 3) fail(line, `a face needs at least 3 corners, got ${args.length}`);
        const corners: number[] = [];
        for (const token of args) {
          const parts = token.split('/');
          if (parts.length > 3 || parts[0] === '') fail(line, `face corner '${token}' is not v, v/vt, v//vn or v/vt/vn`);
          corners.push(
            index(line, parts[0]!, 'vertex', v.length / 3),
            parts[1] === undefined || parts[1] === '' ? -1 : index(line, parts[1], 'texture coordinate', vt.length / 2),
            parts[2] === undefined || parts[2] === '' ? -1 : index(line, parts[2], 'normal', vn.length / 3),
          );
        }
        if (current === undefined) {
          current = byMaterial.get(currentName) ?? { corners: [], where: `${file}:${line}` };
          byMaterial.set(currentName, current);
        }
        for (let k = 1; k + 1 < args.length; k++) {
          for (const c of [0, k, k + 1]) current.corners.push(corners[3 * c]!, corners[3 * c + 1]!, corners[3 * c + 2]!);
        }
        break;
      }
      case 'usemtl':
        if (args.length === 0) fail(line, "'usemtl' needs a material name");
        currentName = rest;
        current = byMaterial.get(currentName);
        if (current === undefined) {
          current = { corners: [], where: `${file}:${line}` };
          byMaterial.set(currentName, current);
        }
        break;
      case 'mtllib':
        if (args.length === 0) fail(line, "'mtllib' needs a file name");
        materialLibraries.push({ file: rest, where: `${file}:${line}` });
        break;
      default:
        break; // o, g, s, l, p, vp, ...: irrelevant for a rigid textured mesh
    }
  }
  const totalCorners = [...byMaterial.values()].reduce((n, m) => n + m.corners.length / 3, 0);
  if (totalCorners === 0) throw new MeshLoadError(`${file}: no faces ('f' lines) found`);
  return buildMesh(v, vt, vn, byMaterial, materialLibraries);
}

/** Unique (v, vt, vn) corners become vertices; missing normals are averaged from the faces (angle-weighted). */
function buildMesh(
  v: readonly number[], vt: readonly number[], vn: readonly number[],
  byMaterial: Map<string, { corners: number[]; where: string }>,
  materialLibraries: { file: string; where: string }[],
): ParsedObj {
  // Angle-weighted sum of face normals at each position (independent of how polygons were split).
  const faceNormals = new Float64Array(v.length);
  for (const { corners } of byMaterial.values()) {
    for (let t = 0; t < corners.length; t += 9) {
      const ids = [corners[t]!, corners[t + 3]!, corners[t + 6]!] as const;
      const n = triangleNormal(v, ids[0], ids[1], ids[2]);
      if (n === undefined) continue;
      for (let k = 0; k < 3; k++) {
        const angle = cornerAngle(v, ids[k]!, ids[(k + 1) % 3]!, ids[(k + 2) % 3]!);
        for (let c = 0; c < 3; c++) faceNormals[3 * ids[k]! + c]! += angle * n[c]!;
      }
    }
  }
  const hasUvs = [...byMaterial.values()].some((m) => m.corners.some((x, i) => i % 3 === 1 && x >= 0));
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  const groups: { start: number; count: number; material: string; where: string }[] = [];
  const ids = new Map<string, number>();
  for (const [material, { corners, where }] of byMaterial) {
    if (corners.length === 0) continue;
    groups.push({ start: indices.length / 3, count: corners.length / 9, material, where });
    for (let c = 0; c < corners.length; c += 3) {
      const pi = corners[c]!, ti = corners[c + 1]!, ni = corners[c + 2]!;
      const key = `${pi}/${ti}/${ni}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = positions.length / 3;
        ids.set(key, id);
        positions.push(v[3 * pi]!, v[3 * pi + 1]!, v[3 * pi + 2]!);
        const n = ni >= 0 ? vec3At(vn, ni) : vec3At(faceNormals, pi);
        normals.push(...(length(n) > 0 ? normalize(n) : [0, 0, 1]));
        if (hasUvs) uvs.push(ti >= 0 ? vt[2 * ti]! : 0, ti >= 0 ? 1 - vt[2 * ti + 1]! : 0);
      }
      indices.push(id);
    }
  }
  return {
    positions: Float32Array.from(positions),
    normals: Float32Array.from(normals),
    uvs: hasUvs ? Float32Array.from(uvs) : undefined,
    indices: Uint32Array.from(indices),
    groups,
    materialLibraries,
  };
}

/** Unit normal of triangle (a, b, c) of position list `v`, or undefined if it is degenerate. */
function triangleNormal(v: readonly number[], a: number, b: number, c: number): MutableVec3 | undefined {
  const [e1, e2] = edgesFrom(v, a, b, c);
  const n = cross(e1, e2);
  return length(n) > 0 ? normalize(n) : undefined;
}

/** Angle (rad) at vertex `a` between edges a-b and a-c. */
function cornerAngle(v: readonly number[], a: number, b: number, c: number): number {
  const [e1, e2] = edgesFrom(v, a, b, c);
  return Math.atan2(length(cross(e1, e2)), dot(e1, e2));
}

/** Edges a-b and a-c of triangle (a, b, c) of position list `v`. */
function edgesFrom(v: readonly number[], a: number, b: number, c: number): [ab: Vec3, ac: Vec3] {
  const pa = vec3At(v, a);
  return [sub(vec3At(v, b), pa), sub(vec3At(v, c), pa)];
}

/** Options of `map_Kd` and how many arguments each takes (the MTL spec's texture options). */
const TEXTURE_OPTION_ARGS: Readonly<Record<string, number>> = {
  '-blendu': 1, '-blendv': 1, '-bm': 1, '-boost': 1, '-cc': 1, '-clamp': 1, '-imfchan': 1, '-mm': 2,
  '-o': 3, '-s': 3, '-t': 3, '-texres': 1, '-type': 1,
};

/** Parse MTL text; texture paths are resolved against `baseDir`. */
export function parseMtl(text: string, file: string, baseDir: string): Map<string, MtlMaterial> {
  const materials = new Map<string, MtlMaterial>();
  let current: { name: string; diffuse: Vec3; texturePath?: string; textureWhere?: string } | undefined;
  const fail = (line: number, message: string): never => {
    throw new MeshLoadError(`${file}:${line}: ${message}`);
  };
  const finish = (): void => {
    if (current !== undefined) materials.set(current.name, { ...current });
  };
  for (const [line, keyword, args, rest] of statements(text)) {
    if (keyword === 'newmtl') {
      if (args.length === 0) fail(line, "'newmtl' needs a material name");
      finish();
      current = { name: rest, diffuse: [1, 1, 1] };
      continue;
    }
    if (keyword !== 'Kd' && keyword !== 'map_Kd') continue;
    if (current === undefined) fail(line, `'${keyword}' before any 'newmtl'`);
    if (keyword === 'Kd') {
      const values = numbers(args);
      if (values === null || (values.length !== 1 && values.length !== 3) || values.some((x) => x < 0)) {
        fail(line, `field Kd needs 3 non-negative numbers r g b, got '${rest}'`);
      }
      const [r, g = r, b = r] = values!;
      current!.diffuse = [r!, g!, b!];
    } else {
      let k = 0;
      while (k < args.length && args[k]!.startsWith('-')) {
        const count = TEXTURE_OPTION_ARGS[args[k]!];
        if (count === undefined) fail(line, `field map_Kd has unknown option '${args[k]}'`);
        // -o, -s and -t take 1 to 3 numbers: skip the numeric ones.
        let taken = 0;
        k += 1;
        while (taken < count! && k < args.length && (count! !== 3 || numbers([args[k]!]) !== null)) {
          k += 1;
          taken += 1;
        }
      }
      const name = args.slice(k).join(' ');
      if (name === '') fail(line, 'field map_Kd needs a texture file name');
      current!.texturePath = resolve(baseDir, name);
      current!.textureWhere = `${file}:${line}`;
    }
  }
  finish();
  return materials;
}

function readText(path: string, referencedBy: string | undefined): string {
  if (!existsSync(path)) {
    throw new MeshLoadError(`${path}: file not found${referencedBy ? ` (named at ${referencedBy})` : ''}`);
  }
  if (statSync(path).isDirectory()) throw new MeshLoadError(`${path}: is a directory, not a file${referencedBy ? ` (named at ${referencedBy})` : ''}`);
  return readFileSync(path, 'utf8');
}

function loadTexture(path: string, where: string): Texture {
  if (!existsSync(path)) throw new MeshLoadError(`${where}: field map_Kd names '${basename(path)}', but ${path} does not exist`);
  let image;
  try {
    image = decodeImage(readFileSync(path), path);
  } catch (error) {
    throw new MeshLoadError(`${path}: not a decodable PNG or JPEG image (the texture named at ${where})`, { cause: error });
  }
  return createTexture(image.width, image.height, image.rgb);
}

/**
 * Load an OBJ file with its MTL files and textures. Faces whose material is unknown (or that have
 * none) are drawn light grey; a material without a texture is drawn in its Kd colour.
 */
export function loadObj(objPath: string): LoadedMesh {
  const path = resolve(objPath);
  const parsed = parseObj(readText(path, undefined), path);
  const dir = dirname(path);
  const materials = new Map<string, MtlMaterial>();
  const materialFiles: string[] = [];
  for (const lib of parsed.materialLibraries) {
    const mtlPath = resolve(dir, lib.file);
    materialFiles.push(mtlPath);
    for (const [name, m] of parseMtl(readText(mtlPath, lib.where), mtlPath, dirname(mtlPath))) materials.set(name, m);
  }
  const textures = new Map<string, Texture>();
  const groups: MeshGroup[] = parsed.groups.map((g) => {
    const m = g.material === '' ? undefined : materials.get(g.material);
    if (g.material !== '' && m === undefined) {
      const where = parsed.materialLibraries.length > 0 ? `in ${parsed.materialLibraries.map((l) => l.file).join(', ')}` : "(no 'mtllib' line names a material file)";
      throw new MeshLoadError(`${g.where}: usemtl '${g.material}' is not defined ${where}`);
    }
    let texture: Texture | undefined;
    if (m?.texturePath !== undefined) {
      if (parsed.uvs === undefined) throw new MeshLoadError(`${path}: material '${m.name}' has a texture (map_Kd) but the OBJ has no texture coordinates ('vt')`);
      texture = textures.get(m.texturePath) ?? loadTexture(m.texturePath, m.textureWhere ?? m.name);
      textures.set(m.texturePath, texture);
    }
    const material: Material = { color: m?.diffuse ?? [0.8, 0.8, 0.8], texture };
    return { start: g.start, count: g.count, material };
  });
  const mesh: RenderMesh = { positions: parsed.positions, normals: parsed.normals, uvs: parsed.uvs, indices: parsed.indices, groups };
  return { mesh, objPath: path, materialFiles, textureFiles: [...textures.keys()] };
}

/**
 * The OBJ file of a model directory: `textured.obj` if present, else the only `.obj` file in it.
 * Throws a MeshLoadError naming the directory when there is none or the choice is ambiguous.
 */
export function findObjFile(dir: string): string {
  const path = resolve(dir);
  if (!existsSync(path)) throw new MeshLoadError(`mesh directory ${path} does not exist`);
  if (!statSync(path).isDirectory()) {
    if (path.toLowerCase().endsWith('.obj')) return path;
    throw new MeshLoadError(`${path} is neither a directory nor an .obj file`);
  }
  const preferred = join(path, DEFAULT_OBJ_NAME);
  if (existsSync(preferred)) return preferred;
  const objs = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.obj')).sort();
  if (objs.length === 1) return join(path, objs[0]!);
  if (objs.length === 0) throw new MeshLoadError(`mesh directory ${path} holds no .obj file (expected ${DEFAULT_OBJ_NAME})`);
  throw new MeshLoadError(`mesh directory ${path} holds several .obj files (${objs.join(', ')}) and no ${DEFAULT_OBJ_NAME}; name one file instead`);
}

/** `loadObj(findObjFile(dirOrFile))`. */
export function loadMeshDirectory(dirOrFile: string): LoadedMesh {
  return loadObj(findObjFile(dirOrFile));
}
