import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import '../envs/index.js';
import './helpers/register-toy-envs.js';
import { initBackend } from '../models/compute/backend.js';
import { DEFAULT_PPO_CONFIG, Ppo, type PpoConfig } from '../agents/ppo/ppo.js';

before(async () => {
  await initBackend();
});

// test/Counter-v0: observation [t, x], x accumulates the action, reward = action; terminated when
// |x| >= bound, truncated by the time limit after 5 steps (see test/helpers/toy-envs.ts).
const config: PpoConfig = {
  ...DEFAULT_PPO_CONFIG, envId: 'test/Counter-v0', envOptions: { bound: 1.5 }, numEnvs: 2, numSteps: 24, totalSteps: 48,
  gamma: 0.9, gaeLambda: 0.8, normalizeObservations: false, normalizeRewards: false, hiddenSizes: [8], seed: 4,
};

test('rollout: truncation bootstraps from V(final obs) seen at the reset step; termination does not bootstrap', () => {
  const agent = new Ppo(config);
  try {
    agent.collectRollout();
    const { buffer } = agent;
    const n = config.numEnvs;
    let truncations = 0;
    let terminations = 0;
    for (let k = 0; k + n < buffer.size; k++) {
      if (!buffer.valid[k] || buffer.valid[k + n]) continue; // k ends an episode: the next step is a reset step
      const obs = Array.from(buffer.observations.subarray(k * 2, k * 2 + 2));
      const finalObs = Array.from(buffer.observations.subarray((k + n) * 2, (k + n) * 2 + 2));
      assert.equal(finalObs[0], obs[0]! + 1, 'the reset step shows the final observation (one step after)');
      // The critic's value of the final observation, computed afresh.
      const vFinal = agent.policy.value({ data: Float32Array.from(finalObs), count: 1 })[0]!;
      assert.ok(Math.abs(buffer.values[k + n]! - vFinal) < 1e-6, 'the stored value at the reset step is V(final obs)');
      const delta = buffer.rewards[k]! - buffer.values[k]!;
      if (buffer.terminated[k]) {
        terminations += 1;
        assert.ok(Math.abs(finalObs[1]!) >= 1.5);
        assert.ok(Math.abs(buffer.advantages[k]! - delta) < 1e-5, `terminated at ${k}: advantage ${buffer.advantages[k]} vs ${delta}`);
      } else {
        truncations += 1;
        assert.equal(finalObs[0], 5, 'truncated by the 5-step limit');
        const expected = delta + config.gamma * vFinal;
        assert.ok(Math.abs(buffer.advantages[k]! - expected) < 1e-5, `truncated at ${k}: advantage ${buffer.advantages[k]} vs ${expected}`);
      }
      assert.equal(buffer.advantages[k + n], 0, 'reset steps carry no advantage');
    }
    assert.ok(truncations > 0 && terminations > 0, `the rollout should hold both kinds of episode end (${truncations} truncations, ${terminations} terminations)`);
    // The update trains on transitions only.
    const valid = buffer.validIndices();
    assert.equal(valid.length, buffer.valid.reduce((a, b) => a + b, 0));
    assert.ok(valid.length < buffer.size);
  } finally {
    agent.close();
  }
});

test('rollout: actions are stored as sampled and clipped to the action space for the env; episode returns are raw', () => {
  const agent = new Ppo({ ...config, logStdInit: 1 }); // std e: many samples fall outside [-1, 1]
  try {
    const episodes = agent.collectRollout();
    const outside = Array.from(agent.buffer.actions).filter((a) => Math.abs(a) > 1);
    assert.ok(outside.length > 0, 'some sampled actions lie outside the bounds');
    const env = agent.envActions(Float32Array.of(3, -0.5), 2);
    assert.deepEqual(Array.from(env.data), [1, -0.5]);
    assert.deepEqual(env.shape, [2, 1]);
    // Reward = clipped action, so every return lies within [-length, length].
    assert.ok(episodes.length > 0);
    for (const e of episodes) assert.ok(Math.abs(e.return) <= e.length + 1e-6 && e.length <= 5);
  } finally {
    agent.close();
  }
});
