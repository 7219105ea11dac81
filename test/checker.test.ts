import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../envs/index.js';
import { checkEnv } from '../envs/checker.js';
import { make, register, deregister, registeredIds } from '../envs/registration.js';
import { EnvContractError } from '../envs/core/errors.js';
import type { ResetArgs } from '../envs/core/env.js';
import { ndarray } from '../envs/core/ndarray.js';
import { CounterEnv, registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();

test('every registered environment passes checkEnv', () => {
  const ids = registeredIds();
  assert.ok(ids.includes('Pendulum-v1') && ids.includes('Planar-v0'), `built-in envs registered: ${ids.join(', ')}`);
  for (const id of ids) {
    const env = make(id);
    try {
      checkEnv(env);
    } finally {
      env.close();
    }
  }
});

test('an env that draws randomness outside npRandom fails the determinism check', () => {
  class Leaky extends CounterEnv {
    override reset(args: ResetArgs = {}) {
      const r = super.reset(args);
      this.x = Math.random(); // not seeded: breaks reproducibility
      return r;
    }
  }
  assert.throws(() => checkEnv(new Leaky()), (e: unknown) => e instanceof EnvContractError && /seed 123/.test(e.message));
});

test('an env that reseeds on reset() without a seed is caught', () => {
  class Reseeding extends CounterEnv {
    override reset(args: ResetArgs = {}) {
      return super.reset({ ...args, seed: args.seed ?? 99 });
    }
  }
  assert.throws(() => checkEnv(new Reseeding()), /must continue the random stream/);
});

test('an env that accepts NaN actions is caught', () => {
  class Lenient extends CounterEnv {
    override step(action: never) {
      const finite = Array.from((action as { data: Float32Array }).data, (x) => (Number.isFinite(x) ? x : 0));
      return super.step(ndarray(finite) as never); // silently replaces NaN instead of refusing it
    }
  }
  assert.throws(() => checkEnv(new Lenient()), /NaN action was accepted/);
});

test('observations outside the observation space are errors in checkEnv', () => {
  class Escaping extends CounterEnv {
    override step(action: never) {
      const r = super.step(action);
      return { ...r, observation: { dtype: 'float32' as const, shape: [2], data: new Float32Array([1e9, 0]) } };
    }
  }
  assert.throws(() => checkEnv(new Escaping()), /not in the observation space/);
});

test('a render mode that returns the wrong frame is caught', () => {
  class BadFrame extends CounterEnv {
    override render() {
      return { dtype: 'uint8' as const, shape: [4, 4], data: new Uint8Array(16) };
    }
  }
  register('test/BadFrame-v0', (o) => new BadFrame(o), { maxEpisodeSteps: 5 });
  try {
    assert.throws(() => checkEnv(make('test/BadFrame-v0')), /shape \[H, W, 3\]/);
  } finally {
    deregister('test/BadFrame-v0');
  }
});
