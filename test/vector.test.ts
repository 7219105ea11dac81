import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type NDArray, ndarray } from '../envs/core/ndarray.js';
import type { Env, ResetResult, StepResult } from '../envs/core/env.js';
import { deregister, make, register } from '../envs/registration.js';
import { Box } from '../envs/spaces/box.js';
import {
  AsyncVectorEnv, AsyncVectorEnvError, type AutoresetMode, ClosedEnvironmentError, SyncVectorEnv, type VectorEnv,
  type VectorStepResult, makeVec,
} from '../envs/vector/index.js';
import { CounterEnv, registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();

/** Workers import this module so the toy envs are registered there too. */
const TOY_ENVS_URL = new URL('./helpers/register-toy-envs.js', import.meta.url).href;
const imports = [TOY_ENVS_URL];

type Obs = NDArray<'float32'>;
type CounterVec = VectorEnv<Obs, Obs>;

/** A batched Counter action: one value per env, shape [n, 1]. */
function act(values: number[]): Obs {
  return ndarray(values, 'float32', [values.length, 1]);
}

/** Row i of a batched [n, 2] Counter observation as [t, x]. */
function row(obs: Obs, i: number): number[] {
  return Array.from(obs.data.slice(2 * i, 2 * i + 2));
}

/** A single Counter env driven by hand, to predict what vector env slot i must return. */
function counter(bound: number): Env<Obs, Obs> {
  return make<Obs, Obs>('test/Counter-v0', { bound });
}

function withEnv<V extends VectorEnv<any, any>>(env: V, body: (env: V) => void): void {
  try {
    body(env);
  } finally {
    env.close();
  }
}

test('batched spaces and result shapes', () => {
  withEnv(makeVec('test/Counter-v0', { numEnvs: 3 }) as CounterVec, (env) => {
    assert.equal(env.numEnvs, 3);
    assert.equal(env.autoresetMode, 'next-step');
    assert.equal(env.metadata.autoresetMode, 'next-step');
    assert.ok(env.singleObservationSpace.equals(new Box({ low: -1000, high: 1000, shape: [2] })));
    assert.ok(env.observationSpace.equals(new Box({ low: -1000, high: 1000, shape: [3, 2] })));
    assert.ok(env.actionSpace.equals(new Box({ low: -1, high: 1, shape: [3, 1] })));

    const { observation, infos } = env.reset({ seed: 0 });
    assert.deepEqual(observation.shape, [3, 2]);
    assert.equal(observation.dtype, 'float32');
    assert.equal(infos.length, 3);
    assert.ok(env.observationSpace.contains(observation));

    const r = env.step(act([0.5, -0.5, 0]));
    assert.deepEqual(r.observation.shape, [3, 2]);
    assert.ok(r.rewards instanceof Float64Array);
    assert.deepEqual(Array.from(r.rewards), [0.5, -0.5, 0]);
    assert.deepEqual(r.terminated, [false, false, false]);
    assert.deepEqual(r.truncated, [false, false, false]);
    assert.deepEqual(r.infos, [{ t: 1 }, { t: 1 }, { t: 1 }]);
  });
});

test('a seed s seeds env i with s + i; an array seeds each env explicitly', () => {
  const a = makeVec('test/Counter-v0', { numEnvs: 3 }) as CounterVec;
  const b = makeVec('test/Counter-v0', { numEnvs: 3 }) as CounterVec;
  try {
    const fromOne = a.reset({ seed: 42 });
    const fromArray = b.reset({ seed: [42, 43, 44] });
    assert.deepEqual(fromOne, fromArray);
    for (let i = 0; i < 3; i++) {
      const single = counter(3).reset({ seed: 42 + i });
      assert.deepEqual(row(fromOne.observation, i), Array.from(single.observation.data));
      assert.deepEqual(fromOne.infos[i], single.info);
    }
    // An unseeded reset continues each env's own stream: the envs really got different seeds. (The
    // first draws of nearby seeds are nearly equal with this Rng, so compare the second draws.)
    const refs = [0, 1, 2].map((i) => { const ref = counter(3); ref.reset({ seed: 42 + i }); return ref; });
    const continued = a.reset();
    refs.forEach((ref, i) => assert.deepEqual(row(continued.observation, i), Array.from(ref.reset().observation.data)));
    assert.notDeepEqual(row(continued.observation, 0), row(continued.observation, 1));
    assert.deepEqual(a.reset({ seed: 42 }), fromOne);
    assert.throws(() => a.reset({ seed: [1, 2] }), RangeError);
    assert.throws(() => a.reset({ seed: -1 }), RangeError);
  } finally {
    a.close();
    b.close();
  }
});

test('next-step autoreset: the step after truncation resets, ignores the action, reward 0, flags false', () => {
  const seed = 5;
  withEnv(makeVec('test/Counter-v0', { numEnvs: 2, bound: 100 }) as CounterVec, (env) => {
    const refs = [counter(100), counter(100)];
    refs.forEach((ref, i) => ref.reset({ seed: seed + i }));
    env.reset({ seed });

    for (let k = 1; k <= 5; k++) {
      const r = env.step(act([0.5, 0.5]));
      const expected = refs.map((ref) => ref.step(ndarray([0.5])));
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(row(r.observation, i), Array.from(expected[i]!.observation.data));
        assert.equal(row(r.observation, i)[0], k);
      }
      assert.deepEqual(Array.from(r.rewards), [0.5, 0.5]);
      assert.deepEqual(r.terminated, [false, false]);
      assert.deepEqual(r.truncated, [k === 5, k === 5]);
    }

    // Step 6: reset instead of step. The actions (1) are ignored; the reset continues each env's stream.
    const r6 = env.step(act([1, 1]));
    const resets = refs.map((ref) => ref.reset());
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(row(r6.observation, i), Array.from(resets[i]!.observation.data));
      assert.equal(row(r6.observation, i)[0], 0);
      assert.deepEqual(r6.infos[i], resets[i]!.info);
      assert.ok('start' in r6.infos[i]!);
    }
    assert.deepEqual(Array.from(r6.rewards), [0, 0]);
    assert.deepEqual(r6.terminated, [false, false]);
    assert.deepEqual(r6.truncated, [false, false]);

    // Step 7 is an ordinary first step of the new episode.
    const r7 = env.step(act([0.25, -0.25]));
    assert.deepEqual(Array.from(r7.rewards), [0.25, -0.25]);
    assert.deepEqual(row(r7.observation, 0), Array.from(refs[0]!.step(ndarray([0.25])).observation.data));
    assert.deepEqual(row(r7.observation, 1), Array.from(refs[1]!.step(ndarray([-0.25])).observation.data));
    assert.equal(row(r7.observation, 0)[0], 1);
  });
});

test('next-step autoreset on termination with Discrete spaces (test/Chain-v0)', () => {
  withEnv(makeVec<NDArray<'int32'>, number[] | NDArray<'int32'>>('test/Chain-v0', { numEnvs: 2 }), (env) => {
    assert.ok(env.observationSpace.equals(new Box({ low: 0, high: 3, shape: [2], dtype: 'int32' })));
    assert.ok(env.actionSpace.equals(new Box({ low: 0, high: 1, shape: [2], dtype: 'int32' })));
    const { observation } = env.reset({ seed: 0 });
    assert.equal(observation.dtype, 'int32');
    assert.deepEqual(Array.from(observation.data), [0, 0]);

    env.step([1, 0]);
    env.step([1, 1]);
    const end = env.step([1, 1]);
    assert.deepEqual(Array.from(end.observation.data), [3, 2]);
    assert.deepEqual(Array.from(end.rewards), [1, 0]);
    assert.deepEqual(end.terminated, [true, false]);

    // Env 0 resets (its action 1 is ignored, else it would be at 1); env 1 reaches the goal.
    const next = env.step(ndarray([1, 1], 'int32'));
    assert.deepEqual(Array.from(next.observation.data), [0, 3]);
    assert.deepEqual(Array.from(next.rewards), [0, 1]);
    assert.deepEqual(next.terminated, [false, true]);
    assert.deepEqual(next.truncated, [false, false]);

    const after = env.step([1, 1]);
    assert.deepEqual(Array.from(after.observation.data), [1, 0]);
    assert.deepEqual(after.terminated, [false, false]);
  });
});

test('same-step autoreset: the ending step returns the reset obs and puts the final one in info', () => {
  const seed = 9;
  withEnv(makeVec('test/Counter-v0', { numEnvs: 2, bound: 100, autoresetMode: 'same-step' }) as CounterVec, (env) => {
    assert.equal(env.autoresetMode, 'same-step');
    const refs = [counter(100), counter(100)];
    refs.forEach((ref, i) => ref.reset({ seed: seed + i }));
    env.reset({ seed });

    let last: VectorStepResult<Obs> | undefined;
    let finals: StepResult<Obs>[] = [];
    for (let k = 1; k <= 5; k++) {
      last = env.step(act([0.5, -0.5]));
      finals = refs.map((ref, i) => ref.step(ndarray([i === 0 ? 0.5 : -0.5])));
      if (k < 5) assert.equal(row(last.observation, 0)[0], k);
    }
    const r5 = last!;
    const resets: ResetResult<Obs>[] = refs.map((ref) => ref.reset());
    assert.deepEqual(r5.truncated, [true, true]);
    assert.deepEqual(r5.terminated, [false, false]);
    assert.deepEqual(Array.from(r5.rewards), [0.5, -0.5]);
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(row(r5.observation, i), Array.from(resets[i]!.observation.data));
      assert.equal(row(r5.observation, i)[0], 0);
      const info = r5.infos[i]!;
      assert.deepEqual(info.finalObservation, finals[i]!.observation);
      assert.equal((info.finalObservation as Obs).data[0], 5);
      assert.deepEqual(info.finalInfo, { t: 5 });
      assert.equal(info.start, resets[i]!.info.start);
    }

    const r6 = env.step(act([0.5, 0.5]));
    assert.equal(row(r6.observation, 0)[0], 1);
    assert.deepEqual(Array.from(r6.rewards), [0.5, 0.5]);
    assert.deepEqual(r6.infos, [{ t: 1 }, { t: 1 }]);
  });
});

test('same-step autoreset on termination (test/Chain-v0)', () => {
  withEnv(makeVec<NDArray<'int32'>, number[]>('test/Chain-v0', { numEnvs: 1, autoresetMode: 'same-step' }), (env) => {
    env.reset();
    env.step([1]);
    env.step([1]);
    const end = env.step([1]);
    assert.deepEqual(Array.from(end.observation.data), [0]);
    assert.deepEqual(end.terminated, [true]);
    assert.deepEqual(Array.from(end.rewards), [1]);
    assert.deepEqual(end.infos[0], { finalObservation: 3, finalInfo: {} });
    assert.deepEqual(Array.from(env.step([1]).observation.data), [1]);
  });
});

/** Everything a seeded rollout with seeded random actions returns, for comparing two vector envs. */
function rollout(env: VectorEnv<any, any>, steps: number): unknown[] {
  const records: unknown[] = [env.reset({ seed: 123 })];
  env.actionSpace.seed(7);
  for (let k = 0; k < steps; k++) records.push(env.step(env.actionSpace.sample()));
  return records;
}

/** Compares float data bit for bit (deepEqual alone would accept -0 vs 0 only via Object.is). */
function assertBitIdentical(a: unknown[], b: unknown[]): void {
  assert.deepStrictEqual(a, b);
  const bytes = (records: unknown[]) => records.map((r) => {
    const obs = (r as { observation: NDArray }).observation;
    return Buffer.from(obs.data.buffer, obs.data.byteOffset, obs.data.byteLength).toString('hex');
  });
  assert.deepEqual(bytes(a), bytes(b));
}

for (const autoresetMode of ['next-step', 'same-step'] as AutoresetMode[]) {
  test(`sync and async give bit-identical rollouts (${autoresetMode})`, () => {
    // bound 1.5 makes episodes terminate as well as truncate within the rollout.
    const options = { numEnvs: 3, bound: 1.5, autoresetMode, imports };
    const sync = makeVec('test/Counter-v0', { ...options, vectorizationMode: 'sync' });
    const async = makeVec('test/Counter-v0', { ...options, vectorizationMode: 'async' });
    try {
      assert.ok(async instanceof AsyncVectorEnv);
      assert.ok(async.observationSpace.equals(sync.observationSpace));
      const a = rollout(sync, 20);
      const b = rollout(async, 20);
      const ended = a.slice(1).some((r) => (r as VectorStepResult<Obs>).terminated.some(Boolean));
      assert.ok(ended, 'the rollout should contain a termination');
      assertBitIdentical(a, b);
    } finally {
      sync.close();
      async.close();
    }
  });
}

test('async env with Discrete spaces matches sync', () => {
  const sync = makeVec('test/Chain-v0', { numEnvs: 2 });
  const async = new AsyncVectorEnv([{ id: 'test/Chain-v0' }, { id: 'test/Chain-v0' }], { imports });
  try {
    assert.deepStrictEqual(rollout(async, 15), rollout(sync, 15));
  } finally {
    sync.close();
    async.close();
  }
});

test('stepAsync + stepWait equal step; misuse is reported', () => {
  const sync = makeVec('test/Counter-v0', { numEnvs: 2 }) as CounterVec;
  const async = new AsyncVectorEnv<Obs, Obs>([{ id: 'test/Counter-v0' }, { id: 'test/Counter-v0' }], { imports });
  try {
    assert.throws(() => async.stepWait(), /without a pending stepAsync/);
    assert.deepStrictEqual(async.reset({ seed: 1 }), sync.reset({ seed: 1 }));
    async.stepAsync(act([0.3, -0.7]));
    assert.throws(() => async.step(act([0, 0])), /stepWait\(\) first/);
    assert.throws(() => async.stepAsync(act([0, 0])), /stepWait\(\) first/);
    assert.throws(() => async.reset(), /stepWait\(\) first/);
    assert.deepStrictEqual(async.stepWait(), sync.step(act([0.3, -0.7])));
    assert.deepStrictEqual(async.step(act([0.1, 0.1])), sync.step(act([0.1, 0.1])));
  } finally {
    sync.close();
    async.close();
  }
});

test('an exception in a worker becomes an error naming the env; the workers stay usable', () => {
  withEnv(new AsyncVectorEnv<Obs, Obs>([{ id: 'test/Counter-v0' }, { id: 'test/Counter-v0' }], { imports }), (env) => {
    assert.throws(() => env.step(act([0, 0])), (error: unknown) => {
      assert.ok(error instanceof AsyncVectorEnvError);
      assert.equal(error.envIndex, 0);
      assert.equal(error.workerErrorName, 'ResetNeededError');
      assert.match(error.message, /env 0 \(test\/Counter-v0\) failed in step: ResetNeededError: .*reset\(\).*\(envs 1 failed too\)/);
      return true;
    });
    env.reset({ seed: 0 });
    assert.throws(() => env.step(act([0.5, 5])), (error: unknown) => {
      assert.ok(error instanceof AsyncVectorEnvError);
      assert.equal(error.envIndex, 1);
      assert.match(error.message, /env 1 .*InvalidActionError: .*outside/);
      return true;
    });
    assert.equal(env.closed, false);
    // Env 0 took its step before env 1 failed, exactly as a SyncVectorEnv would have.
    const r = env.step(act([0.5, 0.5]));
    assert.deepEqual([row(r.observation, 0)[0], row(r.observation, 1)[0]], [2, 1]);
  });
});

test('SyncVectorEnv propagates env exceptions unchanged', () => {
  withEnv(makeVec('test/Counter-v0', { numEnvs: 2 }) as CounterVec, (env) => {
    assert.throws(() => env.step(act([0, 0])), { name: 'ResetNeededError' });
    env.reset();
    assert.throws(() => env.step(act([0.5, 5])), { name: 'InvalidActionError' });
    assert.throws(() => env.step(act([0.5])), RangeError);
  });
});

// A module, given to the workers as a data: URL, that registers an env able to kill its worker.
const CRASH_MODULE = `data:text/javascript,${encodeURIComponent(`
import { register } from ${JSON.stringify(new URL('../envs/registration.js', import.meta.url).href)};
import { CounterEnv } from ${JSON.stringify(new URL('./helpers/toy-envs.js', import.meta.url).href)};
class CrashEnv extends CounterEnv {
  step(action) {
    const u = action.data[0];
    if (u === -1) process.exit(3);
    if (u === 1) setTimeout(() => { throw new Error('late boom'); }, 0);
    if (u === 0) for (;;) {}
    return super.step(action);
  }
}
register('test/Crash-v0', () => new CrashEnv());
`)}`;

test('a worker that dies or hangs closes the vector env with an error naming it', async () => {
  deregister('test/Crash-v0');
  register('test/Crash-v0', () => new CounterEnv()); // the main thread only reads its spaces
  const specs = [{ id: 'test/Crash-v0' }, { id: 'test/Crash-v0' }];
  try {
    const exiting = new AsyncVectorEnv<Obs, Obs>(specs, { imports: [CRASH_MODULE] });
    exiting.reset();
    assert.throws(() => exiting.step(act([0.5, -1])), /env 1 \(test\/Crash-v0\) failed in step: .*exited with code 3.*now closed/);
    assert.equal(exiting.closed, true);
    assert.throws(() => exiting.reset(), ClosedEnvironmentError);
    exiting.close();

    const throwing = new AsyncVectorEnv<Obs, Obs>(specs, { imports: [CRASH_MODULE] });
    throwing.reset();
    throwing.step(act([1, 0.5])); // replies, then an uncaught error ends worker 0
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.throws(() => throwing.step(act([0.5, 0.5])), /env 0 .*Error: late boom/);
    assert.equal(throwing.closed, true);

    const hanging = new AsyncVectorEnv<Obs, Obs>(specs, { imports: [CRASH_MODULE], timeoutMs: 300 });
    hanging.reset();
    assert.throws(() => hanging.step(act([0.5, 0])), /env 1 .*did not reply to step within 300 ms/);
    assert.equal(hanging.closed, true);
  } finally {
    deregister('test/Crash-v0');
  }
});

test('close(): idempotent, and any later use throws ClosedEnvironmentError', () => {
  const sync = makeVec('test/Counter-v0', { numEnvs: 2 }) as CounterVec;
  const async = makeVec('test/Counter-v0', { numEnvs: 2, vectorizationMode: 'async', imports }) as AsyncVectorEnv<Obs, Obs>;
  async.reset();
  async.stepAsync(act([0.1, 0.1])); // closing with a step in flight is fine
  for (const env of [sync, async]) {
    env.close();
    assert.equal(env.closed, true);
    env.close();
    assert.throws(() => env.reset(), ClosedEnvironmentError);
    assert.throws(() => env.step(act([0, 0])), ClosedEnvironmentError);
    assert.throws(() => env.render(), ClosedEnvironmentError);
  }
  assert.throws(() => async.stepAsync(act([0, 0])), ClosedEnvironmentError);
  assert.throws(() => async.stepWait(), ClosedEnvironmentError);
});

test('render(): one frame per env; without a render mode it refuses, and reset() refuses unknown keys, as single envs do', () => {
  const options = { numEnvs: 2, renderMode: 'rgb_array' as const, imports };
  const sync = makeVec('test/Counter-v0', options);
  const async = makeVec('test/Counter-v0', { ...options, vectorizationMode: 'async' });
  const chain = makeVec('test/Chain-v0', { numEnvs: 2 });
  try {
    for (const env of [sync, async]) env.reset({ seed: 3 });
    const frames = sync.render()!;
    assert.equal(frames.length, 2);
    for (const frame of frames) assert.deepEqual(frame.shape, [4, 4, 3]);
    assert.deepStrictEqual(async.render(), frames);
    chain.reset();
    assert.throws(() => chain.render(), /render\(\) needs a render mode: make the envs with renderMode: 'rgb_array'/);
    assert.throws(() => chain.reset({ sed: 0 } as never), /reset\(\): unknown key 'sed'; valid keys: seed, options/);
  } finally {
    sync.close();
    async.close();
    chain.close();
  }
});

test('sub-envs with different spaces are rejected with a clear error', () => {
  assert.throws(
    () => new SyncVectorEnv([() => make('test/Counter-v0'), () => make('test/Chain-v0')]),
    /SyncVectorEnv: env 1 has observationSpace Discrete\(4\) but env 0 has Box/,
  );
  assert.throws(
    () => new AsyncVectorEnv([{ id: 'test/Counter-v0' }, { id: 'test/Chain-v0' }], { imports }),
    /AsyncVectorEnv: env 1 has observationSpace Discrete\(4\)/,
  );
  assert.throws(() => new SyncVectorEnv([]), /non-empty array/);
});

test('imports: a missing file is one clear error; relative paths resolve against the cwd', () => {
  assert.throws(
    () => new AsyncVectorEnv([{ id: 'test/Counter-v0' }], { imports: ['no/such/module.js'] }),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.equal(error.name, 'InvalidOptionError');
      assert.match(error.message, /imports\[0\] 'no\/such\/module\.js' does not exist \(resolved to .*no\/such\/module\.js\)/);
      return true;
    },
  );
  const relative = path.relative(process.cwd(), fileURLToPath(TOY_ENVS_URL));
  withEnv(makeVec('test/Counter-v0', { numEnvs: 2, vectorizationMode: 'async', imports: [relative] }) as CounterVec, (env) => {
    assert.deepEqual(env.reset({ seed: 0 }).observation.shape, [2, 2]);
  });
});

test('a worker that does not know the env id says how to register it', () => {
  assert.throws(
    () => new AsyncVectorEnv([{ id: 'test/Counter-v0' }]),
    /env 0 \(test\/Counter-v0\) failed in start: RegistrationError: unknown env id 'test\/Counter-v0'.*'imports'/,
  );
});

test('makeVec validates its own options and passes the rest to make', () => {
  assert.throws(() => makeVec('test/Counter-v0', { numEnvs: 0 }), /numEnvs/);
  assert.throws(() => makeVec('test/Counter-v0', { vectorizationMode: 'threads' as 'sync' }), /vectorizationMode/);
  assert.throws(() => makeVec('test/Counter-v0', { autoresetMode: 'never' as AutoresetMode }), /autoresetMode/);
  assert.throws(() => makeVec('test/Counter-v0', { colour: 'red' }), /unknown option 'colour'/);
  withEnv(makeVec('test/Counter-v0', { maxEpisodeSteps: 2 }) as CounterVec, (env) => {
    assert.equal(env.numEnvs, 1);
    env.reset();
    env.step(act([0]));
    assert.deepEqual(env.step(act([0])).truncated, [true]);
  });
});

test('async workers start under `node --input-type=module -e` (main-script flags are not passed to them)', () => {
  const entry = new URL('../envs/index.js', import.meta.url).href;
  const script = `import { makeVec } from ${JSON.stringify(entry)}; const v = makeVec('Pendulum-v1', { numEnvs: 2, vectorizationMode: 'async' }); v.reset({ seed: 0 }); v.close(); console.log('ok');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
});
