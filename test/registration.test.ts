import { test } from 'node:test';
import assert from 'node:assert/strict';
import { make, register, deregister, spec, registeredIds } from '../envs/registration.js';
import { ndarray } from '../envs/core/ndarray.js';
import { InvalidOptionError, RegistrationError, ResetNeededError } from '../envs/core/errors.js';
import { TimeLimit } from '../envs/wrappers/time-limit.js';
import { OrderEnforcing } from '../envs/wrappers/order-enforcing.js';
import { PassiveEnvChecker } from '../envs/wrappers/passive-env-checker.js';
import { CounterEnv, registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();

/** The wrapper of `make` that carries the time limit. */
function timeLimitOf(env: unknown): TimeLimit<unknown, unknown> | undefined {
  const inner = (env as OrderEnforcing<unknown, unknown>).env;
  return inner instanceof TimeLimit ? inner : undefined;
}

test('make wraps as OrderEnforcing(TimeLimit(PassiveEnvChecker(env)))', () => {
  const env = make('test/Counter-v0');
  assert.ok(env instanceof OrderEnforcing);
  const limit = timeLimitOf(env);
  assert.ok(limit instanceof TimeLimit);
  assert.ok(limit.env instanceof PassiveEnvChecker);
  assert.ok(env.unwrapped instanceof CounterEnv);
  assert.equal(env.spec?.id, 'test/Counter-v0');
  assert.equal(env.spec?.maxEpisodeSteps, 5);
});

test('defaults and options reach the factory; maxEpisodeSteps can be overridden or removed', () => {
  const env = make('test/Counter-v0', { bound: 100, maxEpisodeSteps: 7 });
  assert.equal((env.unwrapped as CounterEnv).bound, 100);
  assert.equal(timeLimitOf(env)?.maxEpisodeSteps, 7);
  const unlimited = make('test/Counter-v0', { maxEpisodeSteps: null });
  assert.equal(timeLimitOf(unlimited), undefined);
});

test('time limit truncates, never terminates', () => {
  const env = make('test/Counter-v0', { bound: 100 });
  env.reset({ seed: 0 });
  const zero = ndarray([0]);
  for (let t = 1; t <= 4; t++) assert.equal(env.step(zero).truncated, false);
  const last = env.step(zero);
  assert.equal(last.truncated, true);
  assert.equal(last.terminated, false);
  assert.throws(() => env.step(zero), /episode has ended/, 'a truncated episode needs a reset too');
});

test('step before reset and after the episode ended are errors', () => {
  const env = make('test/Counter-v0', { bound: 0.5 });
  assert.throws(() => env.step(ndarray([0])), ResetNeededError);
  env.reset({ seed: 0 });
  let r = env.step(ndarray([1]));
  while (!r.terminated && !r.truncated) r = env.step(ndarray([1]));
  assert.throws(() => env.step(ndarray([1])), /episode has ended/);
  env.reset();
  assert.doesNotThrow(() => env.step(ndarray([0])));
});

test('invalid options are reported with their name', () => {
  assert.throws(() => make('test/Counter-v0', { bund: 3 }), (e: unknown) => e instanceof InvalidOptionError && /'bund'.*valid options: .*bound/.test(e.message));
  assert.throws(() => make('test/Counter-v0', { bound: 'three' }), /option 'bound' must be a number/);
  assert.throws(() => make('test/Counter-v0', { renderMode: 'human' as never }), /'renderMode' must be one of rgb_array/);
  assert.throws(() => make('test/Counter-v0', { maxEpisodeSteps: -3 }), /'maxEpisodeSteps' must be a positive integer/);
});

test('unknown ids name the registered ones and other versions', () => {
  assert.throws(() => make('test/Counter-v9'), (e: unknown) => e instanceof RegistrationError && /registered versions: test\/Counter-v0/.test(e.message));
  assert.throws(() => spec('Nope-v0'), /unknown env id 'Nope-v0'; registered: /);
});

test('register validates ids and refuses duplicates; deregister removes', () => {
  assert.throws(() => register('bad id', () => new CounterEnv()), /must look like 'Name-vN'/);
  register('test/Temp-v1', () => new CounterEnv());
  assert.throws(() => register('test/Temp-v1', () => new CounterEnv()), /already registered/);
  assert.ok(registeredIds().includes('test/Temp-v1'));
  assert.ok(deregister('test/Temp-v1'));
  assert.ok(!registeredIds().includes('test/Temp-v1'));
});

test('passive checker throws on a broken step contract', () => {
  class BrokenEnv extends CounterEnv {
    override step(action: never) {
      const r = super.step(action);
      return { ...r, reward: Number.NaN };
    }
  }
  register('test/Broken-v0', () => new BrokenEnv());
  try {
    const env = make('test/Broken-v0');
    env.reset({ seed: 0 });
    assert.throws(() => env.step(ndarray([0])), /rewards must be finite/);
  } finally {
    deregister('test/Broken-v0');
  }
});
