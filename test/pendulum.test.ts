import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  E2C_FRAME_SIZE, PendulumEnv, angleNormalize, e2cFramesFor, pendulumStep, renderPendulumFrame,
} from '../envs/classic/pendulum.js';
import { sampleE2CTransition } from '../models/data/pendulum-e2c.js';
import '../envs/classic/index.js';
import { make } from '../envs/registration.js';
import { type Frame, type StepResult } from '../envs/core/env.js';
import { type NDArray, ndarray } from '../envs/core/ndarray.js';
import { InvalidActionError, InvalidOptionError, ResetNeededError } from '../envs/core/errors.js';
import { Rng } from '../envs/core/rng.js';

/** Gymnasium's Pendulum-v1 step, written out independently from the formulas (g, m = l = 1, dt = 0.05). */
function gymStep(th: number, thdot: number, u: number, g = 10): { th: number; thdot: number; reward: number } {
  const uc = Math.min(Math.max(u, -2), 2);
  const twoPi = 2 * Math.PI;
  const norm = ((((th + Math.PI) % twoPi) + twoPi) % twoPi) - Math.PI;
  const cost = norm ** 2 + 0.1 * thdot ** 2 + 0.001 * uc ** 2;
  let newThdot = thdot + ((3 * g) / 2 * Math.sin(th) + 3 * uc) * 0.05;
  newThdot = Math.min(Math.max(newThdot, -8), 8);
  return { th: th + newThdot * 0.05, thdot: newThdot, reward: -cost };
}

const act = (u: number): NDArray<'float32'> => ndarray([u], 'float32');

function stateObs(result: { observation: unknown }): Float32Array {
  const obs = result.observation as NDArray<'float32'>;
  assert.equal(obs.dtype, 'float32');
  assert.deepEqual(obs.shape, [3]);
  return obs.data;
}

function envAt(th: number, thdot: number, options = {}): PendulumEnv {
  const env = new PendulumEnv(options);
  env.reset({ seed: 0 });
  env.state = [th, thdot];
  return env;
}

test('dynamics match the Gymnasium formulas on several states', () => {
  const cases: [number, number, number][] = [
    [0, 0, 0],
    [0.3, -0.5, 1],
    [-2.1, 3.2, -1.7],
    [Math.PI, 0.25, 0.5],
    [1, 7.9, 2], // speed clips at +8: 7.9 + (15 sin 1 + 6) 0.05 > 8
    [-Math.PI / 2, -7.5, -2], // speed clips at -8
    [0.7, 1, 5], // torque clips at +2
    [0.7, 1, -9.5], // torque clips at -2
    [(3 * Math.PI) / 2, 0, 0], // angle wraps to -pi/2
    [12.5, -4, 0.1],
  ];
  for (const [th, thdot, u] of cases) {
    const env = envAt(th, thdot);
    const r = env.step(act(u));
    const uf = Math.fround(u);
    const expected = gymStep(th, thdot, uf);
    assert.ok(Math.abs(r.reward - expected.reward) < 1e-12, `reward at ${[th, thdot, u]}: ${r.reward} vs ${expected.reward}`);
    const [th2, thdot2] = env.state;
    assert.equal(thdot2, expected.thdot, `thdot at ${[th, thdot, u]}`);
    assert.equal(th2, expected.th, `th at ${[th, thdot, u]}`);
    assert.deepEqual(Array.from(stateObs(r)), [Math.fround(Math.cos(th2)), Math.fround(Math.sin(th2)), Math.fround(thdot2)]);
    assert.equal(r.terminated, false);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.info, {});
  }
});

test('hand-computed values: clipping and the angle wrap', () => {
  // th = pi/2, thdot = 7.9, u = 2: 7.9 + (15 + 6) * 0.05 = 8.95 -> clipped to 8.
  let env = envAt(Math.PI / 2, 7.9);
  let r = env.step(act(2));
  assert.equal(env.state[1], 8);
  assert.equal(env.state[0], Math.PI / 2 + 8 * 0.05);
  assert.ok(Math.abs(r.reward - -((Math.PI / 2) ** 2 + 0.1 * 7.9 ** 2 + 0.001 * 4)) < 1e-12);
  // Torque 10 is clipped to 2: same next state and the cost uses u = 2.
  env = envAt(0, 0);
  r = env.step(act(10));
  assert.equal(env.state[1], 3 * 2 * 0.05);
  assert.ok(Math.abs(r.reward - -0.004) < 1e-15);
  env = envAt(0, 0);
  r = env.step(act(-10));
  assert.equal(env.state[1], -3 * 2 * 0.05);
  assert.ok(Math.abs(r.reward - -0.004) < 1e-15);
  // th = 3 pi / 2 costs like -pi/2: (pi/2)^2.
  env = envAt((3 * Math.PI) / 2, 0);
  r = env.step(act(0));
  assert.ok(Math.abs(r.reward - -((Math.PI / 2) ** 2)) < 1e-12);
  // th = -3.5 pi (== pi/2 mod 2 pi) also costs (pi/2)^2.
  env = envAt(-3.5 * Math.PI, 0);
  r = env.step(act(0));
  assert.ok(Math.abs(r.reward - -((Math.PI / 2) ** 2)) < 1e-12);
});

test('angleNormalize wraps into [-pi, pi) with a Python-style modulo', () => {
  assert.ok(Math.abs(angleNormalize((3 * Math.PI) / 2) - -Math.PI / 2) < 1e-12);
  assert.ok(Math.abs(angleNormalize(-(3 * Math.PI) / 2) - Math.PI / 2) < 1e-12);
  assert.equal(angleNormalize(Math.PI), -Math.PI);
  assert.equal(angleNormalize(0), 0);
  assert.ok(Math.abs(angleNormalize(7) - (7 - 2 * Math.PI)) < 1e-12);
  assert.ok(Math.abs(angleNormalize(-7) - (-7 + 2 * Math.PI)) < 1e-12);
  for (let x = -20; x <= 20; x += 0.37) {
    const a = angleNormalize(x);
    assert.ok(a >= -Math.PI && a < Math.PI, `angleNormalize(${x}) = ${a}`);
  }
});

test('reward is computed from the pre-step state', () => {
  const env = envAt(0.5, 2);
  const r = env.step(act(1));
  const preCost = 0.5 ** 2 + 0.1 * 4 + 0.001;
  assert.ok(Math.abs(r.reward + preCost) < 1e-12);
  const [th, thdot] = env.state;
  const postCost = th ** 2 + 0.1 * thdot ** 2 + 0.001;
  assert.ok(Math.abs(r.reward + postCost) > 1e-3);
});

test('observation layout and spaces', () => {
  const env = new PendulumEnv();
  const { observation, info } = env.reset({ seed: 3 });
  assert.deepEqual(info, {});
  const [th, thdot] = env.state;
  assert.deepEqual(Array.from(stateObs({ observation })), [Math.fround(Math.cos(th)), Math.fround(Math.sin(th)), Math.fround(thdot)]);
  assert.ok(env.observationSpace.contains(observation));
  assert.equal(env.observationSpace.toString(), 'Box([-1, -1, -8], [1, 1, 8], [3], float32)');
  assert.equal(env.actionSpace.toString(), 'Box(-2, 2, [1], float32)');
});

test('reset distribution: th ~ U[-pi, pi], thdot ~ U[-1, 1]; xInit / yInit override the bounds', () => {
  const env = new PendulumEnv();
  env.reset({ seed: 11 });
  const ths: number[] = [];
  const thdots: number[] = [];
  for (let i = 0; i < 2000; i++) {
    env.reset();
    const [th, thdot] = env.state;
    ths.push(th);
    thdots.push(thdot);
  }
  assert.ok(ths.every((x) => x >= -Math.PI && x <= Math.PI));
  assert.ok(thdots.every((x) => x >= -1 && x <= 1));
  assert.ok(Math.min(...ths) < -3 && Math.max(...ths) > 3, 'th covers [-pi, pi]');
  assert.ok(Math.min(...thdots) < -0.95 && Math.max(...thdots) > 0.95, 'thdot covers [-1, 1]');
  const mean = ths.reduce((a, b) => a + b, 0) / ths.length;
  assert.ok(Math.abs(mean) < 0.15, `mean th ${mean}`);

  for (let i = 0; i < 200; i++) {
    env.reset({ options: { xInit: 0.1, yInit: 0.5 } });
    const [th, thdot] = env.state;
    assert.ok(Math.abs(th) <= 0.1 && Math.abs(thdot) <= 0.5);
  }
  env.reset({ options: { xInit: 0, yInit: 0 } });
  assert.deepEqual(env.state, [0, 0]);
  // Only xInit given: thdot keeps its default bound 1.
  env.reset({ options: { xInit: 0 } });
  assert.equal(env.state[0], 0);
  assert.ok(Math.abs(env.state[1]) <= 1);
  assert.throws(() => env.reset({ options: { xInit: -1 } }), (e: unknown) => e instanceof InvalidOptionError && /xInit/.test(e.message));
  assert.throws(() => env.reset({ options: { yInit: Number.NaN } }), (e: unknown) => e instanceof InvalidOptionError && /yInit/.test(e.message));
  assert.throws(() => env.reset({ options: { x_init: 1 } }), (e: unknown) => e instanceof InvalidOptionError && /x_init/.test(e.message));
});

function rollout(seed: number, steps = 50): { obs: number[][]; rewards: number[] } {
  const env = new PendulumEnv();
  const first = env.reset({ seed });
  const obs = [Array.from(stateObs(first))];
  const rewards: number[] = [];
  const actions = new Rng(99);
  for (let i = 0; i < steps; i++) {
    const r = env.step(act(actions.uniform(-3, 3)));
    obs.push(Array.from(stateObs(r)));
    rewards.push(r.reward);
  }
  return { obs, rewards };
}

test('seeded determinism: same seed, same episode bit for bit; different seeds differ', () => {
  const a = rollout(42);
  const b = rollout(42);
  assert.deepEqual(a, b);
  for (let i = 0; i < a.rewards.length; i++) assert.ok(Object.is(a.rewards[i], b.rewards[i]));
  const c = rollout(43);
  assert.notDeepEqual(a.obs[0], c.obs[0]);
  assert.notDeepEqual(a.rewards, c.rewards);
});

test("make('Pendulum-v1') truncates after 200 steps and never terminates", () => {
  const env = make<NDArray<'float32'>, NDArray<'float32'>>('Pendulum-v1');
  env.reset({ seed: 0 });
  let last: StepResult<NDArray<'float32'>> | undefined;
  for (let i = 1; i <= 200; i++) {
    last = env.step(act(0.5));
    assert.equal(last.terminated, false);
    assert.equal(last.truncated, i === 200, `step ${i}`);
  }
  assert.equal(last?.truncated, true);
  env.reset();
  assert.equal(env.step(act(0)).truncated, false);
});

test('bad actions are InvalidActionError; out-of-range values are clipped', () => {
  const env = new PendulumEnv();
  env.reset({ seed: 0 });
  assert.throws(() => env.step(act(Number.NaN)), InvalidActionError);
  assert.throws(() => env.step(act(Number.POSITIVE_INFINITY)), InvalidActionError);
  assert.throws(() => env.step(ndarray([0, 1], 'float32')), InvalidActionError);
  assert.throws(() => env.step(ndarray([0], 'float32', [1, 1])), InvalidActionError);
  assert.throws(() => env.step([0] as unknown as NDArray<'float32'>), InvalidActionError);
  assert.throws(() => env.step(0.5 as unknown as NDArray<'float32'>), InvalidActionError);
  const made = make<NDArray<'float32'>, NDArray<'float32'>>('Pendulum-v1');
  made.reset({ seed: 0 });
  assert.throws(() => made.step(act(Number.NaN)), InvalidActionError);
  assert.doesNotThrow(() => made.step(act(100)));
  assert.throws(() => new PendulumEnv().step(act(0)), ResetNeededError);
});

test('invalid make options are errors naming the option', () => {
  const fails = (options: Record<string, unknown>, name: string) =>
    assert.throws(() => make('Pendulum-v1', options), (e: unknown) => e instanceof InvalidOptionError && e.message.includes(name), JSON.stringify(options));
  fails({ gravity: 9.81 }, 'gravity');
  fails({ g: '10' }, "'g'");
  fails({ g: -1 }, "'g'");
  fails({ g: Number.NaN }, "'g'");
  fails({ renderWidth: 4 }, 'renderWidth');
  fails({ renderHeight: 10.5 }, 'renderHeight');
  fails({ observation: 'pixels' }, 'observation');
  fails({ renderMode: 'human' }, 'renderMode');
  const env = make('Pendulum-v1', { g: 9.81 });
  assert.equal((env.unwrapped as PendulumEnv).g, 9.81);
});

/** Pixels of a frame that are rod-coloured (reddish), as (x, y) pixel centres. */
function rodPixels(frame: Frame): [number, number][] {
  const [h, w] = frame.shape as [number, number, number];
  const out: [number, number][] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = (y * w + x) * 3;
      const [r, g, b] = [frame.data[k]!, frame.data[k + 1]!, frame.data[k + 2]!];
      if (r > 150 && g < 140 && b < 140 && r - g > 60) out.push([x + 0.5, y + 0.5]);
    }
  }
  return out;
}

function centroid(points: [number, number][]): [number, number] {
  const n = points.length;
  return [points.reduce((a, p) => a + p[0], 0) / n, points.reduce((a, p) => a + p[1], 0) / n];
}

function pixel(frame: Frame, x: number, y: number): number[] {
  const w = frame.shape[1]!;
  const k = (y * w + x) * 3;
  return [frame.data[k]!, frame.data[k + 1]!, frame.data[k + 2]!];
}

test('rendering: frame shapes, rod direction, black axle, white background', () => {
  const env = new PendulumEnv({ renderMode: 'rgb_array' });
  env.reset({ seed: 0 });
  const frame = env.render()!;
  assert.equal(frame.dtype, 'uint8');
  assert.deepEqual(frame.shape, [64, 64, 3]);
  assert.equal(frame.data.length, 64 * 64 * 3);
  assert.equal(new PendulumEnv().render(), undefined);

  const wide = new PendulumEnv({ renderMode: 'rgb_array', renderWidth: 100, renderHeight: 80 });
  wide.reset({ seed: 0 });
  const wideFrame = wide.render()!;
  assert.deepEqual(wideFrame.shape, [80, 100, 3]);
  assert.equal(wideFrame.data.length, 80 * 100 * 3);

  for (const [w, h] of [[64, 64], [100, 80]] as const) {
    const cx = Math.floor(w / 2) + 0.5;
    const cy = Math.floor(h / 2) + 0.5;
    const scale = Math.min(w, h) / 4.4;
    const cases: [number, (c: [number, number]) => boolean][] = [
      [0, ([x, y]) => y < cy - 0.3 * scale && Math.abs(x - cx) < 1], // up
      [Math.PI / 2, ([x, y]) => x < cx - 0.3 * scale && Math.abs(y - cy) < 1], // left
      [Math.PI, ([x, y]) => y > cy + 0.3 * scale && Math.abs(x - cx) < 1], // down
      [-Math.PI / 2, ([x, y]) => x > cx + 0.3 * scale && Math.abs(y - cy) < 1], // right
    ];
    for (const [th, where] of cases) {
      const f = renderPendulumFrame(th, w, h);
      const rod = rodPixels(f);
      assert.ok(rod.length > 0.5 * scale, `rod visible at th=${th}, ${w}x${h}`);
      const c = centroid(rod);
      assert.ok(where(c), `rod centroid ${c} at th=${th}, ${w}x${h}`);
      assert.deepEqual(pixel(f, Math.floor(w / 2), Math.floor(h / 2)), [0, 0, 0], 'axle pixel is black');
      assert.deepEqual(pixel(f, 0, 0), [255, 255, 255], 'background is white');
      assert.deepEqual(pixel(f, w - 1, h - 1), [255, 255, 255]);
    }
    // A rod pixel well inside the rod has the exact rod colour.
    const up = renderPendulumFrame(0, w, h);
    assert.deepEqual(pixel(up, Math.floor(w / 2), Math.floor(cy - 0.5 * scale)), [204, 77, 77]);
  }
});

test('rendering is a pure function of the angle and does not depend on the action', () => {
  const a = envAt(0.3, 1, { renderMode: 'rgb_array' });
  const b = envAt(0.3, 1, { renderMode: 'rgb_array' });
  assert.deepEqual(a.render(), b.render());
  a.step(act(2));
  b.step(act(2));
  assert.deepEqual(a.render(), b.render());
});

test("E2C view: observation 'e2c' is [2, 48, 48] uint8; frame 1 is the state after a zero-torque step", () => {
  const env = new PendulumEnv({ observation: 'e2c', g: 9.81 });
  const { observation } = env.reset({ seed: 5 });
  const obs = observation as NDArray<'uint8'>;
  assert.equal(obs.dtype, 'uint8');
  assert.deepEqual(obs.shape, [2, 48, 48]);
  assert.equal(obs.data.length, 2 * 48 * 48);
  assert.ok(env.observationSpace.contains(obs));
  assert.equal(env.observationSpace.toString(), 'Box(0, 255, [2, 48, 48], uint8)');

  env.state = [1.2, 6];
  const r = env.step(act(-1.5));
  const [th, thdot] = env.state;
  const data = (r.observation as NDArray<'uint8'>).data;
  assert.deepEqual(data, e2cFramesFor(th, thdot, 9.81));
  // Frame 1 equals the first frame of the state reached by one zero-torque step.
  const twin = envAt(th, thdot, { observation: 'e2c', g: 9.81 });
  const next = twin.step(act(0));
  const nextData = (next.observation as NDArray<'uint8'>).data;
  assert.deepEqual(data.subarray(48 * 48), nextData.subarray(0, 48 * 48));
  assert.notDeepEqual(data.subarray(0, 48 * 48), data.subarray(48 * 48), 'the two frames differ when the pendulum moves');
  // Each frame is the grayscale of the RGB render at 48x48 (background 255, axle 0, rod 115).
  const frame0 = data.subarray(0, 48 * 48);
  assert.equal(frame0[0], 255);
  assert.equal(frame0[24 * 48 + 24], 0);
  const rgb = renderPendulumFrame(th, E2C_FRAME_SIZE, E2C_FRAME_SIZE);
  for (let i = 0; i < 48 * 48; i++) {
    const lum = 0.299 * rgb.data[3 * i]! + 0.587 * rgb.data[3 * i + 1]! + 0.114 * rgb.data[3 * i + 2]!;
    assert.ok(Math.abs(frame0[i]! - lum) <= 1.5, `pixel ${i}: ${frame0[i]} vs luma ${lum}`);
  }
});

test('sampleE2CTransition draws from the E2C data distribution and renders consistent (x, u, x\') triples', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 200; i++) {
    const t = sampleE2CTransition(rng);
    const [th, thdot] = t.state;
    assert.ok(th >= 0 && th < 2 * Math.PI);
    assert.ok(thdot >= -8 && thdot < 8);
    assert.ok(t.action >= -2 && t.action < 2);
    const [nth, nthdot] = pendulumStep(th, thdot, t.action);
    assert.deepEqual(t.nextState, [nth, nthdot]);
    const expected = gymStep(th, thdot, t.action);
    assert.equal(nthdot, expected.thdot);
    if (i < 20) {
      assert.deepEqual(t.x.shape, [2, 48, 48]);
      assert.deepEqual(t.x.data, e2cFramesFor(th, thdot));
      assert.deepEqual(t.xNext.data, e2cFramesFor(nth, nthdot));
    }
  }
  const a = sampleE2CTransition(new Rng(1));
  const b = sampleE2CTransition(new Rng(1));
  assert.deepEqual(a, b);
});
