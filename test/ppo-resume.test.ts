import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import './helpers/register-toy-envs.js';
import { initBackend } from '../models/compute/backend.js';
import { loadAgentState, saveAgentState } from '../agents/ppo/checkpoint.js';
import { latestCheckpoint, listCheckpoints, writeCheckpoint } from '../scripts/runs/checkpoints.js';
import { DEFAULT_PPO_CONFIG, Ppo, type PpoConfig } from '../agents/ppo/ppo.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-ppo-resume-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await initBackend();
});

const small: PpoConfig = {
  ...DEFAULT_PPO_CONFIG, envId: 'Pendulum-v1', numEnvs: 2, numSteps: 48, epochs: 2, minibatchSize: 16, totalSteps: 3 * 96, seed: 5,
  hiddenSizes: [16, 16],
};

/** Everything that decides the future of a run, as plain arrays. */
function fingerprint(agent: Ppo) {
  return {
    params: agent.policy.variables.map((v) => Array.from(v.dataSync())),
    step: agent.globalStep,
    iteration: agent.iteration,
    rng: [...agent.rng.getState()],
    obs: agent.obsNormalizer?.getState() ?? null,
    rewards: agent.rewardScaler?.getState() ?? null,
    next: Array.from(agent.next.input),
  };
}

async function checkExactResume(config: PpoConfig, dir: string) {
  // Uninterrupted: two iterations, with a checkpoint after the first.
  const a = new Ppo(config);
  let expected;
  let firstMetrics;
  try {
    a.iterate();
    await writeCheckpoint(dir, a.iteration, (d) => saveAgentState(d, a));
    firstMetrics = a.iterate();
    expected = fingerprint(a);
  } finally {
    a.close();
  }
  // Interrupted: a new agent (as a new process would build it) from the checkpoint, one iteration.
  const b = new Ppo(config);
  try {
    const restored = await loadAgentState(latestCheckpoint(dir)!, b);
    assert.deepEqual(restored, { exact: true, iteration: 1, globalStep: config.numEnvs * config.numSteps });
    const metrics = b.iterate();
    assert.deepEqual(fingerprint(b), expected, 'bit-identical state after the next update');
    assert.equal(metrics.policyLoss, firstMetrics.policyLoss);
    assert.deepEqual(metrics.episodes, firstMetrics.episodes);
    return b;
  } finally {
    b.close();
  }
}

test('checkpoint/resume gives the same next update as an uninterrupted run (state pipeline)', async () => {
  await checkExactResume(small, join(scratch, 'state'));
});

test('checkpoint/resume is exact with envs in worker threads (AsyncVectorEnv state)', async () => {
  await checkExactResume({ ...small, vectorization: 'async', numSteps: 24, totalSteps: 3 * 48 }, join(scratch, 'async'));
});

test('checkpoint/resume is exact with the latent pipeline too (frame stacks, encoder, its optimiser, the frame replay)', async () => {
  const latent: PpoConfig = {
    ...small, pipeline: 'latent', pixels: { frameSize: 16, grayscale: true, frameStack: 2 }, numSteps: 16, totalSteps: 3 * 32,
    encoderUpdates: 2, encoderBatchSize: 4, replaySteps: 24, latentDim: 4,
  };
  await checkExactResume(latent, join(scratch, 'latent'));
});

test('checkpoints are written atomically under iter-NNNNNN and only the newest are kept', async () => {
  const dir = join(scratch, 'keep');
  const agent = new Ppo(small);
  try {
    for (let i = 0; i < 3; i++) {
      agent.iterate();
      await writeCheckpoint(dir, agent.iteration, (d) => saveAgentState(d, agent), 2);
    }
  } finally {
    agent.close();
  }
  assert.deepEqual(listCheckpoints(dir), ['iter-000002', 'iter-000003']);
});

test('envs without the state protocol resume with fresh episodes, and say the resume is not exact', async () => {
  const config: PpoConfig = { ...small, envId: 'test/Counter-v0', numSteps: 8, totalSteps: 64 };
  const dir = join(scratch, 'no-protocol');
  const a = new Ppo(config);
  try {
    assert.equal(a.vec.getState(), undefined, 'CounterEnv has no getState');
    a.iterate();
    await writeCheckpoint(dir, a.iteration, (d) => saveAgentState(d, a));
  } finally {
    a.close();
  }
  const b = new Ppo(config);
  try {
    const restored = await loadAgentState(latestCheckpoint(dir)!, b);
    assert.equal(restored.exact, false);
    assert.equal(b.iteration, 1);
    assert.deepEqual(Array.from(b.nextValid), [1, 1]);
    b.iterate(); // and training goes on
  } finally {
    b.close();
  }
});
