/**
 * `latentgym eval --run DIR`: the deterministic policy (Gaussian mean, categorical argmax) of a run's
 * latest (or a named) checkpoint on fresh episodes, optionally recorded as a GIF; `--random` measures
 * the uniformly random policy the same way, as the baseline.
 */
import type { CommandModule } from 'yargs';
import { backendOption } from '../../models/compute/backend-options.js';
import { AgentConfigError } from '../../agents/errors.js';
import { packageVersion } from '../runs/provenance.js';
import { LIMITS, UsageError, integerOption, outputFile, seedOption, valueOption } from './support.js';

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
  const [{ loadPolicy }, { formatBackend }] = await Promise.all([import('../runs/ppo.js'), import('../../models/compute/backend.js')]);
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
    .option('run', valueOption({ type: 'string', demandOption: true, describe: 'run directory written by `latentgym train`' }))
    .option('episodes', integerOption('episodes', 1, LIMITS.episodes, 'episodes to run', { default: 10 }))
    .option('gif', valueOption({ type: 'string', coerce: outputFile('gif'), describe: 'record the first episode as an animated GIF' }))
    .option('seed', seedOption('seed', 'episode k is reset with seed + k', { default: 0 }))
    .option('checkpoint', valueOption({ type: 'string', describe: 'checkpoint name in DIR/checkpoints (default: the latest)' }))
    // Refused with one line (the run's own env options are used), so it is not in the help.
    .option('env-option', {
      type: 'string', array: true, hidden: true,
      coerce: () => { throw new UsageError('eval runs the env with the options the run was trained with (run.json: config.envOptions); --env-option is for rollout, train ppo and bench envs'); },
    })
    .option('random', { type: 'boolean', default: false, describe: 'evaluate the uniformly random policy instead (the baseline)' })
    .option('backend', backendOption)
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as never,
  handler: async (args) => {
    await evaluateRun(args);
  },
};
