/**
 * `latentgym eval --run DIR`: the deterministic policy (Gaussian mean, categorical argmax) of a run's
 * latest (or a named) checkpoint on fresh episodes, optionally recorded as a GIF; `--random` measures
 * the uniformly random policy the same way, as the baseline.
 */
import type { CommandModule } from 'yargs';
import { backendOption, formatBackend } from '../../models/compute/backend.js';
import { AgentConfigError } from '../../agents/errors.js';
import { loadPolicy } from '../runs/ppo.js';
import { packageVersion } from '../runs/provenance.js';
import { UsageError, nonNegativeInteger, outputFile, positiveInteger } from './support.js';

interface EvalArgs {
  run: string;
  episodes: number;
  gif: string | undefined;
  seed: number;
  checkpoint: string | undefined;
  random: boolean;
  backend: string | undefined;
  json: boolean;
  importUrls?: string[];
}

/** Evaluate a run; the command's handler, callable from tests. Returns what --json prints. */
export async function evaluateRun(args: EvalArgs): Promise<Record<string, unknown>> {
  const policy = await loadPolicy(args.run, { checkpoint: args.checkpoint, loadWeights: !args.random, backend: args.backend, imports: args.importUrls })
    .catch((error: unknown) => {
      // A run of another command or an unknown checkpoint name: the flags' values are wrong.
      throw error instanceof AgentConfigError ? new UsageError(error.message) : error;
    });
  try {
    const { config, backend } = policy;
    const result = policy.evaluate({ episodes: args.episodes, seed: args.seed, gif: args.gif, random: args.random });
    const summary = {
      run: policy.run, env: config.envId, obs: config.pipeline, checkpoint: policy.checkpoint,
      iteration: policy.iteration, step: policy.step, seed: args.seed, ...result,
      gif: args.gif ?? null, backend: backend.name, version: packageVersion(),
    };
    if (args.json) {
      console.log(JSON.stringify(summary));
    } else {
      const what = args.random ? 'random policy' : `deterministic policy of ${policy.checkpoint} (step ${policy.step})`;
      console.log(formatBackend(backend));
      console.log(`${config.envId} (${config.pipeline}), ${what}: return ${result.meanReturn.toFixed(1)} +- ${result.stdReturn.toFixed(1)} over ${result.episodes} episodes (min ${result.minReturn.toFixed(1)}, max ${result.maxReturn.toFixed(1)}, mean length ${result.meanLength.toFixed(1)})`);
      if (args.gif) console.log(`wrote ${args.gif} (first episode)`);
    }
    return summary;
  } finally {
    policy.close();
  }
}

export const evalCommand: CommandModule<object, EvalArgs> = {
  command: 'eval',
  describe: 'Evaluate the deterministic policy of a training run (mean return; optional GIF)',
  builder: (y) => y
    .option('run', { type: 'string', demandOption: true, describe: 'run directory written by `latentgym train`' })
    .option('episodes', { type: 'number', default: 10, coerce: positiveInteger('episodes'), describe: 'episodes to run' })
    .option('gif', { type: 'string', coerce: outputFile('gif'), describe: 'record the first episode as an animated GIF' })
    .option('seed', { type: 'number', default: 0, coerce: nonNegativeInteger('seed'), describe: 'episode k is reset with seed + k' })
    .option('checkpoint', { type: 'string', describe: 'checkpoint name in DIR/checkpoints (default: the latest)' })
    .option('random', { type: 'boolean', default: false, describe: 'evaluate the uniformly random policy instead (the baseline)' })
    .option('backend', backendOption)
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as never,
  handler: async (args) => {
    await evaluateRun(args);
  },
};
