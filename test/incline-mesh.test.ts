import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/incline/index.js';
import { make } from '../envs/registration.js';
import { checkEnv } from '../envs/checker.js';
import type { Env } from '../envs/core/env.js';
import { encodePng } from '../envs/render/image-io.js';
import { MeshLoadError, findObjFile, loadMeshDirectory, loadObj, parseObj } from '../envs/incline/mesh-loader.js';
import { HOUSEHOLD_OBJECTS, householdAssetsDir, meshObjectModel } from '../envs/incline/variants.js';
import { GEOM_SPECS, geomObjectModel } from '../envs/incline/shapes.js';
import { MESH_ON_INCLINE_IDS } from '../envs/incline/index.js';
import { convexHull, solidProperties } from '../envs/incline/convex.js';
import type { InclineEnv } from '../envs/incline/incline-env.js';

type AnyEnv = Env<unknown, unknown>;

/** Real-world sizes (m) the shipped objects imitate: [x, y, z] bounding box. */
const EXPECTED_SIZES: Record<string, [number, number, number]> = {
  sugar_box: [0.038, 0.089, 0.175],
  pudding_box: [0.035, 0.11, 0.089],
  gelatin_box: [0.028, 0.085, 0.073],
  tomato_soup_can: [0.066, 0.066, 0.101],
  tuna_fish_can: [0.085, 0.085, 0.033],
  coffee_can: [0.102, 0.102, 0.139],
};

const CUBE_OBJ = `# a unit cube: quads, negative indices, two materials
mtllib cube.mtl
v -0.5 -0.5 -0.5
v 0.5 -0.5 -0.5
v 0.5 0.5 -0.5
v -0.5 0.5 -0.5
v -0.5 -0.5 0.5
v 0.5 -0.5 0.5
v 0.5 0.5 0.5
v -0.5 0.5 0.5
vt 0 0
vt 1 0
vt 1 1
vt 0 1
vn 0 0 1
usemtl painted
f 1 4 3 2
f 1 2 6 5
f 2 3 7 6
f 3 4 8 7
f 4 1 5 8
usemtl label
f -4/-4/-1 -3/-3/-1 -2/-2/-1 -1/-1/-1
`;

const CUBE_MTL = `newmtl painted
Kd 0.2 0.4 0.6
newmtl label
Kd 1 1 1
map_Kd -s 1 1 1 label.png
`;

/** A fresh directory holding the cube (OBJ + MTL + a 2 x 2 PNG), with `edit` applied to the file texts. */
function cubeDir(edit: Partial<Record<'obj' | 'mtl', string>> = {}, withTexture = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'latentgym-mesh-'));
  writeFileSync(join(dir, 'cube.obj'), edit.obj ?? CUBE_OBJ);
  writeFileSync(join(dir, 'cube.mtl'), edit.mtl ?? CUBE_MTL);
  if (withTexture) writeFileSync(join(dir, 'label.png'), encodePng({ width: 2, height: 2, rgb: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]) }));
  return dir;
}

test('every shipped household object loads through the OBJ loader: textured, a few thousand triangles, real-world size', () => {
  for (const name of HOUSEHOLD_OBJECTS) {
    const loaded = loadMeshDirectory(join(householdAssetsDir(), name));
    const triangles = loaded.mesh.indices.length / 3;
    assert.ok(triangles >= 1500 && triangles <= 10000, `${name}: ${triangles} triangles`);
    assert.equal(loaded.textureFiles.length, 1, `${name} has its texture`);
    assert.ok(loaded.mesh.groups.every((g) => g.material.texture !== undefined));
    const expected = EXPECTED_SIZES[name];
    if (expected === undefined) continue;
    const p = loaded.mesh.positions;
    for (let axis = 0; axis < 3; axis++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = axis; i < p.length; i += 3) {
        lo = Math.min(lo, p[i]!);
        hi = Math.max(hi, p[i]!);
      }
      assert.ok(Math.abs(hi - lo - expected[axis]!) < 0.003, `${name} axis ${axis}: ${(hi - lo).toFixed(4)} m, expected ${expected[axis]}`);
    }
  }
});

/** Orientation quaternions and the last frame of a seeded episode with seeded random actions. */
function seededRun(id: string): { quats: number[]; frame: Uint8Array } {
  const env: AnyEnv = make(id, { renderMode: 'rgb_array', observation: 'state' });
  env.reset({ seed: 21, options: { start: 0.3 } });
  env.actionSpace.seed(21);
  const quats: number[] = [];
  for (let t = 0; t < 15; t++) {
    const r = env.step(env.actionSpace.sample());
    quats.push(...(r.info['pose'] as { quaternion: number[] }).quaternion);
    if (r.terminated || r.truncated) break;
  }
  return { quats, frame: env.render()!.data };
}

test('the household objects look different from the Geom shapes; cans, like the Geom cylinders, slide without rocking', () => {
  HOUSEHOLD_OBJECTS.slice(0, GEOM_SPECS.length).forEach((name, v) => {
    const mesh = meshObjectModel(join(householdAssetsDir(), name), 2.5, name);
    const geom = geomObjectModel(GEOM_SPECS[v]!, 2.5);
    const sizeGap = Math.max(...mesh.halfExtents.map((h, k) => Math.abs(h - geom.halfExtents[k]!) / geom.halfExtents[k]!));
    assert.ok(sizeGap > 0.1, `${name} vs ${geom.name}: sizes differ by ${sizeGap}`);
    const a = seededRun(`GeomOnIncline-v${v}`);
    const b = seededRun(`MeshOnIncline-v${v}`);
    let pixelsDiffering = 0;
    for (let i = 0; i < a.frame.length; i += 3) if (a.frame[i] !== b.frame[i]) pixelsDiffering++;
    assert.ok(pixelsDiffering > 1000, `${name}: frames differ on ${pixelsDiffering} px only`);
    // Coulomb sliding does not depend on the shape: a box, and a can or cylinder lying on a side face of
    // its 16-sided hull, slide without turning (they used to rock, cylinders on an edge of their hull,
    // cans on narrow faces of an irregular one: the per-step acceleration jitter of the incline issue).
    for (const [run, what] of [[a, geom.name], [b, name]] as const) {
      const rotation = Math.max(...run.quats.map((q, i) => Math.abs(q - run.quats[i % 4]!)));
      assert.ok(rotation < 1e-3, `${what}: the orientation changed by ${rotation} while sliding`);
    }
  });
});

test('the OBJ loader: quads become triangles, negative indices, materials, Kd colours, textures, flipped v', () => {
  const loaded = loadObj(join(cubeDir(), 'cube.obj'));
  const { mesh } = loaded;
  assert.equal(mesh.indices.length / 3, 12);
  assert.deepEqual(mesh.groups.map((g) => [g.start, g.count]), [[0, 10], [10, 2]]);
  assert.deepEqual(mesh.groups[0]!.material.color, [0.2, 0.4, 0.6]);
  assert.equal(mesh.groups[0]!.material.texture, undefined);
  const texture = mesh.groups[1]!.material.texture!;
  assert.deepEqual([texture.levels[0]!.width, texture.levels[0]!.height], [2, 2]);
  assert.deepEqual([...texture.levels[0]!.data.subarray(0, 3)], [255, 0, 0]);
  // The label face's first corner has vt (0, 0): image v = 1 (bottom row); its normal is the given vn.
  const first = mesh.indices[30]!;
  assert.deepEqual([mesh.uvs![2 * first], mesh.uvs![2 * first + 1]], [0, 1]);
  assert.deepEqual([...mesh.normals.subarray(3 * first, 3 * first + 3)], [0, 0, 1]);
  // Faces without vn get the angle-weighted normal of the faces around the vertex (a cube corner: -(1, 1, 1)/sqrt 3).
  const corner = mesh.indices[0]!;
  const n = [...mesh.normals.subarray(3 * corner, 3 * corner + 3)];
  n.forEach((c) => assert.ok(Math.abs(c + 1 / Math.sqrt(3)) < 1e-6, `averaged normal ${n}`));
  assert.equal(findObjFile(join(loaded.objPath, '..')), loaded.objPath);
});

test('a user mesh directory drives MeshOnIncline through meshDir (and passes checkEnv)', () => {
  const dir = cubeDir();
  const env = make('MeshOnIncline-v0', { meshDir: dir, objectScale: 0.2, renderMode: 'rgb_array' });
  const { info } = env.reset({ seed: 0 });
  assert.match(info['object'] as string, /cube\.obj$/);
  const inner = env.unwrapped as InclineEnv;
  assert.ok(Math.abs(inner.object.volume - 0.2 ** 3) < 1e-9, 'a 0.2 m cube');
  assert.deepEqual(checkEnv(make('MeshOnIncline-v0', { meshDir: dir, objectScale: 0.2, renderMode: 'rgb_array' }), { steps: 10 }), []);
});

/** The MeshLoadError message of loading `dir`, or fail. */
function loadError(dir: string): string {
  try {
    loadMeshDirectory(dir);
  } catch (error) {
    assert.ok(error instanceof MeshLoadError, `expected a MeshLoadError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`loading ${dir} succeeded`);
}

test('missing or malformed files give an error naming the file and the line or field at fault', () => {
  const bad = (edit: Partial<Record<'obj' | 'mtl', string>>, withTexture = true): string => loadError(cubeDir(edit, withTexture));
  assert.match(loadError('/nonexistent/ycb/004_sugar_box'), /mesh directory \/nonexistent\/ycb\/004_sugar_box does not exist/);
  assert.match(loadError(mkdtempSync(join(tmpdir(), 'latentgym-empty-'))), /holds no \.obj file \(expected textured\.obj\)/);
  assert.match(bad({ obj: CUBE_OBJ.replace('v 0.5 -0.5 -0.5', 'v 0.5 oops -0.5') }), /cube\.obj:4: 'v' needs 3 finite numbers x y z, got '0\.5 oops -0\.5'/);
  assert.match(bad({ obj: CUBE_OBJ.replace('f 1 4 3 2', 'f 1 4 9 2') }), /cube\.obj:17: vertex index 9 is out of range \(8 vertices defined so far\)/);
  assert.match(bad({ obj: CUBE_OBJ.replace('f 1 2 6 5', 'f 1 2') }), /cube\.obj:18: a face needs at least 3 corners, got 2/);
  assert.match(bad({ obj: CUBE_OBJ.replace('f -4/-4/-1', 'f -4/-9/-1') }), /cube\.obj:23: texture coordinate index -9 is out of range/);
  assert.match(bad({ obj: CUBE_OBJ.replace('mtllib cube.mtl', 'mtllib missing.mtl') }), /missing\.mtl: file not found \(named at .*cube\.obj:2\)/);
  assert.match(bad({ obj: CUBE_OBJ.replace('usemtl label', 'usemtl sticker') }), /cube\.obj:22: usemtl 'sticker' is not defined in cube\.mtl/);
  assert.match(bad({ mtl: CUBE_MTL.replace('Kd 0.2 0.4 0.6', 'Kd 0.2 blue') }), /cube\.mtl:2: field Kd needs 3 non-negative numbers r g b, got '0\.2 blue'/);
  assert.match(bad({ mtl: `Kd 1 1 1\n${CUBE_MTL}` }), /cube\.mtl:1: 'Kd' before any 'newmtl'/);
  assert.match(bad({ mtl: CUBE_MTL.replace('map_Kd -s 1 1 1 label.png', 'map_Kd -zz label.png') }), /cube\.mtl:5: field map_Kd has unknown option '-zz'/);
  assert.match(bad({}, false), /cube\.mtl:5: field map_Kd names 'label\.png', but .*label\.png does not exist/);
  const garbage = cubeDir();
  writeFileSync(join(garbage, 'label.png'), 'not a png');
  assert.match(loadError(garbage), /label\.png: not a decodable PNG or JPEG image \(the texture named at .*cube\.mtl:5\)/);
  assert.match(bad({ obj: 'v 0 0 0\n' }), /cube\.obj: no faces \('f' lines\) found/);
  const two = cubeDir();
  writeFileSync(join(two, 'other.obj'), CUBE_OBJ);
  assert.match(loadError(two), /holds several \.obj files \(cube\.obj, other\.obj\) and no textured\.obj/);
});

test('a mesh with no volume is refused with a clear message', () => {
  const flat = cubeDir({ obj: 'v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3 4\n', mtl: '' });
  assert.throws(() => make('MeshOnIncline-v0', { meshDir: flat }), (error: unknown) => {
    assert.ok(error instanceof MeshLoadError);
    assert.match(error.message, /cube\.obj: mesh refused: all vertices lie on one plane .* so the mesh has no volume/);
    return true;
  });
  const line = cubeDir({ obj: 'v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\n', mtl: '' });
  assert.throws(() => make('MeshOnIncline-v0', { meshDir: line }), /all vertices lie on one line/);
});

test('parseObj and the hull: a unit cube has volume 1, centroid at its centre, inertia 1/6 per kg', () => {
  const parsed = parseObj(CUBE_OBJ, 'cube.obj');
  const props = solidProperties(convexHull(parsed.positions));
  assert.ok(Math.abs(props.volume - 1) < 1e-12);
  props.centroid.forEach((c) => assert.ok(Math.abs(c) < 1e-12));
  [0, 4, 8].forEach((i) => assert.ok(Math.abs(props.unitInertia[i]! - 1 / 6) < 1e-12));
  [1, 2, 3, 5, 6, 7].forEach((i) => assert.ok(Math.abs(props.unitInertia[i]!) < 1e-12));
});

test('checkEnv passes for every MeshOnIncline id', () => {
  for (const id of MESH_ON_INCLINE_IDS) {
    assert.deepEqual(checkEnv(make(id, { renderMode: 'rgb_array' }), { steps: 20 }), []);
  }
});

test('meshDir may also name the .obj file itself; a mesh directory is loaded once per scale', () => {
  const dir = cubeDir();
  mkdirSync(join(dir, 'sub'));
  const a = meshObjectModel(join(dir, 'cube.obj'), 0.1);
  assert.equal(meshObjectModel(join(dir, 'cube.obj'), 0.1), a, 'cached');
  assert.notEqual(meshObjectModel(join(dir, 'cube.obj'), 0.2), a);
});
