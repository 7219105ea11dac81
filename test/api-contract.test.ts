/**
 * The caller-side API contract of made envs, spaces and arrays: every misuse is refused with one
 * LatentGymError line that names what was wrong and what is valid.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { Env, type EnvMetadata, type ResetResult, type StepResult } from '../envs/core/env.js';
import * as errors from '../envs/core/errors.js';
import { InvalidActionError, InvalidOptionError, LatentGymError, RegistrationError } from '../envs/core/errors.js';
import { DTYPES, type NDArray, isDType, ndarray, zeros } from '../envs/core/ndarray.js';
import { boxActionValues } from '../envs/spaces/action-checks.js';
import { Box } from '../envs/spaces/box.js';
import { Dict } from '../envs/spaces/composite.js';
import { Discrete } from '../envs/spaces/discrete.js';
import { deregister, make, register, registeredIds } from '../envs/registration.js';
import { checkEnv } from '../envs/checker.js';
import { ClipAction, RecordEpisodeGif, RescaleAction } from '../envs/wrappers/index.js';
import { ClosedEnvironmentError } from '../envs/vector/index.js';
import { registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();

/** `fn` throws an instance of `kind` whose one-line message matches `pattern`. */
function refuses(fn: () => unknown, kind: new (...args: never[]) => LatentGymError, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.ok(e instanceof LatentGymError);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const META: EnvMetadata = { renderModes: [], renderFps: 10 };

/** A continuous env that checks nothing about its actions (a typical quick custom env). */
class LaxEnv extends Env<NDArray<'float32'>, NDArray<'float32'>> {
  readonly observationSpace = new Box({ low: -Infinity, high: Infinity, shape: [1] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly metadata = META;
  readonly renderMode = undefined;
  x = 0;

  reset(args: { seed?: number } = {}): ResetResult<NDArray<'float32'>> {
    this.seedRandom(args.seed);
    this.x = 0;
    return { observation: ndarray([this.x]), info: {} };
  }

  step(action: NDArray<'float32'>): StepResult<NDArray<'float32'>> {
    this.x += action.data[0]!;
    return { observation: ndarray([this.x]), reward: 0, terminated: false, truncated: false, info: {} };
  }
}

/** A Dict-action env that checks nothing either. */
class LaxDictEnv extends Env<number, unknown> {
  readonly observationSpace = new Discrete(1);
  readonly actionSpace = new Dict({ move: new Box({ low: -1, high: 1, shape: [2] }), pick: new Discrete(3) });
  readonly metadata = META;
  readonly renderMode = undefined;

  reset(args: { seed?: number } = {}): ResetResult<number> {
    this.seedRandom(args.seed);
    return { observation: 0, info: {} };
  }

  step(): StepResult<number> {
    return { observation: 0, reward: 0, terminated: false, truncated: false, info: {} };
  }
}

function withRegistered<T>(id: string, factory: () => unknown, body: () => T): T {
  deregister(id);
  register(id, factory as () => Env, { maxEpisodeSteps: 20 });
  try {
    return body();
  } finally {
    deregister(id);
  }
}

describe('Box actions: the same rule as contains(), in every env and wrapper', () => {
  const box = new Box({ low: -1, high: 1, shape: [1] });

  test('an NDArray is accepted by the shared check exactly when contains() holds its dtype', () => {
    for (const dtype of DTYPES) {
      const action = ndarray([1], dtype);
      const accepted = (() => {
        try {
          boxActionValues(box, action, 'error');
          return true;
        } catch (error) {
          assert.ok(error instanceof InvalidActionError, String(error));
          return false;
        }
      })();
      assert.equal(accepted, box.contains(action), `dtype ${dtype}: step accepts ${accepted}, contains ${box.contains(action)}`);
    }
  });

  test('int32 and float64 on a float32 Box are refused, naming the conversion', () => {
    for (const dtype of ['int32', 'float64'] as const) {
      refuses(() => boxActionValues(box, ndarray([1], dtype), 'error'), InvalidActionError,
        new RegExp(`dtype ${dtype} .*float32.*ndarray\\(values, 'float32'\\)`));
    }
    const env = make('test/Counter-v0');
    env.reset({ seed: 0 });
    refuses(() => env.step(ndarray([0], 'int32')), InvalidActionError, /dtype int32/);
    assert.doesNotThrow(() => env.step(ndarray([1], 'int16')), 'int16 is held exactly by float32');
  });

  test('plain arrays, numbers and bare typed arrays are refused, naming ndarray()', () => {
    const env = make('test/Counter-v0');
    env.reset({ seed: 0 });
    for (const bad of [[0.5], 0.5, new Float32Array([0.5])]) {
      refuses(() => env.step(bad), InvalidActionError, /must be an NDArray of shape \[1\].*ndarray\(values, 'float32'\)/);
    }
  });

  test('ClipAction and RescaleAction apply the same dtype rule', () => {
    const clip = new ClipAction(make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0'));
    clip.reset({ seed: 0 });
    refuses(() => clip.step(ndarray([5], 'int32') as never), InvalidActionError, /ClipAction: action dtype int32/);
    // A safely castable dtype is clipped into the env's dtype, not truncated in its own.
    const r = clip.step(ndarray([5], 'int16') as never);
    assert.equal(r.reward, 1);
    const rescale = new RescaleAction(make<NDArray<'float32'>, NDArray<'float32'>>('test/Counter-v0'), -2, 2);
    rescale.reset({ seed: 0 });
    refuses(() => rescale.step(ndarray([1], 'float64') as never), InvalidActionError, /RescaleAction: action dtype float64/);
  });
});

describe('make() refuses non-finite and malformed actions for every env', () => {
  test('a custom env that does not check its actions passes checkEnv once made', () => {
    withRegistered('test/Lax-v0', () => new LaxEnv(), () => {
      assert.throws(() => checkEnv(new LaxEnv()), /NaN action was accepted/, 'the bare env still fails');
      const env = make('test/Lax-v0');
      checkEnv(env);
      env.reset({ seed: 0 });
      refuses(() => env.step(ndarray([Number.NaN])), InvalidActionError, /action element 0 is NaN; actions must be finite/);
      refuses(() => env.step(ndarray([Infinity])), InvalidActionError, /Infinity; actions must be finite/);
      const unchecked = make('test/Lax-v0', { disableEnvChecker: true });
      unchecked.reset({ seed: 0 });
      refuses(() => unchecked.step(ndarray([Number.NaN])), InvalidActionError, /must be finite/);
    });
  });

  test('composite and discrete actions are checked part by part', () => {
    withRegistered('test/LaxDict-v0', () => new LaxDictEnv(), () => {
      const env = make('test/LaxDict-v0');
      checkEnv(env);
      env.reset({ seed: 0 });
      assert.doesNotThrow(() => env.step({ move: ndarray([5, 0]), pick: 2 }), 'out-of-bounds Box values are the env\'s to clip');
      refuses(() => env.step({ move: ndarray([Number.NaN, 0]), pick: 2 }), InvalidActionError, /action\['move'\] element 0 is NaN/);
      refuses(() => env.step({ move: ndarray([0, 0]), pick: 3 }), InvalidActionError, /action\['pick'\].*outside \{0, \.\.\., 2\}/);
      refuses(() => env.step({ move: ndarray([0, 0]) }), InvalidActionError, /missing key 'pick'/);
    });
    const chain = make('test/Chain-v0');
    chain.reset({ seed: 0 });
    refuses(() => chain.step(0.5), InvalidActionError, /Discrete\(2\).*expected an integer/);
  });
});

describe('make() and register() arguments', () => {
  test('options must be an object, the id a string', () => {
    refuses(() => make('test/Counter-v0', null as never), InvalidOptionError, /options must be an object .*got null/);
    refuses(() => make('test/Counter-v0', 5 as never), InvalidOptionError, /options must be an object .*got number 5/);
    refuses(() => make('test/Counter-v0', [] as never), InvalidOptionError, /options must be an object .*got an array/);
    refuses(() => make(42 as never), RegistrationError, /id must be a string such as 'Name-vN', got number 42; registered: .*test\/Counter-v0/);
  });

  test('maxEpisodeSteps: 0 is refused; null removes the limit', () => {
    refuses(() => make('test/Counter-v0', { maxEpisodeSteps: 0 }), InvalidOptionError,
      /'maxEpisodeSteps' must be a positive integer, or null for no time limit, got 0/);
    assert.doesNotThrow(() => make('test/Counter-v0', { maxEpisodeSteps: null }));
  });

  test('a factory that returns no Env is named', () => {
    for (const [result, said] of [[null, 'null'], [{}, 'an object'], [5, 'number 5']] as const) {
      withRegistered('test/NotAnEnv-v0', () => result, () => {
        refuses(() => make('test/NotAnEnv-v0'), RegistrationError,
          new RegExp(`factory registered for 'test/NotAnEnv-v0' returned ${said}; it must return an instance of a class extending Env`));
      });
    }
  });

  test('register refuses unknown option keys and non-object options', () => {
    refuses(() => register('test/Typo-v0', () => new LaxEnv(), { maxEpisodeStep: 5 } as never), RegistrationError,
      /unknown option 'maxEpisodeStep'; valid options: maxEpisodeSteps, defaults/);
    refuses(() => register('test/Typo-v0', () => new LaxEnv(), null as never), RegistrationError, /options must be an object/);
    assert.ok(!registeredIds().includes('test/Typo-v0'));
  });
});

describe('reset() arguments', () => {
  test('unknown keys, bad seeds and bad options are refused', () => {
    const env = make('test/Counter-v0');
    refuses(() => env.reset({ sed: 0 } as never), InvalidOptionError, /reset\(\): unknown key 'sed'; valid keys: seed, options/);
    refuses(() => env.reset({ seed: -1 }), InvalidOptionError, /'seed' must be an integer in \[0, 2147483647\] or undefined, got number -1/);
    refuses(() => env.reset({ seed: 1.5 }), InvalidOptionError, /'seed' must be an integer/);
    refuses(() => env.reset({ options: 5 } as never), InvalidOptionError, /'options' must be an object or undefined, got number 5/);
    refuses(() => env.reset(7 as never), InvalidOptionError, /reset\(\) takes \{seed, options\}, got number 7/);
    assert.doesNotThrow(() => env.reset({ seed: undefined, options: undefined }));
  });
});

describe('render() without a render mode', () => {
  test('is an error naming the renderMode options', () => {
    const env = make('test/Counter-v0');
    env.reset({ seed: 0 });
    refuses(() => env.render(), InvalidOptionError, /render\(\) needs a render mode: make the env with renderMode: 'rgb_array'/);
    const rendering = make('test/Counter-v0', { renderMode: 'rgb_array' });
    rendering.reset({ seed: 0 });
    assert.ok(rendering.render());
  });
});

describe('after close()', () => {
  test('step, reset, render, getState and setState are refused; close twice is harmless', () => {
    const env = make('test/Counter-v0', { renderMode: 'rgb_array' });
    env.reset({ seed: 0 });
    const state = env.getState();
    env.close();
    refuses(() => env.step(ndarray([0])), ClosedEnvironmentError, /step\(\) called after close\(\); make a new env/);
    refuses(() => env.reset(), ClosedEnvironmentError, /reset\(\) called after close\(\)/);
    refuses(() => env.render(), ClosedEnvironmentError, /render\(\) called after close\(\)/);
    refuses(() => env.getState(), ClosedEnvironmentError, /getState\(\) called after close\(\)/);
    refuses(() => env.setState(state!), ClosedEnvironmentError, /setState\(\) called after close\(\)/);
    assert.doesNotThrow(() => env.close());
    assert.equal((errors as Record<string, unknown>)['ClosedEnvironmentError'], ClosedEnvironmentError, 'one error class, in core/errors, for single and vector envs');
  });

  test('RecordEpisodeGif over a made env: close writes once and can be repeated', () => {
    const folder = mkdtempSync(join(tmpdir(), 'latentgym-close-'));
    try {
      const env = new RecordEpisodeGif(make('test/Counter-v0', { renderMode: 'rgb_array', bound: 100 }), { folder });
      env.reset({ seed: 0 });
      env.step(ndarray([0]));
      env.close();
      env.close();
      assert.deepEqual(readdirSync(folder), ['episode-0.gif']);
      refuses(() => env.reset(), ClosedEnvironmentError, /reset\(\) called after close\(\)/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('ndarray dtypes', () => {
  test('an unknown dtype is one error naming the valid ones', () => {
    const valid = /valid dtypes: float32, float64, int8, int16, int32, uint8, uint16, uint32/;
    refuses(() => ndarray([1], 'float16' as never), InvalidOptionError, new RegExp(`ndarray: dtype 'float16' is not supported; ${valid.source}`));
    refuses(() => zeros('bool' as never, [2]), InvalidOptionError, /zeros: dtype 'bool' is not supported/);
    refuses(() => new Box({ low: 0, high: 1, dtype: 'float16' as never }), InvalidOptionError, /Box: dtype 'float16' is not supported/);
    assert.equal(isDType('constructor'), false);
    assert.equal(isDType('toString'), false);
  });

  test('values that do not fill the shape, and non-array values, are one error', () => {
    refuses(() => ndarray([1, 2, 3], 'float32', [2, 2]), InvalidOptionError, /ndarray: 3 values do not fill shape \[2, 2\] \(4 elements\)/);
    refuses(() => ndarray(5 as never), InvalidOptionError, /ndarray: values must be an array or typed array of numbers, got number 5/);
    refuses(() => ndarray([1, 2], 'float32', [-1, -2]), InvalidOptionError, /ndarray: shape must hold non-negative integers, got \[-1, -2\]/);
  });
});
