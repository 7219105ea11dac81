// The one training loop, with a toy learner (a counter that "learns" by adding its iteration), so
// that checkpoints, resume, Ctrl-C, divergence and evaluation are checked independently of PPO.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingDivergedError } from '../models/errors.js';
import { RunDirectory } from '../scripts/runs/run-directory.js';
import { type Learner, type LoopOptions, runTraining } from '../scripts/runs/training-loop.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-loop-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

class CounterLearner implements Learner {
  readonly label = 'train counter';
  readonly unit = 'samples';
  iteration = 0;
  sum = 0;
  evaluations = 0;
  constructor(readonly iterations: number, readonly options: { divergeAt?: number; interruptAt?: number } = {}) {}
  get progress() { return this.iteration * 10; }
  get total() { return this.iterations * 10; }
  get done() { return this.iteration >= this.iterations; }
  iterate() {
    if (this.iteration + 1 === this.options.divergeAt) throw new TrainingDivergedError(`loss is NaN at iteration ${this.iteration + 1}`);
    this.iteration += 1;
    this.sum += this.iteration;
    if (this.iteration === this.options.interruptAt) process.emit('SIGINT', 'SIGINT');
    return { row: { iteration: this.iteration, sum: this.sum }, display: { sum: String(this.sum) } };
  }
  async save(dir: string) { writeFileSync(join(dir, 'state.json'), JSON.stringify({ iteration: this.iteration, sum: this.sum })); }
  async restore(dir: string) {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { iteration: number; sum: number };
    this.iteration = state.iteration;
    this.sum = state.sum;
    return { exact: true };
  }
  evaluate() {
    this.evaluations += 1;
    return { row: { sum: this.sum }, line: `sum ${this.sum}` };
  }
  plot(run: RunDirectory) { return run.file('plot.png'); }
}

const options: LoopOptions = { checkpointEvery: 2, keepCheckpoints: 2, evalEvery: 3, finalEvaluation: true, quiet: true };
const newRun = (name: string) => RunDirectory.create(join(scratch, name), { command: 'train counter', config: {}, seed: 0, backend: {}, version: 'test' });

test('checkpoints every N iterations and at the end (newest kept), evaluations every M and at the end, rows with the rate', async () => {
  const run = newRun('plain');
  const learner = new CounterLearner(5);
  const result = await runTraining(run, learner, options, false);
  assert.equal(result.iterations, 5);
  assert.equal(result.progress, 50);
  assert.deepEqual(readdirSync(run.checkpointDir).sort(), ['iter-000004', 'iter-000005']);
  const rows = run.readMetrics();
  assert.deepEqual(rows.map((r) => `${r.kind}${r.iteration}`), ['iteration1', 'iteration2', 'iteration3', 'eval3', 'iteration4', 'iteration5', 'eval5']);
  assert.ok(rows.filter((r) => r.kind === 'iteration').every((r) => typeof r.samplesPerSecond === 'number' && typeof r.elapsedSeconds === 'number'));
  assert.deepEqual(result.evaluation, { kind: 'eval', iteration: 5, sum: 15 });
});

test('Ctrl-C between iterations saves a checkpoint and stops; resume continues from it and drops newer metrics rows', async () => {
  const run = newRun('interrupted');
  const first = await runTraining(run, new CounterLearner(6, { interruptAt: 3 }), options, false);
  assert.equal(first.interrupted, true);
  assert.equal(first.evaluation, null, 'no final evaluation after an interruption');
  assert.ok(readdirSync(run.checkpointDir).includes('iter-000003'), 'a checkpoint at the interruption');
  run.appendMetrics({ kind: 'iteration', iteration: 9, note: 'written after the checkpoint by a crashed process' });
  const learner = new CounterLearner(6);
  const second = await runTraining(RunDirectory.open(run.path), learner, options, true);
  assert.match(second.resumedFrom!, /iter-000003$/);
  assert.equal(learner.sum, 1 + 2 + 3 + 4 + 5 + 6, 'the state restored from the checkpoint, then trained on');
  const iterations = run.readMetrics().filter((r) => r.kind === 'iteration').map((r) => r.iteration);
  assert.deepEqual(iterations, [1, 2, 3, 4, 5, 6]);
});

test('divergence writes a diverged row and names the last good checkpoint; the learner is not checkpointed past it', async () => {
  const run = newRun('diverged');
  await assert.rejects(runTraining(run, new CounterLearner(6, { divergeAt: 4 }), options, false), (error: Error) =>
    error instanceof TrainingDivergedError && /loss is NaN at iteration 4; the last good checkpoint is .*iter-000002/.test(error.message));
  assert.deepEqual(readdirSync(run.checkpointDir), ['iter-000002']);
  assert.equal(run.readMetrics().at(-1)!.kind, 'diverged');
});
