// latentgym as a dependency: the package entry's training and policy functions, and run.json's record of
// user modules (a resumed or evaluated run loads them by itself). The README's examples: readme.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RunDirectory, loadPolicy, trainPpo } from '../index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'latentgym-library-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A user module registering an env the library does not know, as `--import` would load it. */
function writeUserEnvModule(): string {
  const path = join(scratch, 'line-env.mjs');
  const entry = pathToFileURL(join(ROOT, 'dist', 'envs', 'index.js')).href;
  writeFileSync(path, `
import { Env, Box, register, ndarray } from ${JSON.stringify(entry)};
// A point on a line; the action moves it; reward -|x|. No state protocol: a resume starts fresh episodes.
class LineEnv extends Env {
  observationSpace = new Box({ low: -10, high: 10, shape: [1] });
  actionSpace = new Box({ low: -1, high: 1, shape: [1] });
  metadata = { renderModes: [], renderFps: 1 };
  renderMode = undefined;
  x = 0;
  reset({ seed } = {}) { this.seedRandom(seed); this.x = this.npRandom.uniform(-5, 5); return { observation: ndarray([this.x]), info: {} }; }
  step(action) {
    this.x = Math.min(10, Math.max(-10, this.x + action.data[0]));
    return { observation: ndarray([this.x]), reward: -Math.abs(this.x), terminated: false, truncated: false, info: {} };
  }
}
register('user/Line-v0', () => new LineEnv(), { maxEpisodeSteps: 20 });
`);
  return path;
}

test('trainPpo and loadPolicy from the package entry; run.json records the user module and a new process reloads it', async () => {
  const module = writeUserEnvModule();
  const out = join(scratch, 'line-run');
  const summary = await trainPpo(
    { envId: 'user/Line-v0', seed: 3, numEnvs: 2, numSteps: 64, epochs: 2, minibatchSize: 32, totalSteps: 256, hiddenSizes: [16] },
    { out, imports: [module], evalEpisodes: 2, checkpointEvery: 1 },
  );
  assert.equal(summary.steps, 256);
  assert.equal(summary.evaluation?.episodes, 2);
  const record = RunDirectory.open(out).record;
  assert.deepEqual(record.imports, [pathToFileURL(module).href]);
  assert.equal(record.seed, 3);
  assert.equal(record.command, 'train ppo');

  const policy = await loadPolicy(out);
  try {
    assert.equal(policy.step, 256);
    const action = policy.act({ dtype: 'float32', shape: [1], data: Float32Array.of(2) }) as { shape: number[]; data: Float32Array };
    assert.deepEqual(action.shape, [1]);
    assert.ok(Math.abs(action.data[0]!) <= 1, 'the action is clipped to the action space');
  } finally {
    policy.close();
  }

  // A fresh process that never imported the module: evaluation and --resume load it from run.json.
  const bin = join(ROOT, 'bin', 'latentgym.js');
  const evaluated = spawnSync(process.execPath, [bin, 'eval', '--run', out, '--episodes', '2', '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.equal(JSON.parse(evaluated.stdout).env, 'user/Line-v0');
  const resumed = spawnSync(process.execPath, [bin, 'train', 'ppo', '--resume', '--out', out, '--steps', '384', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(resumed.status, 0, resumed.stderr);
  const steps = RunDirectory.open(out).readMetrics().filter((r) => r.kind === 'iteration').map((r) => r.step);
  assert.deepEqual(steps, [128, 256, 384]);
});

test('a missing user module recorded in run.json is one clear error', async () => {
  const module = writeUserEnvModule();
  const out = join(scratch, 'moved-module');
  await trainPpo({ envId: 'user/Line-v0', numEnvs: 1, numSteps: 32, epochs: 1, minibatchSize: 32, totalSteps: 32 }, { out, imports: [module], evalEpisodes: 0 });
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { imports: string[] };
  record.imports = [pathToFileURL(join(scratch, 'gone.mjs')).href];
  writeFileSync(join(out, 'run.json'), JSON.stringify(record));
  await assert.rejects(loadPolicy(out), (error: Error) => /could not load the user module .*gone\.mjs/.test(error.message) && !error.message.includes('\n'));
});
