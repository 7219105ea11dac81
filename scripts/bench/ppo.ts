/**
 * `latentgym bench ppo`: PPO training throughput from state on Pendulum-v1, in environment steps per
 * second including the updates (the figure CleanRL's and SB3's CPU runtimes are quoted in).
 * Two fixed budgets: the 'pendulum' preset (4 envs x 1024 steps, 10 epochs of minibatch 64) and
 * CleanRL's defaults (1 env x 2048 steps, 10 epochs of minibatch 64). One warm-up iteration
 * (compilation, allocation) is left out of the timing.
 */
import type { CommandModule } from 'yargs';
import { cpus, loadavg } from 'node:os';
import '../../envs/index.js';
import { backendOption, formatBackend, initBackend } from '../../models/compute/backend.js';
import { DEFAULT_PPO_CONFIG, PRESETS, Ppo, type PpoConfig } from '../../agents/ppo/ppo.js';
import { formatCount } from '../runs/progress.js';
import { packageVersion } from '../runs/provenance.js';
import { positiveInteger } from '../cli/support.js';

export const PPO_BENCH_CONFIGS: Record<string, Partial<PpoConfig>> = {
  pendulum: { ...PRESETS.pendulum },
  cleanrl: { numEnvs: 1, numSteps: 2048 },
};

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

interface BenchPpoArgs { backend: string | undefined; iterations: number; config: string[]; json: boolean }

export const benchPpoCommand: CommandModule<object, BenchPpoArgs> = {
  command: 'ppo',
  describe: 'PPO training throughput from state on Pendulum-v1 (env steps/s including updates)',
  builder: (y) => y
    .option('backend', backendOption)
    .option('iterations', { type: 'number', default: 3, coerce: positiveInteger('iterations'), describe: 'timed iterations per config (after one warm-up)' })
    .option('config', { type: 'string', array: true, choices: Object.keys(PPO_BENCH_CONFIGS), default: Object.keys(PPO_BENCH_CONFIGS), describe: 'budgets to time' })
    .option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const backend = await initBackend({ backend: args.backend });
    if (!args.json) console.log(formatBackend(backend));
    const results: PpoBenchResult[] = [];
    for (const name of args.config) {
      const r = benchPpo(name, args.iterations);
      results.push(r);
      if (!args.json) {
        console.log(`${name.padEnd(9)} ${r.numEnvs} envs x ${r.numSteps} steps: ${formatCount(r.stepsPerSecond)} steps/s (${formatCount(r.steps)} steps in ${r.seconds.toFixed(2)} s: rollouts ${r.rolloutSeconds.toFixed(2)} s, updates ${r.updateSeconds.toFixed(2)} s, ${r.msPerGradientStep.toFixed(2)} ms per gradient step)`);
      }
    }
    if (args.json) {
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, loadavg: loadavg().map((x) => Number(x.toFixed(2))) };
      console.log(JSON.stringify({ benchmark: 'ppo', version: packageVersion(), machine, backend, results }, null, 2));
    }
  },
};
