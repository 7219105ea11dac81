import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunDirectory, RunDirectoryError } from '../scripts/runs/run-directory.js';
import { writeLineChart } from '../scripts/runs/plots.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-run-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const record = { command: 'train ppo', config: { env: 'Pendulum-v1', lr: 3e-4 }, seed: 1, backend: { name: 'cpu' }, version: '0.1.0' };

test('a run directory records config, seed, backend and version, and refuses to be overwritten', () => {
  const dir = join(scratch, 'a');
  const run = RunDirectory.create(dir, record);
  const saved = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(saved.config, record.config);
  assert.equal(saved.seed, 1);
  assert.deepEqual(saved.backend, { name: 'cpu' });
  assert.equal(saved.version, '0.1.0');
  assert.equal(typeof saved.startedAt, 'string');
  assert.ok(existsSync(run.checkpointDir));
  assert.throws(() => RunDirectory.create(dir, record), (e: unknown) => e instanceof RunDirectoryError && /--resume/.test(e.message));
  assert.deepEqual(RunDirectory.open(dir).record.config, record.config);
});

test('metrics append as JSON lines; a torn last line is skipped; truncation keeps chosen rows', () => {
  const run = RunDirectory.create(join(scratch, 'b'), record);
  run.appendMetrics({ step: 1, ret: -5 });
  run.appendMetrics({ step: 2, ret: -4 });
  appendFileSync(run.file('metrics.jsonl'), '{"step": 3, "re');
  assert.deepEqual(run.readMetrics(), [{ step: 1, ret: -5 }, { step: 2, ret: -4 }]);
  run.truncateMetrics((row) => (row.step as number) <= 1);
  assert.deepEqual(run.readMetrics(), [{ step: 1, ret: -5 }]);
});

test('opening a non-run or corrupt run directory is a clear error', () => {
  assert.throws(() => RunDirectory.open(scratch), /is not a run directory \(no run.json\)/);
  const dir = join(scratch, 'c');
  RunDirectory.create(dir, record);
  writeFileSync(join(dir, 'run.json'), '{ nope');
  assert.throws(() => RunDirectory.open(dir), /run.json is not valid JSON/);
});

test('writeLineChart writes a PNG', () => {
  const path = join(scratch, 'curve.png');
  const x = [0, 1, 2, 3];
  writeLineChart(path, [{ label: 'return', x, y: [-4, -3, -2, -1], lower: [-5, -4, -3, -2], upper: [-3, -2, -1, 0] }], {
    title: 't', xLabel: 'steps', yLabel: 'return',
  });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(png.readUInt32BE(16), 800); // IHDR width
});
