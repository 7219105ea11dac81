// Transition datasets: round trip through the chunked format, reading parts, collecting from the
// incline envs (mixed objects too), and damaged datasets refused with one line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { Rng } from '../envs/core/rng.js';
import { ModelFileError } from '../models/errors.js';
import {
  FLAG_EPISODE_START, FLAG_TERMINATED, FLAG_TRUNCATED, TransitionDataset, TransitionDatasetWriter, collectTransitions,
} from '../models/data/index.js';
import { runCli } from './helpers/cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'latentgym-transitions-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function writeSynthetic(dir: string, count: number, chunkSize: number) {
  const writer = new TransitionDatasetWriter(dir, { frame: [2, 3, 3], actionDim: 2, stateDim: 3 }, { chunkSize, meta: { envId: 'synthetic', seed: 7 } });
  for (let t = 0; t < count; t++) {
    writer.append({
      frame: Array.from({ length: 18 }, (_, k) => (t + k) % 256), nextFrame: Array.from({ length: 18 }, (_, k) => (t + k + 1) % 256),
      action: [t, -t / 2], reward: t * 0.25, state: [t, t + 0.5, 10 - t], nextState: [t + 1, t + 1.5, 9 - t],
      ids: [t % 3, Math.floor(t / 3), 5, -1], flags: t % 5 === 0 ? FLAG_EPISODE_START : t % 5 === 4 ? FLAG_TERMINATED : 0,
    });
  }
  return writer.finish();
}

test('a dataset round trips: manifest, chunks, batches, iteration, sampling, hashes', () => {
  const dir = join(TMP, 'synthetic');
  const manifest = writeSynthetic(dir, 20, 7);
  assert.equal(manifest.count, 20);
  assert.deepEqual(manifest.chunks.map((c) => c.count), [7, 7, 6]);
  const data = TransitionDataset.open(dir);
  data.verify();
  assert.equal(data.count, 20);
  assert.deepEqual(data.meta, { envId: 'synthetic', seed: 7 });
  assert.deepEqual(data.fields.frames.shape, [2, 3, 3]);
  const chunk = data.chunk(1);
  assert.equal(chunk.count, 7);
  assert.equal(chunk.frames.length, 7 * 18);
  assert.equal(chunk.frames[0], 7);
  assert.deepEqual(Array.from(chunk.actions.slice(0, 2)), [7, -3.5]);
  let seen = 0;
  for (const batch of data) seen += batch.count;
  assert.equal(seen, 20);
  const batch = data.batch([19, 0, 8]);
  assert.deepEqual(Array.from(batch.rewards), [4.75, 0, 2]);
  assert.deepEqual(Array.from(batch.state), [19, 19.5, -9, 0, 0.5, 10, 8, 8.5, 2]);
  assert.deepEqual(Array.from(batch.nextState.slice(0, 3)), [20, 20.5, -10]);
  assert.deepEqual(Array.from(batch.ids), [1, 6, 5, -1, 0, 0, 5, -1, 2, 2, 5, -1]);
  assert.deepEqual(Array.from(batch.flags), [FLAG_TERMINATED, FLAG_EPISODE_START, 0]);
  assert.equal(batch.frames[18], 0);
  assert.equal(batch.nextFrames[18 * 2], 9);
  const a = data.sample(10, new Rng(3));
  const b = data.sample(10, new Rng(3));
  assert.deepEqual(a.rewards, b.rewards);
  assert.throws(() => data.batch([20]), RangeError);
  assert.throws(() => new TransitionDatasetWriter(dir, { frame: [1], actionDim: 1, stateDim: 1 }), /already holds a dataset/);
});

test('a truncated or unfinished dataset is refused with one line', () => {
  const dir = join(TMP, 'truncated');
  const manifest = writeSynthetic(dir, 10, 4);
  const file = join(dir, manifest.chunks[1]!.files.frames.file);
  truncateSync(file, statSync(file).size - 5);
  assert.throws(() => TransitionDataset.open(dir), (error: Error) => {
    assert.ok(error instanceof ModelFileError);
    assert.match(error.message, /^dataset file .*chunk-00001\.frames\.uint8 is truncated: 67 bytes, the manifest says 72 \(re-collect the dataset\)$/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  const unfinished = join(TMP, 'unfinished');
  const writer = new TransitionDatasetWriter(unfinished, { frame: [1], actionDim: 1, stateDim: 1 }, { chunkSize: 1 });
  writer.append({ frame: [1], nextFrame: [2], action: [0], reward: 0, state: [0], nextState: [0], ids: [0, 0, -1, -1], flags: 0 });
  assert.throws(() => TransitionDataset.open(unfinished), /no manifest\.json \(an unfinished collection has none\)$/);
  // A byte changed in place keeps the size: verify() finds it by its hash.
  const edited = join(TMP, 'edited');
  const m = writeSynthetic(edited, 5, 5);
  const rewards = join(edited, m.chunks[0]!.files.rewards.file);
  const bytes = readFileSync(rewards);
  bytes[0] = bytes[0]! ^ 1;
  writeFileSync(rewards, bytes);
  assert.throws(() => TransitionDataset.open(edited).verify(), /does not match its sha256/);
});

test('collecting 2000 steps of GeomOnIncline-v0 with 4 envs records consistent transitions', () => {
  const dir = join(TMP, 'geom');
  const manifest = collectTransitions({ envId: 'GeomOnIncline-v0', envOptions: { observation: 'state' }, steps: 2000, numEnvs: 4, seed: 11, frameSize: 32, out: dir, chunkSize: 512 });
  assert.equal(manifest.count, 2000);
  assert.equal(manifest.chunks.length, 4);
  const data = TransitionDataset.open(dir);
  data.verify();
  assert.deepEqual(data.fields.frames.shape, [32, 32, 3]);
  assert.deepEqual(data.fields.state.shape, [3]);
  assert.deepEqual((data.meta.seeds as { envResetSeeds: number[] }).envResetSeeds, [11, 12, 13, 14]);
  const frameSize = 32 * 32 * 3;
  let starts = 0;
  let ends = 0;
  let checked = 0;
  for (let c = 0; c < data.numChunks; c++) {
    const chunk = data.chunk(c);
    for (let t = 0; t < chunk.count; t++) {
      const flags = chunk.flags[t]!;
      if (flags & FLAG_EPISODE_START) starts++;
      if (flags & (FLAG_TERMINATED | FLAG_TRUNCATED)) ends++;
      assert.equal(chunk.ids[4 * t], (c * 512 + t) % 4); // env index, in lockstep order
      assert.equal(chunk.ids[4 * t + 2], 0); // object id of GeomOnIncline-v0
      // Without an episode end, the next transition of the same env starts where this one ended.
      if (!(flags & (FLAG_TERMINATED | FLAG_TRUNCATED)) && t + 4 < chunk.count) {
        assert.deepEqual(chunk.state.slice(3 * (t + 4), 3 * (t + 5)), chunk.nextState.slice(3 * t, 3 * t + 3));
        assert.deepEqual(chunk.frames.slice(frameSize * (t + 4), frameSize * (t + 5)), chunk.nextFrames.slice(frameSize * t, frameSize * (t + 1)));
        checked++;
      }
    }
  }
  assert.ok(checked > 1500);
  assert.ok(ends > 0, 'some episodes end in 2000 steps');
  assert.ok(starts >= ends && starts <= ends + 4);
  // Same seed, same data.
  const again = collectTransitions({ envId: 'GeomOnIncline-v0', envOptions: { observation: 'state' }, steps: 300, numEnvs: 4, seed: 11, frameSize: 32, out: join(TMP, 'geom-again'), chunkSize: 512 });
  assert.equal(again.chunks[0]!.files.actions.sha256 === manifest.chunks[0]!.files.actions.sha256, false); // 300 vs 512 rows
  assert.deepEqual(TransitionDataset.open(join(TMP, 'geom-again')).batch([0, 299]).frames, data.batch([0, 299]).frames);
});

test('mixed objects: env i runs object i mod 6; other envs are refused', () => {
  const dir = join(TMP, 'mixed');
  collectTransitions({ envId: 'GeomOnIncline-v3', envOptions: { observation: 'state' }, steps: 140, numEnvs: 7, seed: 0, frameSize: 16, mixedObjects: true, out: dir });
  const data = TransitionDataset.open(dir);
  const chunk = data.chunk(0);
  for (let t = 0; t < chunk.count; t++) assert.equal(chunk.ids[4 * t + 2], chunk.ids[4 * t]! % 6);
  assert.deepEqual(data.meta.envIds, ['GeomOnIncline-v0', 'GeomOnIncline-v1', 'GeomOnIncline-v2', 'GeomOnIncline-v3', 'GeomOnIncline-v4', 'GeomOnIncline-v5', 'GeomOnIncline-v0']);
  const looks = new Set(Array.from({ length: chunk.count }, (_, t) => chunk.ids[4 * t + 3]));
  assert.ok(looks.size > 1, 'the look is drawn per reset');
  assert.throws(() => collectTransitions({ envId: 'Pendulum-v1', steps: 1, numEnvs: 2, mixedObjects: true, out: join(TMP, 'x') }), /--mixed-objects needs a GeomOnIncline-vN or MeshOnIncline-vN env, got 'Pendulum-v1'/);
});

test('latentgym collect writes a dataset; bad input is one line', () => {
  const out = join(TMP, 'cli');
  const r = runCli(['collect', '--env', 'Pendulum-v1', '--steps', '50', '--num-envs', '2', '--frame-size', '16', '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as { steps: number };
  assert.equal(summary.steps, 50);
  const data = TransitionDataset.open(out);
  assert.equal((data.meta.policy as { kind: string }).kind, 'random');
  assert.equal(typeof data.meta.version, 'string');
  const again = runCli(['collect', '--env', 'Pendulum-v1', '--steps', '5', '--out', out]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /^latentgym: --out: .* already holds a dataset; choose another directory\n$/);
  const mixed = runCli(['collect', '--env', 'Pendulum-v1', '--mixed-objects', '--steps', '5', '--out', join(TMP, 'cli-mixed')]);
  assert.notEqual(mixed.code, 0);
  assert.equal(mixed.stderr.trim().split('\n').length, 1, mixed.stderr);
});

test('collect --policy RUN_DIR: runs trained on state and on pixels act while frames are recorded; others refused', async () => {
  const { trainPpo } = await import('../scripts/runs/ppo.js');
  const { collectDataset } = await import('../scripts/cli/collect.js');
  const base = { envId: 'GeomOnIncline-v0', seed: 1, numEnvs: 1, numSteps: 32, epochs: 1, minibatchSize: 32, totalSteps: 32, hiddenSizes: [8] };
  const args = { env: undefined, policy: '', steps: 40, numEnvs: 2, seed: 0, frameSize: 24, chunkSize: 4096, mixedObjects: false, out: '', envOption: undefined, json: true, importUrls: [] };
  for (const pipeline of ['state', 'pixels'] as const) {
    const run = join(TMP, `run-${pipeline}`);
    const pixels = { frameSize: 36, grayscale: true, frameStack: 2 };
    await trainPpo({ ...base, pipeline, ...(pipeline === 'pixels' ? { pixels } : {}) }, { out: run, evalEpisodes: 0 });
    const out = join(TMP, `policy-${pipeline}`);
    const summary = await collectDataset({ ...args, policy: run, out });
    assert.equal(summary.steps, 40);
    const data = TransitionDataset.open(out);
    assert.deepEqual(data.fields.frames.shape, [24, 24, 3]);
    assert.equal((data.meta.policy as { pipeline: string }).pipeline, pipeline);
    await assert.rejects(collectDataset({ ...args, policy: run, env: 'Pendulum-v1', out: join(TMP, `bad-${pipeline}`) }), /^UsageError: --env Pendulum-v1 differs from the run's env GeomOnIncline-v0/);
  }
});
