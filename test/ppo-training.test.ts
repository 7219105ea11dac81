import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import '../envs/index.js';
import './helpers/register-toy-envs.js';
import { Env, type EnvMetadata, type ResetArgs, type ResetResult, type StepResult } from '../envs/core/env.js';
import { type NDArray, ndarray } from '../envs/core/ndarray.js';
import { deregister, register } from '../envs/registration.js';
import { Box } from '../envs/spaces/box.js';
import { initBackend } from '../models/compute/backend.js';
import { evaluate } from '../agents/ppo/evaluate.js';
import { DEFAULT_PPO_CONFIG, Ppo, type PpoConfig } from '../agents/ppo/ppo.js';

/** Say the number you see: observation x ~ U[-1, 1], reward 1 - |a - x|, 8 steps per episode. */
class EchoEnv extends Env<NDArray<'float32'>, NDArray<'float32'>> {
  readonly observationSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly metadata: EnvMetadata = { renderModes: [], renderFps: 10 };
  readonly renderMode = undefined;
  private x = 0;

  reset(args: ResetArgs = {}): ResetResult<NDArray<'float32'>> {
    this.seedRandom(args.seed);
    this.x = this.npRandom.uniform(-1, 1);
    return { observation: ndarray([this.x]), info: {} };
  }

  step(action: NDArray<'float32'>): StepResult<NDArray<'float32'>> {
    const reward = 1 - Math.abs(Math.min(1, Math.max(-1, action.data[0]!)) - this.x);
    this.x = this.npRandom.uniform(-1, 1);
    return { observation: ndarray([this.x]), reward, terminated: false, truncated: false, info: {} };
  }
}

before(async () => {
  await initBackend();
  deregister('test/PpoEcho-v0');
  register('test/PpoEcho-v0', () => new EchoEnv(), { maxEpisodeSteps: 8 });
});

const tiny: Partial<PpoConfig> = {
  numEnvs: 4, numSteps: 64, epochs: 4, minibatchSize: 64, learningRate: 3e-3, hiddenSizes: [32, 32], gamma: 0.9, seed: 3,
};

test('PPO learns a tiny continuous task: the deterministic return improves well beyond the random policy', () => {
  const agent = new Ppo({ ...DEFAULT_PPO_CONFIG, ...tiny, envId: 'test/PpoEcho-v0', gamma: 0.5, totalSteps: 256 * 25 });
  try {
    const before = evaluate(agent, { episodes: 10, seed: 100 }).meanReturn;
    while (!agent.done) agent.iterate();
    const after = evaluate(agent, { episodes: 10, seed: 100 }).meanReturn;
    const random = evaluate(agent, { episodes: 10, seed: 100, random: true }).meanReturn;
    assert.ok(after > before + 1 && after > random + 1.5, `return before ${before.toFixed(2)}, after ${after.toFixed(2)}, random ${random.toFixed(2)}`);
    assert.ok(after > 6, `well on the way to the optimum of 8: ${after.toFixed(2)}`);
  } finally {
    agent.close();
  }
});

test('PPO learns a tiny discrete task (a chain: go right to reach the reward)', () => {
  const agent = new Ppo({ ...DEFAULT_PPO_CONFIG, ...tiny, envId: 'test/Chain-v0', gamma: 0.95, totalSteps: 256 * 8 });
  try {
    const first = agent.iterate().episodes;
    while (!agent.done) agent.iterate();
    const late = agent.recentReturns.slice(-20);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const early = mean(first.map((e) => e.return));
    assert.ok(mean(late) > early + 0.2, `training return early ${early.toFixed(2)}, late ${mean(late).toFixed(2)}`);
    assert.equal(evaluate(agent, { episodes: 3, seed: 0 }).meanReturn, 1, 'the greedy policy walks right to the reward');
  } finally {
    agent.close();
  }
});

test('a target KL stops the epochs early; without one every minibatch of every epoch is used', () => {
  const base = { ...DEFAULT_PPO_CONFIG, ...tiny, envId: 'test/PpoEcho-v0', totalSteps: 256 * 2, minibatchSize: 32 };
  const full = new Ppo(base);
  const early = new Ppo({ ...base, targetKl: 1e-9 });
  try {
    assert.equal(full.iterate().gradientSteps, 4 * (256 / 32));
    // The first minibatch sees the rollout's own policy (KL 0); after one step the KL exceeds 1.5e-9.
    assert.equal(early.iterate().gradientSteps, 2);
  } finally {
    full.close();
    early.close();
  }
});
