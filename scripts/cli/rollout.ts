import type { CommandModule } from 'yargs';
import { LIMITS, envOptionOption, integerOption, outputFile, seedOption, typeEnvOptions, valueOption } from './support.js';

interface RolloutArgs {
  env: string;
  steps: number;
  seed: number;
  numEnvs: number;
  vectorization: 'sync' | 'async';
  gif: string | undefined;
  json: boolean;
  envOption: Record<string, string> | undefined;
  importUrls: string[];
}

/** Runs long enough to deserve a progress bar (only drawn on a terminal). */
const PROGRESS_MIN_STEPS = 20_000;

export const rolloutCommand: CommandModule<object, RolloutArgs> = {
  command: 'rollout',
  describe: 'Run a random policy and report throughput and returns',
  builder: (y) => y
    .option('env', valueOption({ type: 'string', demandOption: true, describe: 'registered env id (see `latentgym envs`)' }))
    .option('env-option', envOptionOption('make() option of the env, KEY=VALUE'))
    .option('steps', integerOption('steps', 1, LIMITS.steps, 'total env steps', { default: 1000 }))
    .option('seed', seedOption('seed', 'env i is reset with seed + i', { default: 0 }))
    .option('num-envs', integerOption('num-envs', 1, LIMITS.numEnvs, 'parallel envs', { default: 1 }))
    .option('vectorization', valueOption({ choices: ['sync', 'async'] as const, default: 'sync' as const, describe: 'async runs each env in a worker thread' }))
    .option('gif', valueOption({ type: 'string', coerce: outputFile('gif'), describe: 'write the first episode of env 0 to this GIF' }))
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as never,
  handler: async (args) => {
    const [{ spec }, { writeGif }, { randomRollout }, { formatCount, progressBar }] = await Promise.all([
      import('../../envs/registration.js'), import('../../envs/render/gif.js'), import('../runs/random-rollout.js'), import('../runs/progress.js'),
    ]);
    const envOptions = typeEnvOptions(args.env, spec(args.env).defaults, args.envOption ?? {}); // an unknown id fails here, naming the valid ones
    const bar = progressBar('rollout', 'steps', args.steps, 0, args.steps < PROGRESS_MIN_STEPS);
    const result = (() => {
      try {
        return randomRollout({
          envId: args.env,
          envOptions,
          steps: args.steps,
          seed: args.seed,
          numEnvs: args.numEnvs,
          vectorization: args.vectorization,
          recordFirstEpisode: args.gif !== undefined,
          imports: args.importUrls,
          onProgress: bar && ((done) => bar.update(done)),
        });
      } finally {
        bar?.stop();
      }
    })();
    if (args.gif) writeGif(args.gif, result.frames, { fps: 30 });
    const { frames, ...summary } = result;
    if (args.json) {
      console.log(JSON.stringify({ env: args.env, seed: args.seed, numEnvs: args.numEnvs, ...summary, gif: args.gif ?? null }));
      return;
    }
    const ret = summary.meanReturn === undefined ? 'no episode finished'
      : `mean return ${summary.meanReturn.toFixed(2)} +- ${summary.stdReturn!.toFixed(2)}`;
    console.log(`${args.env}: ${formatCount(summary.steps)} steps in ${summary.seconds.toFixed(2)} s (${formatCount(summary.stepsPerSecond)} steps/s), ${summary.episodes} episodes, ${ret}`);
    if (args.gif) console.log(`wrote ${args.gif} (${frames.length} frames)`);
  },
};
