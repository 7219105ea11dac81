import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLANAR_OBSTACLES, PlanarEnv, isFreePosition, planarObservation } from '../envs/classic/planar.js';
import '../envs/classic/index.js';
import { make } from '../envs/registration.js';
import type { StepResult } from '../envs/core/env.js';
import { type NDArray, ndarray } from '../envs/core/ndarray.js';
import { InvalidActionError, InvalidOptionError, ResetNeededError } from '../envs/core/errors.js';

type Obs = NDArray<'uint8'> | NDArray<'float32'>;
const move = (dx: number, dy: number): NDArray<'float32'> => ndarray([dx, dy], 'float32');
const distanceToGoal = (x: number, y: number, gx = 37, gy = 37) => Math.sqrt((x - gx) ** 2 + (y - gy) ** 2);

function envAt(x: number, y: number, options = {}): PlanarEnv {
  const env = new PlanarEnv(options);
  env.reset({ seed: 0, options: { start: [x, y] } });
  return env;
}

function pixels(obs: Obs): Uint8Array {
  assert.equal(obs.dtype, 'uint8');
  assert.deepEqual(obs.shape, [40, 40]);
  return obs.data as Uint8Array;
}

test('a free move applies exactly; reward is -distance/40 after the move', () => {
  const env = envAt(5, 5);
  const r = env.step(move(1.5, -0.25));
  assert.deepEqual(env.state, [6.5, 4.75]);
  assert.equal(r.info['refused'], false);
  const d = distanceToGoal(6.5, 4.75);
  assert.equal(r.info['distance'], d);
  assert.equal(r.reward, -d / 40);
  assert.equal(r.terminated, false);
  assert.equal(r.truncated, false);
});

test('a move into an obstacle is refused: state unchanged, info.refused', () => {
  // Obstacle at (10.5, 20.5), radius 2.5: the square (half-width 1.5) at x = 15 clears it, at x = 14 overlaps.
  assert.equal(isFreePosition(15, 20.5), true);
  assert.equal(isFreePosition(14, 20.5), false);
  const env = envAt(15, 20.5);
  const before = pixels(env.reset({ options: { start: [15, 20.5] } }).observation);
  const r = env.step(move(-1, 0));
  assert.deepEqual(env.state, [15, 20.5]);
  assert.equal(r.info['refused'], true);
  assert.deepEqual(pixels(r.observation), before);
  assert.equal(r.reward, -distanceToGoal(15, 20.5) / 40);
  // Diagonal approach towards the corner of the square is judged by the true distance.
  const corner = envAt(15, 24);
  assert.equal(corner.step(move(-0.5, 0)).info['refused'], false);
  for (const [ox, oy] of PLANAR_OBSTACLES) assert.equal(isFreePosition(ox, oy), false);
});

test('a move past the border (closer than 3 px) is refused; exactly 3 px is allowed', () => {
  const env = envAt(4, 4);
  let r = env.step(move(-2, 0));
  assert.equal(r.info['refused'], true);
  assert.deepEqual(env.state, [4, 4]);
  r = env.step(move(-1, -1));
  assert.equal(r.info['refused'], false);
  assert.deepEqual(env.state, [3, 3]);
  const far = envAt(36, 20);
  assert.equal(far.step(move(1.5, 0)).info['refused'], true);
  assert.equal(far.step(move(1, 0)).info['refused'], false);
  assert.deepEqual(far.state, [37, 20]);
});

test('reaching the goal (distance < threshold) terminates', () => {
  const env = envAt(33, 33);
  let r = env.step(move(1.5, 1.5));
  assert.equal(r.terminated, false); // distance 2.5 * sqrt 2
  r = env.step(move(1.5, 1.5));
  assert.equal(r.terminated, true);
  assert.deepEqual(env.state, [36, 36]);
  assert.equal(r.reward, -Math.SQRT2 / 40);
  // A different goal and threshold.
  const custom = envAt(25, 5, { goalX: 35, goalY: 5, threshold: 4 });
  assert.equal(custom.step(move(3, 0)).terminated, false); // distance 7
  assert.equal(custom.step(move(3, 0)).terminated, false); // distance 4: not < 4
  assert.equal(custom.step(move(0.5, 0)).terminated, true); // distance 3.5
});

test('observation pixels: white agent square, grey obstacles, black background, no goal', () => {
  const env = envAt(5.5, 5.5);
  const obs = pixels(env.reset({ options: { start: [5.5, 5.5] } }).observation);
  const at = (x: number, y: number) => obs[y * 40 + x]!;
  for (let y = 4; y <= 6; y++) for (let x = 4; x <= 6; x++) assert.equal(at(x, y), 255, `agent pixel (${x}, ${y})`);
  for (const [x, y] of [[3, 5], [7, 5], [5, 3], [5, 7], [3, 3], [7, 7]] as const) assert.equal(at(x, y), 0, `outside the agent (${x}, ${y})`);
  for (const [ox, oy] of PLANAR_OBSTACLES) {
    assert.equal(at(Math.floor(ox), Math.floor(oy)), 128, `obstacle centre (${ox}, ${oy})`);
    assert.equal(at(Math.floor(ox) + 1, Math.floor(oy)), 128);
    assert.equal(at(Math.floor(ox) + 4, Math.floor(oy)), 0, 'obstacle radius is 2.5 px');
  }
  assert.equal(at(36, 36), 0, 'the goal is not drawn');
  assert.equal(at(0, 0), 0);
  // The square follows the agent.
  const r = env.step(move(2, 1));
  const next = pixels(r.observation);
  assert.equal(next[(6 + 1) * 40 + 6 + 2], 255);
  assert.equal(next[4 * 40 + 4], 0);
  assert.deepEqual(next, planarObservation(7.5, 6.5));
  assert.ok(env.observationSpace.contains(r.observation));
});

test('out-of-bounds, non-finite and wrong-shape actions are InvalidActionError (never clipped)', () => {
  const env = envAt(10, 10);
  assert.throws(() => env.step(move(3.5, 0)), InvalidActionError);
  assert.throws(() => env.step(move(0, -3.01)), InvalidActionError);
  assert.throws(() => env.step(move(Number.NaN, 0)), InvalidActionError);
  assert.throws(() => env.step(ndarray([1], 'float32')), InvalidActionError);
  assert.throws(() => env.step([1, 1] as unknown as NDArray<'float32'>), InvalidActionError);
  assert.deepEqual(env.state, [10, 10]);
  assert.doesNotThrow(() => env.step(move(3, -3)));
  assert.throws(() => new PlanarEnv().step(move(0, 0)), ResetNeededError);
});

test("observation 'state' is float32 [x, y, goalX, goalY]", () => {
  const env = new PlanarEnv({ observation: 'state', goalX: 30, goalY: 8 });
  const { observation, info } = env.reset({ seed: 1 });
  const [x, y] = env.state;
  assert.equal(observation.dtype, 'float32');
  assert.deepEqual(observation.shape, [4]);
  assert.deepEqual(Array.from(observation.data), [Math.fround(x), Math.fround(y), 30, 8]);
  assert.equal(info['distance'], distanceToGoal(x, y, 30, 8));
  assert.ok(env.observationSpace.contains(observation));
  const r = env.step(move(1, 0.5));
  assert.deepEqual(Array.from(r.observation.data), [Math.fround(x + 1), Math.fround(y + 0.5), 30, 8]);
  // The goal reset option shows up in the state observation.
  const again = env.reset({ options: { goal: [20.5, 20.5] } });
  assert.deepEqual(Array.from(again.observation.data).slice(2), [20.5, 20.5]);
  assert.deepEqual(env.goal, [20.5, 20.5]);
  env.reset();
  assert.deepEqual(env.goal, [30, 8], 'the goal option lasts one episode');
});

test('reset: start uniform in [3, 7]^2; start and goal options are validated', () => {
  const env = new PlanarEnv();
  env.reset({ seed: 3 });
  const xs: number[] = [];
  for (let i = 0; i < 500; i++) {
    env.reset();
    const [x, y] = env.state;
    assert.ok(x >= 3 && x <= 7 && y >= 3 && y <= 7, `start (${x}, ${y})`);
    xs.push(x);
  }
  assert.ok(Math.min(...xs) < 3.2 && Math.max(...xs) > 6.8);
  const bad = (options: Record<string, unknown>, name: string) =>
    assert.throws(() => env.reset({ options }), (e: unknown) => e instanceof InvalidOptionError && e.message.includes(name), JSON.stringify(options));
  bad({ start: [1, 1] }, "'start'");
  bad({ start: [10.5, 20.5] }, "'start'"); // inside an obstacle
  bad({ start: [20, 6] }, "'start'");
  bad({ start: [5] }, "'start'");
  bad({ start: ['5', 5] }, "'start'");
  bad({ start: [Number.NaN, 5] }, "'start'");
  bad({ goal: [39, 39] }, "'goal'");
  bad({ begin: [5, 5] }, 'begin');
  env.reset({ options: { start: [20.5, 20.5] } });
  assert.deepEqual(env.state, [20.5, 20.5]);
});

function episode(seed: number): { obs: Uint8Array[]; rewards: number[]; starts: readonly number[] } {
  const env = new PlanarEnv();
  const first = env.reset({ seed });
  const starts = env.state;
  const obs = [pixels(first.observation)];
  const rewards: number[] = [];
  for (let i = 0; i < 30; i++) {
    const r = env.step(move(Math.sin(i) * 2.5, Math.cos(i * 1.3) * 2.5 + 0.5));
    obs.push(pixels(r.observation));
    rewards.push(r.reward);
  }
  return { obs, rewards, starts };
}

test('seeded determinism: same seed, same episode; different seeds differ', () => {
  const a = episode(5);
  const b = episode(5);
  assert.deepEqual(a, b);
  const c = episode(6);
  assert.notDeepEqual(a.starts, c.starts);
  assert.notDeepEqual(a.rewards, c.rewards);
});

test("make('Planar-v0'): 100-step limit, options validated by name", () => {
  const env = make<Obs, NDArray<'float32'>>('Planar-v0');
  env.reset({ seed: 0 });
  let last: StepResult<Obs> | undefined;
  for (let i = 1; i <= 100; i++) {
    last = env.step(move(i % 2 === 0 ? 0.5 : -0.5, 0));
    assert.equal(last.truncated, i === 100);
    assert.equal(last.terminated, false);
  }
  const fails = (options: Record<string, unknown>, name: string) =>
    assert.throws(() => make('Planar-v0', options), (e: unknown) => e instanceof InvalidOptionError && e.message.includes(name), JSON.stringify(options));
  fails({ goal: [5, 5] }, 'goal');
  fails({ goalX: 50 }, 'goalX');
  fails({ goalX: 10.5, goalY: 20.5 }, 'goalX');
  fails({ threshold: 0 }, 'threshold');
  fails({ threshold: '2' }, 'threshold');
  fails({ observation: 'rgb' }, 'observation');
  fails({ renderWidth: 3 }, 'renderWidth');
});

test("renderMode 'rgb_array': scaled RGB scene with the goal as a green disc", () => {
  const env = new PlanarEnv({ renderMode: 'rgb_array' });
  env.reset({ seed: 0, options: { start: [5.5, 5.5] } });
  const frame = env.render()!;
  assert.deepEqual(frame.shape, [64, 64, 3]);
  const px = (x: number, y: number) => Array.from(frame.data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
  const s = 64 / 40;
  assert.deepEqual(px(Math.floor(37 * s), Math.floor(37 * s)), [0, 200, 0], 'goal');
  assert.deepEqual(px(Math.floor(5.5 * s), Math.floor(5.5 * s)), [255, 255, 255], 'agent');
  assert.deepEqual(px(Math.floor(20.5 * s), Math.floor(12.5 * s)), [128, 128, 128], 'obstacle');
  assert.deepEqual(px(0, 0), [0, 0, 0]);
  const wide = new PlanarEnv({ renderMode: 'rgb_array', renderWidth: 100, renderHeight: 80 });
  wide.reset({ seed: 0 });
  assert.deepEqual(wide.render()!.shape, [80, 100, 3]);
  assert.equal(new PlanarEnv().render(), undefined);
});
