import type { CommandModule } from 'yargs';
import { spec } from '../../envs/registration.js';
import { writeGif } from '../../envs/render/gif.js';
import { randomRollout } from '../runs/random-rollout.js';
import { formatCount, progressBar } from '../runs/progress.js';
import { nonNegativeInteger, outputFile, positiveInteger } from './support.js';

interface RolloutArgs {
  env: string;
  steps: number;
  seed: number;
  numEnvs: number;
  vectorization: 'sync' | 'async';
  gif: string | undefined;
  json: boolean;
  importUrls: string[];
}

/** Runs long enough to deserve a progress bar (only drawn on a terminal). */
const PROGRESS_MIN_STEPS = 20_000;

export const rolloutCommand: CommandModule<object, RolloutArgs> = {
  command: 'rollout',
  describe: 'Run a random policy and report throughput and returns',
  builder: (y) => y
    .option('env', { type: 'string', demandOption: true, describe: 'registered env id (see `latentgym envs`)' })
    .option('steps', { type: 'number', default: 1000, coerce: positiveInteger('steps'), describe: 'total env steps' })
    .option('seed', { type: 'number', default: 0, coerce: nonNegativeInteger('seed') })
    .option('num-envs', { type: 'number', default: 1, coerce: positiveInteger('num-envs'), describe: 'parallel envs' })
    .option('vectorization', { choices: ['sync', 'async'] as const, default: 'sync' as const, describe: 'async runs each env in a worker thread' })
    .option('gif', { type: 'string', coerce: outputFile('gif'), describe: 'write the first episode of env 0 to this GIF' })
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as never,
  handler: async (args) => {
    spec(args.env); // fail fast on an unknown id, naming the valid ones
    const bar = progressBar('rollout', 'steps', args.steps, 0, args.steps < PROGRESS_MIN_STEPS);
    const result = (() => {
      try {
        return randomRollout({
          envId: args.env,
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
