import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../envs/incline/index.js';
import { make } from '../envs/registration.js';
import { ndarray } from '../envs/core/ndarray.js';
import type { Env, Frame } from '../envs/core/env.js';
import type { Vec3 } from '../envs/core/math3d.js';
import { lookAtCamera, projectPoint } from '../envs/render/camera.js';
import type { Material, RenderMesh } from '../envs/render/mesh.js';
import { Rasterizer, clearFrame, createFrameBuffer } from '../envs/render/rasterizer3d.js';
import { createTexture } from '../envs/render/texture-sampling.js';
import { boxMesh } from '../envs/render/primitives3d.js';
import { readImageFile, writePngFile } from '../envs/render/image-io.js';
import { InclineEnv } from '../envs/incline/incline-env.js';
import { GEOM_SPECS } from '../envs/incline/shapes.js';

type AnyEnv = Env<unknown, unknown>;
const LIGHT = { direction: [0, 0, 1] as Vec3, ambient: 0.5, diffuse: 0.5 };
const BACKGROUND: Vec3 = [10, 20, 30];
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');

function pixel(data: Uint8Array, width: number, x: number, y: number): [number, number, number] {
  const o = 3 * (y * width + x);
  return [data[o]!, data[o + 1]!, data[o + 2]!];
}

/** A camera on +z looking down at the origin, image up = +y. */
function topCamera(height = 3, fov = 60) {
  return lookAtCamera([0, 0, height], [0, 0, 0], [0, 1, 0], fov);
}

function quad(corners: readonly Vec3[], material: Material, uvs?: number[]): RenderMesh {
  const n: Vec3 = [0, 0, 1];
  return {
    positions: Float32Array.from(corners.flat()),
    normals: Float32Array.from([...n, ...n, ...n, ...n]),
    uvs: uvs ? Float32Array.from(uvs) : undefined,
    indices: Uint32Array.from([0, 1, 2, 0, 2, 3]),
    groups: [{ start: 0, count: 2, material }],
  };
}

test('rasterizer: a box in front of the camera covers the centre, not the corners', () => {
  const frame = createFrameBuffer(32, 32);
  const r = new Rasterizer(topCamera(), LIGHT);
  clearFrame(frame, BACKGROUND);
  r.drawMesh(frame, boxMesh([0.5, 0.5, 0.5], { color: [1, 0, 0] }));
  assert.deepEqual(pixel(frame.color, 32, 16, 16), [255, 0, 0], 'lit top face: (ambient + diffuse) x red');
  assert.deepEqual(pixel(frame.color, 32, 0, 0), [...BACKGROUND]);
  // The box's top corners project where projectPoint says.
  const [x, y] = projectPoint(r.camera, 32, 32, [0.5, 0.5, 0.5]);
  assert.deepEqual(pixel(frame.color, 32, Math.floor(x) - 1, Math.floor(y) + 1), [255, 0, 0]);
  assert.deepEqual(pixel(frame.color, 32, Math.floor(x) + 1, Math.floor(y) - 1), [...BACKGROUND]);
});

test('rasterizer: the depth buffer keeps the nearest surface whatever the draw order', () => {
  const near = boxMesh([0.3, 0.3, 0.3], { color: [0, 1, 0] });
  const far = boxMesh([0.6, 0.6, 0.1], { color: [0, 0, 1] });
  for (const order of [[far, near], [near, far]]) {
    const frame = createFrameBuffer(24, 24);
    const r = new Rasterizer(topCamera(), LIGHT);
    clearFrame(frame, BACKGROUND);
    for (const mesh of order) r.drawMesh(frame, mesh);
    assert.deepEqual(pixel(frame.color, 24, 12, 12), [0, 255, 0]);
    const [x] = projectPoint(r.camera, 24, 24, [0.5, 0, 0.1]);
    assert.deepEqual(pixel(frame.color, 24, Math.floor(x), 12), [0, 0, 255], 'the far box shows around the near one');
  }
});

test('rasterizer: back faces are culled unless the mesh is double-sided', () => {
  const corners: Vec3[] = [[-1, -1, 0], [-1, 1, 0], [1, 1, 0], [1, -1, 0]]; // clockwise seen from +z
  for (const doubleSided of [false, true]) {
    const frame = createFrameBuffer(16, 16);
    const r = new Rasterizer(topCamera(), LIGHT);
    clearFrame(frame, BACKGROUND);
    r.drawMesh(frame, { ...quad(corners, { color: [1, 1, 1] }), doubleSided });
    assert.deepEqual(pixel(frame.color, 16, 8, 8), doubleSided ? [255, 255, 255] : [...BACKGROUND]);
  }
});

test('rasterizer: triangles crossing the near plane are clipped, and agree with the ground-plane renderer', () => {
  const camera = lookAtCamera([0, -2, 1], [0, 0, 0], [0, 0, 1], 90);
  const material: Material = { color: [0.2, 0.8, 0.4] };
  const size = 40;
  const mesh = quad([[-50, -50, 0], [50, -50, 0], [50, 50, 0], [-50, 50, 0]], material);
  const a = createFrameBuffer(size, size);
  const b = createFrameBuffer(size, size);
  const r = new Rasterizer(camera, LIGHT);
  clearFrame(a, BACKGROUND);
  r.drawMesh(a, mesh);
  clearFrame(b, BACKGROUND);
  r.drawGround(b, { height: 0, halfSize: 50, material, metresPerRepeat: 1 });
  let drawn = 0;
  let differ = 0;
  for (let i = 0; i < size * size * 3; i += 3) {
    if (a.color[i] !== BACKGROUND[0]) drawn++;
    if (a.color[i] !== b.color[i] || a.color[i + 1] !== b.color[i + 1]) differ++;
  }
  assert.ok(drawn > size * size * 0.4, `the floor (passing behind the camera) fills the lower image: ${drawn} px`);
  assert.ok(differ <= size, `mesh and ground renderers differ on ${differ} px`);
});

test('rasterizer: textures are perspective-correct', () => {
  // A 2-texel texture (left half red, right half blue) on a quad seen at a grazing angle: the colour
  // boundary must sit where the quad's 3-D midline projects, not at the screen-space middle.
  const texture = createTexture(2, 1, Uint8Array.from([255, 0, 0, 0, 0, 255]));
  const mesh = quad([[-1, 0, 0], [1, 0, 0], [1, 4, 0], [-1, 4, 0]], { color: [1, 1, 1], texture }, [0, 0, 0, 1, 1, 1, 1, 0]);
  // u runs along y here (0 at y = 0, 1 at y = 4): the boundary is the line y = 2.
  const uvMesh = { ...mesh, uvs: Float32Array.from([0, 0.5, 0, 0.5, 1, 0.5, 1, 0.5]) };
  const camera = lookAtCamera([0, -1, 1], [0, 2, 0], [0, 0, 1], 70);
  const size = 64;
  const frame = createFrameBuffer(size, size);
  const r = new Rasterizer(camera, LIGHT);
  clearFrame(frame, BACKGROUND);
  r.drawMesh(frame, uvMesh);
  const [, yMid] = projectPoint(camera, size, size, [0, 2, 0]);
  const [, yNear] = projectPoint(camera, size, size, [0, 0.2, 0]);
  const [, yFar] = projectPoint(camera, size, size, [0, 3.8, 0]);
  const screenMiddle = (yNear + yFar) / 2;
  assert.ok(Math.abs(yMid - screenMiddle) > 4, 'the test needs a strong perspective');
  const below = pixel(frame.color, size, size / 2, Math.floor(yMid) + 2);
  const above = pixel(frame.color, size, size / 2, Math.floor(yMid) - 2);
  assert.ok(below[0] > 200 && below[2] < 50, `near side red, got ${below}`);
  assert.ok(above[2] > 200 && above[0] < 50, `far side blue, got ${above}`);
});

test('rasterizer: a distant fine texture is minified through its mip chain (no aliasing)', () => {
  const n = 64;
  const rgb = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) rgb.fill((x + y) % 2 === 0 ? 255 : 0, 3 * (y * n + x), 3 * (y * n + x) + 3);
  const texture = createTexture(n, n, rgb);
  assert.equal(texture.levels.length, 7);
  assert.deepEqual([...texture.levels[1]!.data.subarray(0, 3)], [128, 128, 128]);
  const mesh = quad([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], { color: [1, 1, 1], texture }, [0, 1, 1, 1, 1, 0, 0, 0]);
  const frame = createFrameBuffer(16, 16);
  const r = new Rasterizer(topCamera(3, 60), { direction: [0, 0, 1], ambient: 1, diffuse: 0 });
  clearFrame(frame, BACKGROUND);
  r.drawMesh(frame, mesh);
  const centre = pixel(frame.color, 16, 8, 8);
  assert.ok(centre.every((c) => c > 100 && c < 160), `grey expected, got ${centre}`);
});

/** Whether an RGB pixel is a shade (x 0.35 .. 1.1) of colour `c` (components 0..1). */
function isShadeOf(p: readonly number[], c: Vec3): boolean {
  const cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
  const k = (p[0]! * c[0] + p[1]! * c[1] + p[2]! * c[2]) / (255 * cc);
  if (k < 0.35 || k > 1.1) return false;
  return c.every((ci, i) => Math.abs(p[i]! - k * 255 * ci) < 20);
}

/** Pixels of `frame` that are shades of `c`: count and centroid (x, y). */
function colourBlob(frame: Frame, c: Vec3): { count: number; x: number; y: number } {
  const [h, w] = frame.shape as [number, number];
  let count = 0, sx = 0, sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (isShadeOf(pixel(frame.data, w, x, y), c)) {
        count++;
        sx += x + 0.5;
        sy += y + 0.5;
      }
    }
  }
  return { count, x: sx / count, y: sy / count };
}

test('the object is visible: pixels of its colour are present (every Geom shape)', () => {
  GEOM_SPECS.forEach((spec, v) => {
    const env: AnyEnv = make(`GeomOnIncline-v${v}`, { renderMode: 'rgb_array', randomizeScene: false, observation: 'state' });
    env.reset({ seed: 0, options: { start: 0.4 } });
    const blob = colourBlob(env.render()!, spec.color);
    assert.ok(blob.count >= 15, `${spec.name}: only ${blob.count} pixels of its colour`);
  });
});

test("the object's image position tracks its physical position as it slides", () => {
  for (const cameraDistance of [0.8, 2.2]) {
    const env: AnyEnv = make('GeomOnIncline-v2', { renderMode: 'rgb_array', randomizeScene: false, observation: 'state', cameraDistance, maxEpisodeSteps: null });
    const inner = env.unwrapped as InclineEnv;
    env.reset({ seed: 0, options: { angle: 0.45, friction: 0.05, start: cameraDistance > 1 ? 0.1 : 0.3 } });
    let previous: { x: number; y: number } | undefined;
    let tracked = 0;
    for (let t = 0; t < 60; t++) {
      const r = env.step(ndarray([0]));
      if (r.terminated) break;
      const frame = env.render()!;
      const blob = colourBlob(frame, GEOM_SPECS[2]!.color);
      const [px, py, depth] = projectPoint(inner.camera(), 64, 64, inner.state().worldPosition);
      if (blob.count < 12 || depth <= 0 || px < 4 || px > 60 || py < 4 || py > 60) continue; // (partly) out of view
      tracked++;
      assert.ok(Math.hypot(blob.x - px, blob.y - py) < 3, `distance ${cameraDistance} step ${t}: blob at (${blob.x.toFixed(1)}, ${blob.y.toFixed(1)}), centre of mass projects to (${px.toFixed(1)}, ${py.toFixed(1)})`);
      if (previous) assert.ok(blob.x > previous.x - 0.5, 'sliding down moves the object right in the image');
      previous = blob;
    }
    assert.ok(tracked >= 8, `tracked the object in only ${tracked} frames`);
  }
});

test('frames are deterministic for a seed', () => {
  for (const id of ['GeomOnIncline-v4', 'MeshOnIncline-v3']) {
    const frames = (): Uint8Array[] => {
      const env: AnyEnv = make(id, { renderMode: 'rgb_array' });
      env.reset({ seed: 9 });
      env.actionSpace.seed(9);
      const out = [env.render()!.data];
      for (let t = 0; t < 10; t++) {
        const r = env.step(env.actionSpace.sample());
        out.push(env.render()!.data, (r.observation as Frame).data);
      }
      return out;
    };
    assert.deepEqual(frames(), frames());
  }
});

test('render options: any frame size; render() returns a fresh copy; the pixel observation is the frame', () => {
  const env: AnyEnv = make('MeshOnIncline-v5', { renderMode: 'rgb_array', renderWidth: 96, renderHeight: 48 });
  const { observation } = env.reset({ seed: 2 });
  const frame = env.render()!;
  assert.deepEqual(frame.shape, [48, 96, 3]);
  assert.deepEqual((observation as Frame).shape, [48, 96, 3]);
  assert.deepEqual((observation as Frame).data, frame.data);
  frame.data.fill(0);
  assert.notDeepEqual(env.render()!.data, frame.data);
});

test('incline and floor looks are drawn per reset when randomizeScene, fixed otherwise', () => {
  const looks = (randomizeScene: boolean): Set<number> => {
    const env: AnyEnv = make('MeshOnIncline-v1', { observation: 'state', randomizeScene });
    const seen = new Set<number>();
    for (let seed = 0; seed < 12; seed++) seen.add(env.reset({ seed }).info['sceneVariant'] as number);
    return seen;
  };
  assert.ok(looks(true).size >= 4);
  assert.deepEqual([...looks(false)], [1]);
});

/**
 * Reference frames. A frame matches when at most 1% of its pixels differ from the stored PNG by more
 * than 40 in some channel and the mean absolute difference is under 3 (so small floating-point
 * differences between machines pass, a changed scene does not). UPDATE_FIXTURES=1 rewrites them.
 */
const REFERENCE_CASES = [
  { file: 'geom-on-incline-v0-seed7.png', id: 'GeomOnIncline-v0', seed: 7, steps: 6 },
  { file: 'mesh-on-incline-v0-seed7.png', id: 'MeshOnIncline-v0', seed: 7, steps: 6 },
  { file: 'mesh-on-incline-v6-seed3-wide.png', id: 'MeshOnIncline-v6', seed: 3, steps: 10, options: { cameraDistance: 2.2, renderWidth: 96, renderHeight: 72 } },
];

test('fixed-seed frames match the reference PNGs in test/fixtures (per-pixel tolerance)', () => {
  for (const c of REFERENCE_CASES) {
    const env: AnyEnv = make(c.id, { renderMode: 'rgb_array', ...(c.options ?? {}) });
    env.reset({ seed: c.seed, options: { start: 0.35 } });
    for (let t = 0; t < c.steps; t++) env.step(ndarray([0.5]));
    const frame = env.render()!;
    const path = join(FIXTURES, c.file);
    if (process.env['UPDATE_FIXTURES'] === '1' || !existsSync(path)) {
      assert.ok(process.env['UPDATE_FIXTURES'] === '1', `missing reference ${path}; run with UPDATE_FIXTURES=1 to create it`);
      mkdirSync(FIXTURES, { recursive: true });
      writePngFile(path, frame);
      continue;
    }
    const reference = readImageFile(path);
    const [h, w] = frame.shape as [number, number];
    assert.deepEqual([reference.height, reference.width], [h, w], `${c.file}: size`);
    let far = 0;
    let total = 0;
    for (let i = 0; i < frame.data.length; i += 3) {
      let worst = 0;
      for (let k = 0; k < 3; k++) {
        const d = Math.abs(frame.data[i + k]! - reference.rgb[i + k]!);
        total += d;
        worst = Math.max(worst, d);
      }
      if (worst > 40) far++;
    }
    const mean = total / frame.data.length;
    assert.ok(far <= 0.01 * w * h && mean < 3, `${c.file}: ${far} pixels differ by > 40, mean difference ${mean.toFixed(2)}`);
  }
});
