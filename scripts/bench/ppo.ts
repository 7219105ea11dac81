/**
 * `latentgym bench ppo`: PPO training throughput from state on Pendulum-v1, in environment steps per
 * second including the updates (the figure CleanRL's and SB3's CPU runtimes are quoted in).
 * Two fixed budgets: the 'pendulum' preset (4 envs x 1024 steps, 10 epochs of minibatch 64) and
 * CleanRL's defaults (1 env x 2048 steps, 10 epochs of minibatch 64). One warm-up iteration
 * (compilation, allocation) is left out of the timing.
 */
import '../../envs/index.js';
import { DEFAULT_PPO_CONFIG, Ppo } from '../../agents/ppo/ppo.js';
import { PPO_BENCH_CONFIGS } from './ppo-configs.js';

export { PPO_BENCH_CONFIGS };

export interface PpoBenchResult {
  config: string;
  numEnvs: number;
  numSteps: number;
  iterations: number;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  /** Shares of the time: collecting rollouts (inference + envs) and updating. */
  rolloutSeconds: number;
  updateSeconds: number;
  gradientSteps: number;
  msPerGradientStep: number;
}

/** Train `iterations` timed iterations (after one warm-up) of the named config on Pendulum-v1 from state. */
export function benchPpo(name: string, iterations: number, seed = 0): PpoBenchResult {
  const overrides = PPO_BENCH_CONFIGS[name];
  if (!overrides) throw new RangeError(`unknown PPO benchmark config '${name}'; valid: ${Object.keys(PPO_BENCH_CONFIGS).join(', ')}`);
  const base = { ...DEFAULT_PPO_CONFIG, ...overrides, envId: 'Pendulum-v1', pipeline: 'state' as const, seed };
  const agent = new Ppo({ ...base, totalSteps: (iterations + 1) * base.numSteps * base.numEnvs });
  try {
    agent.iterate(); // warm-up
    let rollout = 0;
    let update = 0;
    let gradientSteps = 0;
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      const m = agent.iterate();
      rollout += m.rolloutSeconds;
      update += m.updateSeconds;
      gradientSteps += m.gradientSteps;
    }
    const seconds = (performance.now() - start) / 1000;
    const steps = iterations * agent.rolloutSteps;
    return {
      config: name, numEnvs: base.numEnvs, numSteps: base.numSteps, iterations, steps, seconds: round(seconds),
      stepsPerSecond: Math.round(steps / seconds), rolloutSeconds: round(rollout), updateSeconds: round(update),
      gradientSteps, msPerGradientStep: round((update * 1000) / gradientSteps),
    };
  } finally {
    agent.close();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
