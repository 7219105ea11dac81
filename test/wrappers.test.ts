import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Env, type EnvMetadata, type ResetArgs, type ResetResult, type StepResult } from '../envs/core/env.js';
import { InvalidActionError, ResetNeededError } from '../envs/core/errors.js';
import { type NDArray, ndarray } from '../envs/core/ndarray.js';
import { Box } from '../envs/spaces/box.js';
import { Dict } from '../envs/spaces/composite.js';
import { Discrete } from '../envs/spaces/discrete.js';
import { make } from '../envs/registration.js';
import { encodeGif, writeGif } from '../envs/render/gif.js';
import {
  ClipAction, FrameStackObservation, OrderEnforcing, TimeLimit, GrayscaleObservation, NormalizeObservation, NormalizeReward, PixelObservation,
  RecordEpisodeGif, RecordEpisodeStatistics, RescaleAction, ResizeObservation, RunningMeanStd,
} from '../envs/wrappers/index.js';
import { CounterEnv, ChainEnv, registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();

// ---------------------------------------------------------------------------------------------
// Small scripted environments

const META: EnvMetadata = { renderModes: [], renderFps: 10 };

/** Returns `observations[k]` after reset (k = 0) and the k-th step; terminates after `rewards.length` steps. */
class ScriptEnv extends Env<NDArray<'float32'>, number> {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  readonly metadata = META;
  readonly renderMode = undefined;
  private k = 0;

  constructor(private readonly observations: number[][], private readonly rewards: number[] = []) {
    super();
    this.observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [observations[0]!.length] });
  }

  reset(args: ResetArgs = {}): ResetResult<NDArray<'float32'>> {
    this.seedRandom(args.seed);
    this.k = 0;
    return { observation: ndarray(this.observations[0]!), info: {} };
  }

  step(): StepResult<NDArray<'float32'>> {
    this.k += 1;
    const observation = ndarray(this.observations[Math.min(this.k, this.observations.length - 1)]!);
    return { observation, reward: this.rewards[this.k - 1] ?? 0, terminated: this.k >= this.rewards.length, truncated: false, info: {} };
  }
}

/** A Box-action env that keeps the last action it received (unvalidated) and never ends. */
class EchoEnv extends Env<NDArray<'float32'>, NDArray<'float32'>> {
  readonly observationSpace = new Box({ low: 0, high: 0, shape: [1] });
  readonly actionSpace: Box;
  readonly metadata = META;
  readonly renderMode = undefined;
  lastAction: NDArray<'float32'> | undefined;

  constructor(low: number[] = [0, -2], high: number[] = [10, 2]) {
    super();
    this.actionSpace = new Box({ low, high });
  }

  reset(): ResetResult<NDArray<'float32'>> {
    return { observation: ndarray([0]), info: {} };
  }

  step(action: NDArray<'float32'>): StepResult<NDArray<'float32'>> {
    this.lastAction = action;
    return { observation: ndarray([0]), reward: 0, terminated: false, truncated: false, info: {} };
  }
}

/** Observes a fixed uint8 image. */
class ImageEnv extends Env<NDArray<'uint8'>, number> {
  readonly observationSpace: Box<'uint8'>;
  readonly actionSpace = new Discrete(1);
  readonly metadata = META;
  readonly renderMode = undefined;

  constructor(private readonly image: NDArray<'uint8'>) {
    super();
    this.observationSpace = new Box({ low: 0, high: 255, shape: image.shape, dtype: 'uint8' });
  }

  reset(): ResetResult<NDArray<'uint8'>> {
    return { observation: this.image, info: {} };
  }

  step(): StepResult<NDArray<'uint8'>> {
    return { observation: this.image, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

function image(shape: number[], pixel: (y: number, x: number) => number[]): NDArray<'uint8'> {
  const [h, w, c = 1] = shape as [number, number, number?];
  const values: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values.push(...pixel(y, x).slice(0, c));
  return ndarray(values, 'uint8', shape);
}

const act = (...values: number[]): NDArray<'float32'> => ndarray(values);

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)), `element ${i}: ${a} vs expected ${e}`);
  }
}

/**
 * Reference for RunningMeanStd: its prior (mean 0, var 1, weight 1e-4) acts like pseudo-samples,
 * so mean = sum(x) / (1e-4 + n) and var = (1e-4 * 1 + sum(x^2)) / (1e-4 + n) - mean^2.
 */
function pooled(xs: number[]): { mean: number; var: number } {
  const n = 1e-4 + xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  return { mean, var: (1e-4 + xs.reduce((s, x) => s + x * x, 0)) / n - mean * mean };
}

// ---------------------------------------------------------------------------------------------

describe('make: TimeLimit and OrderEnforcing', () => {
  test('TimeLimit truncates (does not terminate) after maxEpisodeSteps', () => {
    const env = make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0', { bound: 100 });
    env.reset({ seed: 1 });
    for (let t = 1; t <= 4; t++) {
      const r = env.step(act(0));
      assert.equal(r.truncated, false);
      assert.equal(r.terminated, false);
    }
    const last = env.step(act(0));
    assert.equal(last.truncated, true);
    assert.equal(last.terminated, false);
  });

  test('OrderEnforcing: step before reset and after the episode ended are errors', () => {
    const env = make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0');
    assert.throws(() => env.step(act(1)), ResetNeededError);
    env.reset({ seed: 0 });
    // x starts in [-1, 1] and the bound is 3: four steps of +1 terminate within the 5-step limit.
    let r;
    do r = env.step(act(1)); while (!r.terminated && !r.truncated);
    assert.equal(r.terminated, true);
    assert.throws(() => env.step(act(1)), ResetNeededError);
    env.reset();
    assert.doesNotThrow(() => env.step(act(0)));
  });

  test('OrderEnforcing also rejects a step after truncation it sees', () => {
    const env = new OrderEnforcing(new TimeLimit(new CounterEnv({ bound: 100 }), 2));
    env.reset({ seed: 0 });
    env.step(act(0));
    assert.equal(env.step(act(0)).truncated, true);
    assert.throws(() => env.step(act(0)), /episode has ended/);
  });
});

describe('RunningMeanStd', () => {
  test('starts at mean 0, var 1, count 1e-4', () => {
    const rms = new RunningMeanStd();
    assert.deepEqual(rms.getState(), { mean: [0], var: [1], count: 1e-4 });
  });

  test('mean/var after 1, 3, then the batch [5, 7] match hand-computed values', () => {
    const rms = new RunningMeanStd([]);
    rms.update([1], 1);
    rms.update([3], 1);
    rms.update([5, 7], 2);
    // 16 / 4.0001 and (84.0001 / 4.0001) - mean^2, computed by hand.
    assertClose(rms.mean, [3.999900002499938], 1e-12);
    assertClose(rms.var, [5.000299982500689], 1e-12);
    assert.equal(rms.count, 4.0001);
    const ref = pooled([1, 3, 5, 7]);
    assertClose(rms.mean, [ref.mean], 1e-12);
    assertClose(rms.var, [ref.var], 1e-12);
  });

  test('per-element statistics; one batch equals one-by-one updates', () => {
    const batched = new RunningMeanStd([2]);
    const single = new RunningMeanStd([2]);
    batched.update([1, 10, 3, 30, 8, -2], 3);
    for (const row of [[1, 10], [3, 30], [8, -2]]) single.update(row, 1);
    const a = pooled([1, 3, 8]);
    const b = pooled([10, 30, -2]);
    assertClose(batched.mean, [a.mean, b.mean], 1e-12);
    assertClose(batched.var, [a.var, b.var], 1e-12);
    assertClose(single.mean, batched.mean, 1e-12);
    assertClose(single.var, batched.var, 1e-12);
  });

  test('getState/setState round-trip and validation', () => {
    const rms = new RunningMeanStd([2]);
    rms.update([1, 2, 3, 4], 2);
    const copy = new RunningMeanStd([2]);
    copy.setState(JSON.parse(JSON.stringify(rms.getState())));
    assert.deepEqual(copy.getState(), rms.getState());
    assert.throws(() => copy.setState({ mean: [0], var: [1], count: 1 }), /needs 2/);
    assert.throws(() => copy.setState({ mean: [0, 0], var: [1, -1], count: 1 }), /var >= 0/);
    assert.throws(() => rms.update([1, 2, 3], 2), /need 4/);
  });
});

describe('NormalizeObservation', () => {
  test('space, dtype and normalized values against hand-computed statistics', () => {
    const env = new NormalizeObservation(new ScriptEnv([[1, 10], [3, 30], [5, 50]], [0, 0, 0]));
    assert.ok(env.observationSpace.equals(new Box({ low: -Infinity, high: Infinity, shape: [2], dtype: 'float32' })));
    const first = env.reset().observation;
    assert.equal(first.dtype, 'float32');
    assert.deepEqual(first.shape, [2]);
    // One sample x: mean = x / 1.0001, var = (1e-4 + x^2) / 1.0001 - mean^2, out = (x - mean) / sqrt(var + 1e-8).
    assertClose(first.data, [0.007070714249638253, 0.009950362049276034], 1e-6);
    env.step(0);
    const third = env.step(0).observation;
    const a = pooled([1, 3, 5]);
    const b = pooled([10, 30, 50]);
    assertClose(env.obsRms.mean, [a.mean, b.mean], 1e-12);
    assertClose(env.obsRms.var, [a.var, b.var], 1e-12);
    assertClose(third.data, [(5 - a.mean) / Math.sqrt(a.var + 1e-8), (50 - b.mean) / Math.sqrt(b.var + 1e-8)], 1e-6);
  });

  test('updateRunningMean = false freezes the statistics', () => {
    const env = new NormalizeObservation(new ScriptEnv([[2], [4], [100]], [0, 0, 0]));
    env.reset();
    env.step(0);
    const frozen = env.obsRms.getState();
    env.updateRunningMean = false;
    const obs = env.step(0).observation;
    assert.deepEqual(env.obsRms.getState(), frozen);
    assertClose(obs.data, [(100 - frozen.mean[0]!) / Math.sqrt(frozen.var[0]! + 1e-8)], 1e-6);
  });

  test('needs a Box observation space', () => {
    assert.throws(() => new NormalizeObservation(new ChainEnv() as never), /Box observation space/);
  });
});

describe('NormalizeReward', () => {
  test('scales by the std of the discounted return and restarts it at episode end', () => {
    const env = new NormalizeReward(new ScriptEnv([[0]], [1, 2, 3]), { gamma: 0.5 });
    env.reset();
    // Discounted returns: G1 = 1, G2 = 0.5 * 1 + 2 = 2.5, G3 = 0.5 * 2.5 + 3 = 4.25.
    const expected = [70.71421321062043, 2.6662519637921402, 2.2587147781711456];
    for (let k = 0; k < 3; k++) assertClose([env.step(0).reward], [expected[k]!], 1e-9);
    const ref = pooled([1, 2.5, 4.25]);
    assertClose(env.returnRms.mean, [ref.mean], 1e-12);
    assertClose(env.returnRms.var, [ref.var], 1e-12);
    assert.equal(env.discountedReturn, 0, 'restarted after the terminating step');
    env.reset();
    env.step(0);
    assert.equal(env.discountedReturn, 1, 'a new episode starts from its first reward');
  });

  test('default gamma 0.99 and frozen statistics', () => {
    const env = new NormalizeReward(new ScriptEnv([[0]], [1, 1, 1, 1]));
    assert.equal(env.gamma, 0.99);
    env.reset();
    env.step(0);
    env.step(0);
    assert.equal(env.discountedReturn, 1.99);
    env.updateRunningMean = false;
    const frozen = env.returnRms.getState();
    const r = env.step(0).reward;
    assert.deepEqual(env.returnRms.getState(), frozen);
    assertClose([r], [1 / Math.sqrt(frozen.var[0]! + 1e-8)], 1e-12);
  });
});

describe('RecordEpisodeStatistics', () => {
  test('info.episode on the last step, and the queues', () => {
    const env = new RecordEpisodeStatistics(make<number, number>('test/Chain-v0'), { bufferLength: 2 });
    env.reset({ seed: 0 });
    assert.equal(env.step(1).info.episode, undefined);
    env.step(1);
    const end = env.step(1);
    assert.equal(end.terminated, true);
    const stats = end.info.episode as { r: number; l: number; t: number };
    assert.equal(stats.r, 1);
    assert.equal(stats.l, 3);
    assert.ok(stats.t >= 0 && stats.t < 10);
    assert.ok(Math.abs(stats.t * 1e6 - Math.round(stats.t * 1e6)) < 1e-6, 't is rounded to 1e-6');
    // Second episode: never reaches the goal and is truncated by the 10-step limit.
    env.reset();
    let last;
    for (let t = 0; t < 10; t++) last = env.step(0);
    assert.equal(last!.truncated, true);
    assert.deepEqual({ ...(last!.info.episode as object), t: 0 }, { r: 0, l: 10, t: 0 });
    // Third episode pushes the first out of the 2-long buffer.
    env.reset();
    env.step(1);
    env.step(1);
    env.step(1);
    assert.equal(env.episodeCount, 3);
    assert.deepEqual(env.returnQueue, [0, 1]);
    assert.deepEqual(env.lengthQueue, [10, 3]);
    assert.equal(env.timeQueue.length, 2);
  });
});

describe('ClipAction', () => {
  test('agent-facing space is unbounded; values are clipped into the env bounds', () => {
    const env = new ClipAction(new CounterEnv({ bound: 100 }));
    assert.ok(env.actionSpace.equals(new Box({ low: -Infinity, high: Infinity, shape: [1], dtype: 'float32' })));
    env.reset({ seed: 3 });
    assert.equal(env.step(act(5)).reward, 1);
    assert.equal(env.step(act(-7)).reward, -1);
    assert.equal(env.step(act(0.5)).reward, 0.5);
  });

  test('in-bounds actions pass unchanged; per-element bounds', () => {
    const echo = new EchoEnv();
    const env = new ClipAction(echo);
    env.reset();
    const inside = act(3, 1);
    env.step(inside);
    assert.equal(echo.lastAction, inside, 'no copy when nothing is clipped');
    env.step(act(11, -2.5));
    assert.deepEqual(Array.from(echo.lastAction!.data), [10, -2]);
    env.step(act(-1, 5));
    assert.deepEqual(Array.from(echo.lastAction!.data), [0, 2]);
  });

  test('non-finite values reach the env, which rejects them; bad shapes are errors', () => {
    const env = new ClipAction(new CounterEnv({ bound: 100 }));
    env.reset({ seed: 0 });
    assert.throws(() => env.step(act(NaN)), InvalidActionError);
    assert.throws(() => env.step(act(Infinity)), InvalidActionError);
    assert.throws(() => env.step(act(1, 2)), InvalidActionError);
    assert.throws(() => new ClipAction(new ChainEnv() as never), /Box action space/);
  });
});

describe('RescaleAction', () => {
  test('maps [-1, 1] linearly onto [low, high]', () => {
    const echo = new EchoEnv([0, -2], [10, 2]);
    const env = new RescaleAction(echo, -1, 1);
    assert.ok(env.actionSpace.equals(new Box({ low: -1, high: 1, shape: [2] })));
    env.reset();
    const cases: [number[], number[]][] = [
      [[-1, -1], [0, -2]], [[1, 1], [10, 2]], [[0, 0], [5, 0]], [[0.5, -0.5], [7.5, -1]], [[3, -3], [10, -2]],
    ];
    for (const [a, expected] of cases) {
      env.step(act(...a));
      assert.deepEqual(Array.from(echo.lastAction!.data), expected, `action ${a}`);
    }
  });

  test('per-element ranges and non-finite pass-through', () => {
    const echo = new EchoEnv([0, -2], [10, 2]);
    const env = new RescaleAction(echo, [0, 0], [1, 4]);
    env.reset();
    env.step(act(0.5, 1));
    assert.deepEqual(Array.from(echo.lastAction!.data), [5, -1]);
    env.step(act(NaN, 4));
    assert.ok(Number.isNaN(echo.lastAction!.data[0]));
    assert.equal(echo.lastAction!.data[1], 2);
  });

  test('clear errors', () => {
    assert.throws(() => new RescaleAction(new ClipAction(new EchoEnv()), -1, 1), /must be bounded/);
    assert.throws(() => new RescaleAction(new ChainEnv() as never, -1, 1), /Box action space/);
    assert.throws(() => new RescaleAction(new EchoEnv(), 1, 1), /must be below/);
    assert.throws(() => new RescaleAction(new EchoEnv(), [0, 0, 0], 1), /has 3 values/);
    assert.throws(() => new RescaleAction(new EchoEnv(), -Infinity, 1), /must be finite/);
  });
});

describe('FrameStackObservation', () => {
  const script = [[1, 2], [3, 4], [5, 6], [7, 8]];

  test("padding 'reset': oldest first, padded with the first observation", () => {
    const env = new FrameStackObservation(new ScriptEnv(script, [0, 0, 0, 0]), 3);
    assert.ok(env.observationSpace.equals(new Box({ low: -Infinity, high: Infinity, shape: [3, 2] })));
    const first = env.reset().observation;
    assert.deepEqual(first.shape, [3, 2]);
    assert.deepEqual(Array.from(first.data), [1, 2, 1, 2, 1, 2]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [1, 2, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [3, 4, 5, 6, 7, 8]);
    assert.deepEqual(Array.from(first.data), [1, 2, 1, 2, 1, 2], 'earlier results are not overwritten');
    assert.deepEqual(Array.from(env.reset().observation.data), [1, 2, 1, 2, 1, 2]);
  });

  test("padding 'zero'", () => {
    const env = new FrameStackObservation(new ScriptEnv(script, [0, 0, 0, 0]), 3, { padding: 'zero' });
    assert.deepEqual(Array.from(env.reset().observation.data), [0, 0, 0, 0, 1, 2]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [0, 0, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [1, 2, 3, 4, 5, 6]);
    env.step(0);
    assert.deepEqual(Array.from(env.reset().observation.data), [0, 0, 0, 0, 1, 2]);
  });

  test('stack of one and bad arguments', () => {
    const env = new FrameStackObservation(new ScriptEnv(script, [0]), 1);
    assert.deepEqual(Array.from(env.reset().observation.data), [1, 2]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [3, 4]);
    assert.throws(() => new FrameStackObservation(new ScriptEnv(script), 0), /positive integer/);
    assert.throws(() => new FrameStackObservation(new ScriptEnv(script), 2, { padding: 'same' as never }), /padding/);
  });
});

describe('GrayscaleObservation', () => {
  const rgb = image([1, 4, 3], (_, x) => [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 200, 30]][x]!);

  test('BT.601 luma as OpenCV: red 76, green 150, blue 29, (10, 200, 30) -> 124', () => {
    const env = new GrayscaleObservation(new ImageEnv(rgb));
    assert.ok(env.observationSpace.equals(new Box({ low: 0, high: 255, shape: [1, 4], dtype: 'uint8' })));
    const obs = env.reset().observation;
    assert.deepEqual(obs.shape, [1, 4]);
    assert.deepEqual(Array.from(obs.data), [76, 150, 29, 124]);
    const white = new GrayscaleObservation(new ImageEnv(image([1, 1, 3], () => [255, 255, 255])));
    assert.deepEqual(Array.from(white.reset().observation.data), [255]);
  });

  test('keepDim gives [H, W, 1]; non-RGB spaces are rejected', () => {
    const env = new GrayscaleObservation(new ImageEnv(rgb), { keepDim: true });
    assert.deepEqual((env.observationSpace as Box<'uint8'>).shape, [1, 4, 1]);
    assert.deepEqual(env.reset().observation.shape, [1, 4, 1]);
    assert.throws(() => new GrayscaleObservation(new ImageEnv(image([2, 2], () => [0]))), /\[H, W, 3\]/);
    assert.throws(() => new GrayscaleObservation(new ScriptEnv([[1]]) as never), /uint8 Box/);
  });
});

describe('ResizeObservation', () => {
  test('a constant colour stays that colour', () => {
    const env = new ResizeObservation(new ImageEnv(image([4, 4, 3], () => [10, 200, 77])), [2, 2]);
    assert.ok(env.observationSpace.equals(new Box({ low: 0, high: 255, shape: [2, 2, 3], dtype: 'uint8' })));
    const obs = env.reset().observation;
    assert.deepEqual(obs.shape, [2, 2, 3]);
    assert.deepEqual(Array.from(obs.data), [10, 200, 77, 10, 200, 77, 10, 200, 77, 10, 200, 77]);
    const up = new ResizeObservation(new ImageEnv(image([2, 2, 3], () => [10, 200, 77])), [5, 3]);
    assert.deepEqual(Array.from(up.reset().observation.data), Array.from({ length: 15 }, () => [10, 200, 77]).flat());
  });

  test('a left-black right-white image stays split', () => {
    const env = new ResizeObservation(new ImageEnv(image([4, 4], (_, x) => [x < 2 ? 0 : 255])), [2, 2]);
    const obs = env.reset().observation;
    assert.deepEqual(obs.shape, [2, 2]);
    assert.deepEqual(Array.from(obs.data), [0, 255, 0, 255]);
    assert.deepEqual(Array.from(env.step(0).observation.data), [0, 255, 0, 255], 'same result on the next frame');
  });

  test('integer factors average blocks; [H, W, 1] keeps its channel axis', () => {
    // 2x2 blocks: all 40 | 0,0,100,100 -> 50 / 10,20,30,40 -> 25 | all 255.
    const blocks = [
      [40, 40, 0, 0],
      [40, 40, 100, 100],
      [10, 20, 255, 255],
      [30, 40, 255, 255],
    ];
    const env = new ResizeObservation(new ImageEnv(image([4, 4, 1], (y, x) => [blocks[y]![x]!])), [2, 2]);
    const obs = env.reset().observation;
    assert.deepEqual(obs.shape, [2, 2, 1]);
    assert.deepEqual(Array.from(obs.data), [40, 50, 25, 255]);
    // 8 -> 2 (two halvings): each 4x4 block has one 240 pixel, mean 15.
    const sparse = new ResizeObservation(new ImageEnv(image([8, 8], (y, x) => [y % 4 === 3 && x % 4 === 3 ? 240 : 0])), [2, 2]);
    assert.deepEqual(Array.from(sparse.reset().observation.data), [15, 15, 15, 15]);
  });

  test('bad spaces and shapes are rejected', () => {
    assert.throws(() => new ResizeObservation(new ScriptEnv([[1, 2]]) as never, [1, 1]), /uint8 Box/);
    assert.throws(() => new ResizeObservation(new ImageEnv(image([2, 2, 2], () => [0, 0])), [1, 1]), /uint8 Box/);
    assert.throws(() => new ResizeObservation(new ImageEnv(image([2, 2], () => [0])), [0, 1]), /positive integers/);
  });
});

describe('PixelObservation', () => {
  test('the observation is the rendered frame', () => {
    const env = new PixelObservation(make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0', { renderMode: 'rgb_array', frameSize: 6 }));
    assert.ok(env.observationSpace.equals(new Box({ low: 0, high: 255, shape: [6, 6, 3], dtype: 'uint8' })));
    const obs = env.reset({ seed: 0 }).observation;
    assert.deepEqual(obs.shape, [6, 6, 3]);
    assert.equal(obs.data[0], 0);
    assert.equal(obs.data[2], 7);
    const next = env.step(act(0.5)).observation;
    assert.equal(next.data[0], 1, 'frame after one step shows t = 1');
    assert.ok(env.observationSpace.contains(next));
  });

  test('pixelsOnly: false gives a Dict of pixels and state, with custom keys', () => {
    const env = new PixelObservation(new CounterEnv({ renderMode: 'rgb_array' }), { pixelsOnly: false });
    const space = env.observationSpace;
    assert.ok(space instanceof Dict);
    assert.deepEqual(space.keys, ['pixels', 'state']);
    const obs = env.reset({ seed: 0 }).observation;
    assert.deepEqual(obs.pixels!.shape, [4, 4, 3]);
    assert.deepEqual(Array.from((obs.state as NDArray).data.slice(0, 1)), [0]);
    assert.ok(space.contains(obs));
    const custom = new PixelObservation(new CounterEnv({ renderMode: 'rgb_array' }), { pixelsOnly: false, pixelsKey: 'img', stateKey: 'vec' });
    assert.deepEqual((custom.observationSpace as Dict).keys, ['img', 'vec']);
    assert.deepEqual(Object.keys(custom.reset().observation).sort(), ['img', 'vec']);
  });

  test('needs rgb_array rendering', () => {
    assert.throws(() => new PixelObservation(new CounterEnv()), /renderMode 'rgb_array'/);
    assert.throws(() => new PixelObservation(new CounterEnv({ renderMode: 'rgb_array' }), { pixelsOnly: false, pixelsKey: 'a', stateKey: 'a' }), /must differ/);
  });
});

// ---------------------------------------------------------------------------------------------
// GIF: walk the blocks to count frames (image descriptors after graphic control extensions)

interface GifSummary {
  width: number;
  height: number;
  frames: number;
  /** Delay of each frame in hundredths of a second. */
  delays: number[];
  /** The first colour of the table each frame uses. */
  firstColours: number[][];
}

function readGif(bytes: Uint8Array): GifSummary {
  const text = String.fromCharCode(...bytes.subarray(0, 6));
  assert.equal(text, 'GIF89a');
  const u16 = (p: number) => bytes[p]! | (bytes[p + 1]! << 8);
  const tableBytes = (flags: number) => (flags & 0x80 ? 3 * (1 << ((flags & 7) + 1)) : 0);
  const summary: GifSummary = { width: u16(6), height: u16(8), frames: 0, delays: [], firstColours: [] };
  let globalColour: number[] = [];
  let pos = 13;
  if (bytes[10]! & 0x80) globalColour = Array.from(bytes.subarray(13, 16));
  pos += tableBytes(bytes[10]!);
  let pendingDelay: number | undefined;
  const skipSubBlocks = () => {
    while (bytes[pos] !== 0) pos += bytes[pos]! + 1;
    pos += 1;
  };
  for (;;) {
    const block = bytes[pos];
    if (block === 0x3b) break;
    if (block === 0x21) {
      if (bytes[pos + 1] === 0xf9) pendingDelay = u16(pos + 4);
      pos += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      assert.notEqual(pendingDelay, undefined, 'each image follows a graphic control extension');
      summary.delays.push(pendingDelay!);
      pendingDelay = undefined;
      const flags = bytes[pos + 9]!;
      summary.firstColours.push(flags & 0x80 ? Array.from(bytes.subarray(pos + 10, pos + 13)) : globalColour);
      pos += 10 + tableBytes(flags) + 1; // descriptor, local table, LZW minimum code size
      skipSubBlocks();
      summary.frames += 1;
    } else {
      assert.fail(`unexpected GIF block 0x${block?.toString(16)} at ${pos}`);
    }
  }
  return summary;
}

describe('GIF', () => {
  const solid = (r: number, g: number, b: number) => image([3, 5, 3], () => [r, g, b]);

  test('encodeGif: header, size, frame count, delays and colours', () => {
    const bytes = encodeGif([solid(200, 10, 30), solid(0, 128, 255), solid(9, 9, 9)], { fps: 20 });
    const gif = readGif(bytes);
    assert.equal(gif.width, 5);
    assert.equal(gif.height, 3);
    assert.equal(gif.frames, 3);
    assert.deepEqual(gif.delays, [5, 5, 5]);
    assert.deepEqual(gif.firstColours, [[200, 10, 30], [0, 128, 255], [9, 9, 9]]);
    assert.throws(() => encodeGif([], { fps: 10 }), /no frames/);
    assert.throws(() => encodeGif([solid(0, 0, 0), image([2, 2, 3], () => [0, 0, 0])], { fps: 10 }), /first frame/);
    assert.throws(() => encodeGif([solid(0, 0, 0)], { fps: 0 }), /fps/);
  });

  test('writeGif writes atomically and names a missing directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentgym-gif-'));
    try {
      const path = join(dir, 'a.gif');
      writeGif(path, [solid(1, 2, 3)], { fps: 10 });
      assert.equal(readGif(readFileSync(path)).frames, 1);
      assert.deepEqual(readdirSync(dir), ['a.gif'], 'no temporary file is left');
      const missing = join(dir, 'nope');
      assert.throws(() => writeGif(join(missing, 'b.gif'), [solid(1, 2, 3)], { fps: 10 }), (e: Error) => e.message.includes(`'${missing}'`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RecordEpisodeGif', () => {
  test('records the first episode by default, one frame per reset and step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentgym-rec-'));
    try {
      const folder = join(dir, 'videos', 'run');
      const env = new RecordEpisodeGif(
        make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0', { renderMode: 'rgb_array', bound: 100 }),
        { folder },
      );
      assert.ok(existsSync(folder), 'the folder is created');
      env.reset({ seed: 0 });
      assert.equal(env.recording, true);
      let r;
      do r = env.step(act(1)); while (!r.terminated && !r.truncated);
      const path = join(folder, 'episode-0.gif');
      assert.deepEqual(env.recordedPaths, [path]);
      const gif = readGif(readFileSync(path));
      assert.equal(gif.frames, 6, 'reset + 5 steps (TimeLimit 5)');
      assert.equal(gif.width, 4);
      assert.deepEqual(gif.delays, Array(6).fill(10), 'renderFps 10 -> 10/100 s');
      assert.deepEqual(gif.firstColours.map((c) => c[0]), [0, 1, 2, 3, 4, 5], 'red channel is t');
      // Episode 1 is not recorded.
      env.reset();
      assert.equal(env.recording, false);
      env.step(act(1));
      env.close();
      assert.deepEqual(readdirSync(folder), ['episode-0.gif']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('episodeTrigger, prefix and fps; an unfinished episode is written on close()', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentgym-rec-'));
    try {
      const env = new RecordEpisodeGif(new CounterEnv({ renderMode: 'rgb_array', bound: 100 }), {
        folder: dir, namePrefix: 'eval', episodeTrigger: (i) => i % 2 === 1, fps: 25,
      });
      env.reset({ seed: 1 });
      env.step(act(1));
      assert.deepEqual(env.recordedPaths, []);
      env.reset();
      env.step(act(1));
      env.step(act(1));
      env.reset(); // ends episode 1 early: written now
      assert.deepEqual(env.recordedPaths, [join(dir, 'eval-1.gif')]);
      env.reset();
      env.step(act(1));
      env.close();
      assert.deepEqual(env.recordedPaths, [join(dir, 'eval-1.gif'), join(dir, 'eval-3.gif')]);
      const gif = readGif(readFileSync(join(dir, 'eval-1.gif')));
      assert.equal(gif.frames, 3);
      assert.deepEqual(gif.delays, [4, 4, 4]);
      assert.equal(readGif(readFileSync(join(dir, 'eval-3.gif'))).frames, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('needs rgb_array rendering', () => {
    assert.throws(() => new RecordEpisodeGif(new CounterEnv(), { folder: tmpdir() }), /renderMode 'rgb_array'/);
  });
});
