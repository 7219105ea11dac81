/** `latentgym bench ppo`: PPO training throughput from state on Pendulum-v1 (scripts/bench/ppo.ts). */
import type { CommandModule } from 'yargs';
import { cpus, loadavg } from 'node:os';
import { backendOption } from '../../models/compute/backend-options.js';
import { PPO_BENCH_CONFIGS } from '../bench/ppo-configs.js';
import type { PpoBenchResult } from '../bench/ppo.js';
import { packageVersion } from '../runs/provenance.js';
import { LIMITS, integerOption, valueOption } from './support.js';

interface BenchPpoArgs { backend: string | undefined; iterations: number; config: string[] | undefined; json: boolean }

export const benchPpoCommand: CommandModule<object, BenchPpoArgs> = {
  command: 'ppo',
  describe: 'PPO training throughput from state on Pendulum-v1 (env steps/s including updates)',
  builder: (y) => y
    .option('backend', backendOption)
    .option('iterations', integerOption('iterations', 1, LIMITS.benchIterations, 'timed iterations per config (after one warm-up)', { default: 3 }))
    // No yargs default: an array flag with one would take it when given without values.
    .option('config', valueOption({ type: 'string', array: true, choices: Object.keys(PPO_BENCH_CONFIGS), describe: 'budgets to time (default all)' }))
    .option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const [{ formatBackend, initBackend }, { benchPpo }, { formatCount }] = await Promise.all([
      import('../../models/compute/backend.js'), import('../bench/ppo.js'), import('../runs/progress.js'),
    ]);
    const backend = await initBackend({ backend: args.backend });
    if (!args.json) console.log(formatBackend(backend));
    const results: PpoBenchResult[] = [];
    for (const name of args.config ?? Object.keys(PPO_BENCH_CONFIGS)) {
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
