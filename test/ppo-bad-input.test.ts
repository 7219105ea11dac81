import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import { Env, type EnvMetadata, type ResetArgs, type ResetResult, type StepResult } from '../envs/core/env.js';
import { deregister, register } from '../envs/registration.js';
import { Box } from '../envs/spaces/box.js';
import { Dict, Tuple } from '../envs/spaces/composite.js';
import { Discrete } from '../envs/spaces/discrete.js';
import type { Space } from '../envs/core/space.js';
import { CheckpointMismatchError, ModelConfigError, ModelFileError, TrainingDivergedError } from '../models/errors.js';
import { initBackend } from '../models/compute/backend.js';
import { loadAgentState } from '../agents/ppo/checkpoint.js';
import { UnsupportedSpaceError } from '../agents/errors.js';
import { DEFAULT_PPO_CONFIG, Ppo, type PpoConfig } from '../agents/ppo/ppo.js';
import { RunDirectory } from '../scripts/runs/run-directory.js';
import { UsageError } from '../scripts/cli/support.js';
import { type TrainArgs, train } from '../scripts/cli/train.js';
import { evaluateRun } from '../scripts/cli/eval.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-ppo-bad-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** An env with chosen spaces; its reward turns NaN after `nanAfter` steps (to make the loss non-finite). */
class ShapedEnv extends Env<unknown, unknown> {
  readonly metadata: EnvMetadata = { renderModes: [], renderFps: 10 };
  readonly renderMode = undefined;
  private steps = 0;

  constructor(readonly observationSpace: Space<unknown>, readonly actionSpace: Space<unknown>, readonly nanAfter = Infinity) {
    super();
  }

  reset(args: ResetArgs = {}): ResetResult<unknown> {
    this.seedRandom(args.seed);
    return { observation: this.observationSpace.sample(), info: {} };
  }

  step(): StepResult<unknown> {
    this.steps += 1;
    const reward = this.steps > this.nanAfter ? NaN : this.npRandom.uniform(-1, 1);
    return { observation: this.observationSpace.sample(), reward, terminated: false, truncated: false, info: {} };
  }
}

const box = (n: number) => new Box({ low: -1, high: 1, shape: [n] });

before(async () => {
  await initBackend();
  const envs: Record<string, () => Env<unknown, unknown>> = {
    'test/PpoDictObs-v0': () => new ShapedEnv(new Dict({ a: box(2), b: new Discrete(3) }), box(1)),
    'test/PpoTupleAction-v0': () => new ShapedEnv(box(2), new Tuple([box(1), new Discrete(2)])),
    'test/PpoIntAction-v0': () => new ShapedEnv(box(2), new Box({ low: 0, high: 5, shape: [1], dtype: 'int32' })),
    'test/PpoNaN-v0': () => new ShapedEnv(box(2), box(1), 40),
  };
  for (const [id, factory] of Object.entries(envs)) {
    deregister(id);
    register(id, factory, { maxEpisodeSteps: 20 });
  }
});

function args(overrides: Partial<TrainArgs>): TrainArgs {
  return {
    env: undefined, obs: undefined, encoder: undefined, preset: undefined, steps: 64, seed: 1, out: undefined,
    resume: false, backend: undefined, vectorization: undefined, checkpointEvery: 1, keepCheckpoints: 5, evalEvery: 0,
    evalEpisodes: 0, quiet: true, numSteps: 16, minibatchSize: 16, epochs: 1, hidden: [8], ...overrides,
  };
}

/** The promise rejects with `kind` and a one-line message matching `pattern`. */
async function rejectsOneLine(promise: Promise<unknown>, kind: new (...a: never[]) => Error, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('spaces the agent cannot handle: one line each, and no run directory is left behind', async () => {
  const out = join(scratch, 'never');
  await rejectsOneLine(train(args({ env: 'test/PpoDictObs-v0', obs: 'state', out })), UnsupportedSpaceError,
    /--obs state needs a Box or Discrete observation space; test\/PpoDictObs-v0 has Dict\(/);
  await rejectsOneLine(train(args({ env: 'test/PpoTupleAction-v0', out })), UnsupportedSpaceError,
    /PPO acts in Box \(float\) and Discrete action spaces; test\/PpoTupleAction-v0 has Tuple\(/);
  await rejectsOneLine(train(args({ env: 'test/PpoIntAction-v0', out })), UnsupportedSpaceError, /has Box\(0, 5, \[1\], int32\)/);
  await rejectsOneLine(train(args({ env: 'test/PpoDictObs-v0', obs: 'pixels', out })), UnsupportedSpaceError, /--obs pixels needs an env that renders rgb_array frames/);
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', obs: 'pixels', frameSize: 16, out })), ModelConfigError, /frames of 16x16 are too small for convolution 2/);
  assert.equal(existsSync(out), false);
});

test('bad flags: one line each', async () => {
  const out = join(scratch, 'flags');
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', preset: 'fast', out })), UsageError, /unknown preset 'fast'; valid: pendulum, pixels/);
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', encoder: 'autoencoder', out })), UsageError, /--encoder is for --obs latent/);
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', obs: 'latent', encoder: 'vae9', out })), UsageError, /unknown encoder 'vae9'; registered: autoencoder/);
  await rejectsOneLine(train(args({ out, resume: true })), Error, /is not a run directory/);
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', resume: true })), UsageError, /--resume needs --out DIR/);
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', obs: 'pixels', vectorization: 'async', out })), UnsupportedSpaceError, /--vectorization async is for --obs state/);
});

test('an existing run is neither overwritten by a new one nor changed by --resume with other settings', async () => {
  const out = join(scratch, 'kept');
  await train(args({ env: 'Pendulum-v1', out }));
  const before = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
  await rejectsOneLine(train(args({ env: 'Pendulum-v1', out })), Error, /already holds a run; pass --resume/);
  await rejectsOneLine(train(args({ out, resume: true, gamma: 0.5 })), UsageError, /--gamma 0.5 differs from the run's 0.99 \(only --steps and --lr may change\)/);
  await rejectsOneLine(train(args({ out, resume: true, env: 'Planar-v0' })), UsageError, /--env "Planar-v0" differs from the run's "Pendulum-v1"/);
  assert.equal(readFileSync(join(out, 'metrics.jsonl'), 'utf8'), before);
});

test('a checkpoint of another env or pipeline, or a corrupt one, is refused with one line and changes nothing', async () => {
  const out = join(scratch, 'source');
  await train(args({ env: 'Pendulum-v1', out }));
  const checkpoint = join(out, 'checkpoints', 'iter-000004');
  const other = new Ppo({ ...DEFAULT_PPO_CONFIG, envId: 'GeomOnIncline-v0', numEnvs: 1, numSteps: 16, hiddenSizes: [8] });
  try {
    await rejectsOneLine(loadAgentState(checkpoint, other), CheckpointMismatchError, /does not fit this run: envId is "Pendulum-v1" in the checkpoint but "GeomOnIncline-v0" in this run/);
  } finally {
    other.close();
  }
  const wider = new Ppo({ ...DEFAULT_PPO_CONFIG, envId: 'Pendulum-v1', numEnvs: 1, numSteps: 16, hiddenSizes: [12] });
  try {
    await rejectsOneLine(loadAgentState(checkpoint, wider), CheckpointMismatchError, /policy is .* in the checkpoint but/);
  } finally {
    wider.close();
  }
  // A run whose checkpoints come from another pipeline (copied in by hand): eval refuses them.
  const target = join(scratch, 'target');
  await train(args({ env: 'Pendulum-v1', obs: 'latent', frameSize: 16, frameStack: 1, numSteps: 8, steps: 8, out: target }));
  rmSync(join(target, 'checkpoints'), { recursive: true });
  cpSync(join(out, 'checkpoints'), join(target, 'checkpoints'), { recursive: true });
  const evalArgs = { run: target, episodes: 1, gif: undefined, seed: 0, checkpoint: undefined, random: false, backend: undefined, json: true };
  await rejectsOneLine(evaluateRun(evalArgs), CheckpointMismatchError, /pipeline is "state" in the checkpoint but "latent" in this run/);
  // Corrupt weights: refused by their digest.
  truncateSync(join(checkpoint, 'agent.weights.bin'), 100);
  const same = new Ppo({ ...DEFAULT_PPO_CONFIG, envId: 'Pendulum-v1', numEnvs: 1, numSteps: 16, hiddenSizes: [8] });
  try {
    await rejectsOneLine(loadAgentState(checkpoint, same), ModelFileError, /agent.weights.bin: 100 bytes, but .* expects/);
  } finally {
    same.close();
  }
});

test('a non-finite loss stops training with one line, keeps the last good checkpoint and says which it is', async () => {
  const out = join(scratch, 'nan');
  // The env's rewards turn NaN after 40 steps: iterations 1 and 2 (16 steps each) are fine.
  await rejectsOneLine(train(args({ env: 'test/PpoNaN-v0', out, steps: 160, normReward: false })), TrainingDivergedError,
    /training stopped at iteration 3 \(step 48\): loss is NaN .*parameters were not updated; the last good checkpoint is .*iter-000002 \(continue it with --resume/);
  assert.deepEqual(readdirSync(join(out, 'checkpoints')).sort(), ['iter-000001', 'iter-000002']);
  const rows = RunDirectory.open(out).readMetrics();
  assert.deepEqual(rows.map((r) => r.kind), ['iteration', 'iteration', 'diverged']);
  assert.ok(existsSync(join(out, 'learning-curve.png')));
  // The kept checkpoint is good: it loads, with finite parameters.
  const agent = new Ppo({ ...(RunDirectory.open(out).record.config as unknown as PpoConfig), numEnvs: 1 });
  try {
    await loadAgentState(join(out, 'checkpoints', 'iter-000002'), agent, { policyOnly: true });
    for (const v of agent.policy.variables) assert.ok((v.dataSync() as Float32Array).every(Number.isFinite));
  } finally {
    agent.close();
  }
});
