import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../envs/index.js';
import { make } from '../envs/registration.js';
import { ndarray, type NDArray } from '../envs/core/ndarray.js';
import { EnvStateError } from '../envs/core/errors.js';
import type { Env } from '../envs/core/env.js';
import { NormalizeObservation } from '../envs/wrappers/normalize-observation.js';
import { NormalizeReward } from '../envs/wrappers/normalize-reward.js';
import { FrameStackObservation } from '../envs/wrappers/frame-stack.js';
import { RecordEpisodeStatistics } from '../envs/wrappers/record-episode-statistics.js';
import { makeVec } from '../envs/vector/index.js';
import { CounterEnv, registerToyEnvs } from './helpers/toy-envs.js';

registerToyEnvs();
const TOY_IMPORTS = [new URL('./helpers/register-toy-envs.js', import.meta.url).href];

type AnyEnv = Env<unknown, unknown>;

/** Observations (as plain arrays), rewards and flags of `actions` played from the current state. */
function play(env: AnyEnv, actions: unknown[]): unknown[] {
  return actions.map((a) => {
    const r = env.step(a);
    const obs = (r.observation as NDArray).data;
    const out = [Array.from(obs), r.reward, r.terminated, r.truncated];
    if (r.terminated || r.truncated) out.push(Array.from((env.reset().observation as NDArray).data));
    return out;
  });
}

test('a snapshot restored into a fresh env continues bit for bit (every built-in env family)', () => {
  for (const [id, options] of [
    ['Pendulum-v1', {}], ['Planar-v0', {}], ['GeomOnIncline-v3', { observation: 'state' }], ['MeshOnIncline-v4', { observation: 'state' }],
  ] as const) {
    const original: AnyEnv = make(id, options);
    original.reset({ seed: 11 });
    original.actionSpace.seed(11);
    for (let t = 0; t < 5; t++) original.step(original.actionSpace.sample());
    const snapshot = structuredClone(original.getState());
    assert.ok(snapshot !== undefined, `${id} supports getState`);
    const actions = Array.from({ length: 30 }, () => original.actionSpace.sample());
    const expected = play(original, actions);

    const restored: AnyEnv = make(id, options);
    restored.reset({ seed: 999 }); // a different episode, overwritten by setState
    restored.setState(snapshot);
    assert.deepEqual(play(restored, actions), expected, id);
  }
});

test('the time limit and order enforcement are part of the snapshot', () => {
  const env: AnyEnv = make('Pendulum-v1');
  env.reset({ seed: 0 });
  const zero = ndarray([0]);
  for (let t = 0; t < 150; t++) env.step(zero);
  const snapshot = env.getState()!;
  const fresh: AnyEnv = make('Pendulum-v1');
  fresh.setState(snapshot); // no reset needed: the snapshot says the episode is running
  for (let t = 1; t < 50; t++) assert.equal(fresh.step(zero).truncated, false);
  assert.equal(fresh.step(zero).truncated, true, 'truncated at step 200 of the restored episode');
  assert.throws(() => fresh.step(zero), /episode has ended/);
});

test('stateful wrappers (normalisation, frame stack, episode statistics) restore their own state', () => {
  const build = (): AnyEnv => new RecordEpisodeStatistics(new FrameStackObservation(
    new NormalizeReward(new NormalizeObservation(make<NDArray<'float32'>, NDArray<'float32'>>('Pendulum-v1'))), 3)) as AnyEnv;
  const a = build();
  a.reset({ seed: 4 });
  a.actionSpace.seed(4);
  for (let t = 0; t < 230; t++) {
    const r = a.step(a.actionSpace.sample());
    if (r.truncated) a.reset();
  }
  const snapshot = structuredClone(a.getState()!);
  const actions = Array.from({ length: 20 }, () => a.actionSpace.sample());
  const expected = play(a, actions);
  const b = build();
  b.setState(snapshot);
  assert.deepEqual(play(b, actions), expected);
  assert.deepEqual((b as RecordEpisodeStatistics<unknown, unknown>).returnQueue, (a as RecordEpisodeStatistics<unknown, unknown>).returnQueue);
});

test('envs without the protocol report undefined and refuse setState; mismatched snapshots are refused', () => {
  const toy = make('test/Counter-v0');
  toy.reset({ seed: 0 });
  assert.equal(toy.getState(), undefined);
  assert.throws(() => new CounterEnv().setState({}), EnvStateError);
  const pendulum = make('Pendulum-v1');
  pendulum.reset({ seed: 0 });
  const unwrappedState = pendulum.unwrapped.getState()!;
  assert.throws(() => pendulum.setState(unwrappedState), /does not come from this wrapper stack/);
  assert.throws(() => pendulum.unwrapped.setState({ ...unwrappedState, th: 'x' }), /'th' must be a finite number/);
});

for (const mode of ['sync', 'async'] as const) {
  test(`${mode} vector env: a snapshot (with a pending autoreset) continues bit for bit in a new vector env`, () => {
    const make2 = () => makeVec('Pendulum-v1', { numEnvs: 2, vectorizationMode: mode, maxEpisodeSteps: 10 });
    const a = make2();
    const b = make2();
    try {
      a.reset({ seed: 3 });
      a.actionSpace.seed(3);
      for (let t = 0; t < 10; t++) a.step(a.actionSpace.sample()); // both envs end at step 10: resets pending
      const snapshot = a.getState()!;
      assert.equal(snapshot.slots.every((s) => s.needsReset), true);
      const actions = Array.from({ length: 15 }, () => a.actionSpace.sample());
      const run = (v: typeof a) => actions.map((x) => {
        const r = v.step(x);
        return [Array.from((r.observation as NDArray).data), Array.from(r.rewards), r.terminated, r.truncated];
      });
      const expected = run(a);
      b.reset({ seed: 100 });
      b.setState(structuredClone(snapshot));
      assert.deepEqual(run(b), expected);
    } finally {
      a.close();
      b.close();
    }
  });
}

test('vector envs of unsupported envs report undefined; a snapshot for another size is refused', () => {
  const toys = makeVec('test/Counter-v0', { numEnvs: 2, vectorizationMode: 'async', imports: TOY_IMPORTS });
  const pendulums = makeVec('Pendulum-v1', { numEnvs: 3 });
  try {
    toys.reset({ seed: 0 });
    assert.equal(toys.getState(), undefined);
    pendulums.reset({ seed: 0 });
    const three = pendulums.getState()!;
    const two = makeVec('Pendulum-v1', { numEnvs: 2 });
    assert.throws(() => two.setState(three), /saved state is for 3 envs, this vector env has 2/);
    two.close();
  } finally {
    toys.close();
    pendulums.close();
  }
});
