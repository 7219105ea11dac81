import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { RunDirectory } from '../scripts/runs/run-directory.js';
import { type TrainArgs, train } from '../scripts/cli/train.js';
import { evaluateRun } from '../scripts/cli/eval.js';
import { benchPpo } from '../scripts/bench/ppo.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-ppo-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** `latentgym train ppo` arguments as yargs gives them (flags not given are undefined). */
export function trainArgs(overrides: Partial<TrainArgs>): TrainArgs {
  return {
    env: undefined, obs: undefined, encoder: undefined, preset: undefined, steps: undefined, seed: undefined, out: undefined,
    resume: false, backend: undefined, vectorization: undefined, checkpointEvery: 1, keepCheckpoints: 3, evalEvery: 0,
    evalEpisodes: 2, quiet: true, ...overrides,
  };
}

const pendulum = { env: 'Pendulum-v1', numEnvs: 2, numSteps: 64, epochs: 2, minibatchSize: 32, hidden: [16, 16] };

test('train ppo writes run.json, metrics, checkpoints and a learning curve; --resume continues it; eval scores and records it', async () => {
  const out = join(scratch, 'run');
  const first = await train(trainArgs({ ...pendulum, out, steps: 256, seed: 3 }));
  assert.equal(first.iterations, 2);
  assert.equal(first.steps, 256);
  assert.ok(first.evaluation !== null && first.evaluation.episodes === 2);
  const run = RunDirectory.open(out);
  assert.equal(run.record.command, 'train ppo');
  assert.equal(run.record.seed, 3);
  assert.deepEqual((run.record.config as { hiddenSizes: number[] }).hiddenSizes, [16, 16]);
  assert.equal(readFileSync(join(out, 'learning-curve.png')).subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual(readdirSync(run.checkpointDir).sort(), ['iter-000001', 'iter-000002']);
  const rows = run.readMetrics();
  assert.deepEqual(rows.map((r) => r.kind), ['iteration', 'iteration', 'eval']);
  for (const key of ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'explainedVariance', 'learningRate', 'stepsPerSecond']) {
    assert.equal(typeof rows[0]![key], 'number', key);
  }

  const resumed = await train(trainArgs({ out, resume: true, steps: 384 }));
  assert.match(resumed.resumedFrom!, /iter-000002$/);
  assert.equal(resumed.steps, 384);
  const iterations = run.readMetrics().filter((r) => r.kind === 'iteration').map((r) => r.iteration);
  assert.deepEqual(iterations, [1, 2, 3]);

  const gif = join(scratch, 'policy.gif');
  const evaluation = await evaluateRun({ run: out, episodes: 2, gif, seed: 0, checkpoint: undefined, random: false, backend: undefined, json: true });
  assert.equal(evaluation.step, 384);
  assert.equal(evaluation.episodes, 2);
  assert.equal(readFileSync(gif).subarray(0, 6).toString('latin1'), 'GIF89a');
  const random = await evaluateRun({ run: out, episodes: 2, gif: undefined, seed: 0, checkpoint: undefined, random: true, backend: undefined, json: true });
  assert.equal(random.policy, 'random');
  assert.notEqual(random.meanReturn, evaluation.meanReturn);
});

test('train ppo from pixels runs end to end (CNN on stacked frames)', async () => {
  const out = join(scratch, 'pixels');
  const summary = await train(trainArgs({
    env: 'Pendulum-v1', obs: 'pixels', frameSize: 36, frameStack: 2, grayscale: true, numEnvs: 2, numSteps: 16, epochs: 1, minibatchSize: 32,
    steps: 32, out, evalEpisodes: 0,
  }));
  assert.equal(summary.steps, 32);
  assert.ok(existsSync(join(out, 'checkpoints', 'iter-000001', 'agent.json')));
  const config = RunDirectory.open(out).record.config as { pixels: unknown; pipeline: string };
  assert.deepEqual(config.pixels, { frameSize: 36, grayscale: true, frameStack: 2 });
});

test('presets set the hyperparameters, and explicit flags win over them', async () => {
  const out = join(scratch, 'preset');
  await train(trainArgs({ env: 'Pendulum-v1', preset: 'pendulum', numSteps: 32, steps: 128, out, evalEpisodes: 0 }));
  const config = RunDirectory.open(out).record.config as Record<string, unknown>;
  assert.equal(config.gamma, 0.9);
  assert.equal(config.learningRate, 1e-3);
  assert.equal(config.numEnvs, 4);
  assert.equal(config.numSteps, 32);
});

test('bench ppo measures steps per second on Pendulum from state', () => {
  const r = benchPpo('pendulum', 1);
  assert.equal(r.steps, 4096);
  assert.ok(r.stepsPerSecond > 0 && r.gradientSteps === 640 && r.msPerGradientStep > 0);
});
