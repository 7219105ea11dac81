/**
 * `latentgym eval --run DIR`: the deterministic policy (Gaussian mean, categorical argmax) of a run's
 * latest (or a named) checkpoint on fresh episodes, optionally recorded as a GIF; `--random` measures
 * the uniformly random policy the same way, as the baseline.
 */
import type { CommandModule } from 'yargs';
import { join } from 'node:path';
import { backendOption, formatBackend, initBackend } from '../../models/compute/backend.js';
import { ModelFileError } from '../../models/errors.js';
import { latestCheckpoint, listCheckpoints, loadAgentCheckpoint } from '../../agents/ppo/checkpoint.js';
import { evaluate } from '../../agents/ppo/evaluate.js';
import { Ppo, type PpoConfig } from '../../agents/ppo/ppo.js';
import { RunDirectory } from '../runs/run-directory.js';
import { UsageError, nonNegativeInteger, outputFile, packageVersion, positiveInteger } from './support.js';

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
  const run = RunDirectory.open(args.run);
  if (run.record.command !== 'train ppo') throw new UsageError(`${run.path} is a '${run.record.command}' run; eval evaluates 'train ppo' runs`);
  const names = listCheckpoints(run.checkpointDir);
  const path = args.checkpoint === undefined ? latestCheckpoint(run.checkpointDir) : join(run.checkpointDir, args.checkpoint);
  if (path === undefined) throw new ModelFileError(`${run.path} has no checkpoint yet (train it first, or wait for its first checkpoint)`);
  if (args.checkpoint !== undefined && !names.includes(args.checkpoint)) {
    throw new UsageError(`--checkpoint: ${run.path} has no checkpoint '${args.checkpoint}'; it has ${names.join(', ') || 'none'}`);
  }
  const backend = await initBackend({ backend: args.backend });
  // One env is enough to evaluate; the replay only matters in training.
  const config: PpoConfig = { ...(structuredClone(run.record.config) as unknown as PpoConfig), numEnvs: 1, vectorization: 'sync', replaySteps: 2 };
  const agent = new Ppo(config, { imports: args.importUrls });
  try {
    const restored = args.random ? undefined : await loadAgentCheckpoint(path, agent, { policyOnly: true });
    const result = evaluate(agent, { episodes: args.episodes, seed: args.seed, gif: args.gif, random: args.random });
    const summary = {
      run: run.path, env: config.envId, obs: config.pipeline, checkpoint: args.random ? null : path,
      iteration: restored?.iteration ?? null, step: restored?.globalStep ?? null, seed: args.seed, ...result,
      gif: args.gif ?? null, backend: backend.name, version: packageVersion(),
    };
    if (args.json) {
      console.log(JSON.stringify(summary));
    } else {
      const what = args.random ? 'random policy' : `deterministic policy of ${path} (step ${restored!.globalStep})`;
      console.log(formatBackend(backend));
      console.log(`${config.envId} (${config.pipeline}), ${what}: return ${result.meanReturn.toFixed(1)} +- ${result.stdReturn.toFixed(1)} over ${result.episodes} episodes (min ${result.minReturn.toFixed(1)}, max ${result.maxReturn.toFixed(1)}, mean length ${result.meanLength.toFixed(1)})`);
      if (args.gif) console.log(`wrote ${args.gif} (first episode)`);
    }
    return summary;
  } finally {
    agent.close();
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
