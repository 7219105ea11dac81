// Run directories under misuse: two writers, killed writers, empty or foreign --out, edited
// checkpoints, a damaged metrics file, resume after divergence, Ctrl-C, and settings across resume.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { initBackend } from '../models/compute/backend.js';
import { ModelFileError } from '../models/errors.js';
import { RunDirectory, RunDirectoryError } from '../scripts/runs/run-directory.js';
import { loadPolicy, trainPpo } from '../scripts/runs/ppo.js';
import { BIN, ROOT } from './helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-run-safety-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await initBackend();
});

const record = { command: 'train toy', config: {}, seed: 0, backend: {}, version: 'test' };
const tiny = { envId: 'Pendulum-v1', numEnvs: 1, numSteps: 32, epochs: 1, minibatchSize: 32, hiddenSizes: [8] };

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('one writer at a time: a live holder is named; a killed writer\'s lock and temporaries are taken over', async () => {
  const dir = join(scratch, 'locked');
  const run = RunDirectory.create(dir, { ...record, command: 'train ppo' });
  run.unlock();
  // Another live process holds the run.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: holder.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    assert.throws(() => RunDirectory.open(dir).lock(), (e: Error) => e instanceof RunDirectoryError && new RegExp(`being written by process ${holder.pid}`).test(e.message) && !e.message.includes('\n'));
    await assert.rejects(trainPpo({ totalSteps: 64 }, { out: dir, resume: true }), /being written by process/);
  } finally {
    holder.kill();
  }
  // A killed writer: its lock and its half-written files go.
  const dead = deadPid();
  writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00Z' }));
  writeFileSync(join(dir, `run.json.tmp-${dead}`), '{');
  mkdirSync(join(dir, 'checkpoints', `iter-000003.tmp-${dead}`));
  const reopened = RunDirectory.open(dir);
  reopened.lock();
  assert.equal(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).pid, process.pid);
  assert.ok(!existsSync(join(dir, `run.json.tmp-${dead}`)));
  assert.deepEqual(readdirSync(join(dir, 'checkpoints')), []);
  reopened.unlock();
  assert.ok(!existsSync(join(dir, 'lock')));
});

test('--out must be a new or empty directory: an empty path and a directory of stray checkpoints are refused', () => {
  assert.throws(() => RunDirectory.create('', record), /--out must name a directory for the run, got an empty path/);
  const stray = join(scratch, 'stray');
  mkdirSync(join(stray, 'checkpoints', 'iter-000001'), { recursive: true });
  assert.throws(() => RunDirectory.create(stray, record), /is not empty and holds no run \(no run.json; found checkpoints\)/);
  assert.ok(existsSync(join(stray, 'checkpoints', 'iter-000001')), 'nothing removed');
  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  RunDirectory.create(empty, record).unlock();
});

test('an edited checkpoint value is refused, naming the file and the field; a consistent forgery is caught by its field check', async () => {
  const out = join(scratch, 'edited');
  await trainPpo({ ...tiny, totalSteps: 64 }, { out, evalEpisodes: 0, checkpointEvery: 1 });
  const manifest = join(out, 'checkpoints', 'iter-000002', 'agent.json');
  const original = readFileSync(manifest, 'utf8');
  writeFileSync(manifest, original.replace('"iteration": 2', '"iteration": 7'));
  await assert.rejects(trainPpo({ totalSteps: 96 }, { out, resume: true }), (e: Error) => e instanceof ModelFileError && /agent.json: its metadata \("meta"\) does not match the metaSha256/.test(e.message));
  // Rewrite the digest too (as a faulty writer would): the inconsistent progress is still refused.
  const forged = JSON.parse(original) as { meta: { iteration: number }; metaSha256: string };
  forged.meta.iteration = 7;
  forged.metaSha256 = createHash('sha256').update(JSON.stringify(forged.meta)).digest('hex');
  writeFileSync(manifest, JSON.stringify(forged));
  await assert.rejects(trainPpo({ totalSteps: 96 }, { out, resume: true }), (e: Error) => e instanceof ModelFileError && /field 'globalStep' must be iteration x 32 steps per rollout = 224, got 64/.test(e.message));
  assert.deepEqual(readdirSync(join(out, 'checkpoints')).sort(), ['iter-000001', 'iter-000002'], 'no good checkpoint was overwritten');
});

test('a damaged line inside metrics.jsonl is named, and resume refuses rather than dropping history', async () => {
  const out = join(scratch, 'metrics');
  await trainPpo({ ...tiny, totalSteps: 96 }, { out, evalEpisodes: 0 });
  const file = join(out, 'metrics.jsonl');
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[1] = '{"kind": "iteration", "iter';
  writeFileSync(file, lines.join('\n'));
  assert.throws(() => RunDirectory.open(out).readMetrics(), /metrics.jsonl: line 2 is not valid JSON \(rows after it would be lost\)/);
  await assert.rejects(trainPpo({ totalSteps: 128 }, { out, resume: true }), /line 2 is not valid JSON/);
  assert.equal(readFileSync(file, 'utf8'), lines.join('\n'), 'the file is left as it was');
  appendFileSync(file, '\n{"torn": ');
  lines[1] = '{}';
  writeFileSync(file, `${lines.join('\n')}{"torn": `);
  assert.equal(RunDirectory.open(out).readMetrics().length, lines.filter((l) => l.trim() !== '').length, 'a torn last line is still skipped');
});

test('resume may lower the learning rate (the advice after a divergence), recorded in run.json; run-keeping settings persist', async () => {
  const out = join(scratch, 'lower-lr');
  await trainPpo({ ...tiny, totalSteps: 64, learningRate: 1e-3 }, { out, evalEpisodes: 3, evalEvery: 1, checkpointEvery: 1, keepCheckpoints: 5 });
  await trainPpo({ totalSteps: 128, learningRate: 1e-4 }, { out, resume: true });
  const run = RunDirectory.open(out);
  assert.equal((run.record.config as { learningRate: number }).learningRate, 1e-4);
  assert.deepEqual(run.record.resumes?.map((r) => [r.iteration, r.changes]), [[2, { totalSteps: 128, learningRate: 1e-4 }]]);
  assert.deepEqual(run.record.settings, { checkpointEvery: 1, keepCheckpoints: 5, evalEvery: 1, evalEpisodes: 3 });
  const rows = run.readMetrics();
  assert.deepEqual(rows.filter((r) => r.kind === 'iteration').map((r) => r.learningRate), [1e-3, 5e-4, 5e-5, 2.5e-5], 'the schedule anneals from the new rate over the new budget');
  assert.ok(rows.filter((r) => r.kind === 'eval').every((r) => r.episodes === 3), '--eval-episodes persisted');
  assert.deepEqual(readdirSync(run.checkpointDir).sort(), ['iter-000001', 'iter-000002', 'iter-000003', 'iter-000004'], '--checkpoint-every and --keep-checkpoints persisted');
  await assert.rejects(trainPpo({ gamma: 0.5 }, { out, resume: true }), /gamma 0.5 differs from the run's 0.99 \(only totalSteps and learningRate may change\)/);
});

test('eval cleans up the temporary GIF folder a killed evaluation left', async () => {
  const out = join(scratch, 'gif-run');
  await trainPpo({ ...tiny, totalSteps: 32 }, { out, evalEpisodes: 0 });
  const leftover = join(out, `.tmp-gif-${deadPid()}-abc123`);
  mkdirSync(leftover);
  writeFileSync(join(leftover, 'episode-0.gif'), 'partial');
  const policy = await loadPolicy(out);
  try {
    policy.evaluate({ episodes: 1, seed: 0, gif: join(out, 'policy.gif') });
  } finally {
    policy.close();
  }
  assert.ok(!existsSync(leftover), 'the dead process\'s folder is gone');
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.tmp')), []);
  assert.ok(existsSync(join(out, 'policy.gif')));
});

test('Ctrl-C saves a checkpoint and exits with 130; the run resumes from it', async () => {
  const out = join(scratch, 'sigint');
  const child = spawn(process.execPath, [BIN, 'train', 'ppo', '--env', 'Pendulum-v1', '--steps', '100000', '--num-steps', '64', '--epochs', '1', '--hidden', '8', '--eval-episodes', '0', '--checkpoint-every', '1000', '--out', out], { cwd: ROOT });
  let stdout = '';
  let sent = false;
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && /iteration 2\//.test(stdout)) {
        sent = true; // once: a second Ctrl-C would end the process at once, as usual
        child.kill('SIGINT');
      }
    });
    child.on('exit', (c) => resolve(c));
  });
  assert.equal(code, 130, stdout);
  assert.match(stdout, /interrupted: saved .*iter-0000\d\d; continue with --resume/);
  const checkpoints = readdirSync(join(out, 'checkpoints'));
  assert.equal(checkpoints.length, 1);
  assert.ok(!existsSync(join(out, 'lock')), 'the lock is released');
  const resumed = spawnSync(process.execPath, [BIN, 'train', 'ppo', '--resume', '--out', out, '--steps', String(64 * (Number(checkpoints[0]!.slice(5)) + 1)), '--quiet'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(resumed.status, 0, resumed.stderr);
});

test('the library refuses what would silently train something else: misspelt fields, out-of-range settings, another command\'s run, --out through a file', async () => {
  const out = join(scratch, 'library-misuse');
  await assert.rejects(trainPpo({ envId: 'Pendulum-v1', totalStep: 2048 } as never, { out }), /unknown PPO config field 'totalStep'; valid: preset, envId/);
  await assert.rejects(trainPpo({ ...tiny, totalSteps: 32 }, { out, keepCheckpoints: 0 }), /keepCheckpoints must be an integer >= 1, got 0/);
  await assert.rejects(trainPpo({ ...tiny, totalSteps: 32 }, { out, checkpointEvery: 0 }), /checkpointEvery must be an integer >= 1, got 0/);
  await assert.rejects(trainPpo({ ...tiny, totalSteps: 32 }, { out, evalEvery: -1 }), /evalEvery must be an integer >= 0, got -1/);
  assert.ok(!existsSync(out), 'nothing was created');
  const other = join(scratch, 'other-command');
  RunDirectory.create(other, record).unlock();
  await assert.rejects(trainPpo({ totalSteps: 64 }, { out: other, resume: true }), /is a 'train toy' run; train ppo resumes only 'train ppo' runs/);
  writeFileSync(join(scratch, 'a-file'), '');
  assert.throws(() => RunDirectory.create(join(scratch, 'a-file', 'run'), record), (e: Error) => e instanceof RunDirectoryError && /cannot create the run directory \((ENOTDIR|EEXIST)/.test(e.message));
});
