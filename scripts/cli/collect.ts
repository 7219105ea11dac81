/**
 * `latentgym collect`: a dataset of transitions (frames, next frames, actions, rewards, episode
 * boundaries, low-dimensional state) from a random policy or a trained `train ppo` run, written in
 * the chunked format of models/data/transitions.ts (documented in models/data/README.md).
 */
import type { CommandModule } from 'yargs';
import { LIMITS, UsageError, envOptionOption, integerOption, seedOption, typeEnvOptions, valueOption } from './support.js';

interface CollectArgs {
  env: string | undefined;
  policy: string;
  steps: number;
  numEnvs: number;
  seed: number;
  frameSize: number;
  chunkSize: number;
  mixedObjects: boolean;
  out: string;
  envOption: Record<string, string> | undefined;
  json: boolean;
  importUrls: string[];
}

/** The command's handler, callable from tests; returns what --json prints. */
export async function collectDataset(args: CollectArgs): Promise<Record<string, unknown>> {
  const [{ spec }, { collectTransitions }, { packageVersion }, { progressBar }] = await Promise.all([
    import('../../envs/registration.js'), import('../../models/data/collect.js'), import('../runs/provenance.js'), import('../runs/progress.js'),
  ]);
  const { existsSync } = await import('node:fs');
  const { join, resolve } = await import('node:path');
  const out = resolve(args.out);
  if (existsSync(join(out, 'manifest.json'))) throw new UsageError(`--out: ${out} already holds a dataset; choose another directory`);
  let envId = args.env;
  let envOptions: Record<string, unknown> = {};
  let policy: ((observations: readonly unknown[]) => unknown[]) | null = null;
  let makeEnv: ((id: string, index: number, options: Record<string, unknown>) => import('../../envs/core/env.js').Env<unknown, unknown>) | undefined;
  let policyRecord: Record<string, unknown> = { kind: 'random', sampler: 'actionSpace.sample(), env i seeded with deriveSeed(seed, "collect-actions") + i' };
  let close = () => {};
  if (args.policy !== 'random') {
    const [{ loadPolicy }, { makeEnv: makePipelineEnv }, { AgentConfigError }] = await Promise.all([
      import('../runs/ppo.js'), import('../../agents/ppo/observations.js'), import('../../agents/errors.js'),
    ]);
    const loaded = await loadPolicy(args.policy, { imports: args.importUrls }).catch((error: unknown) => {
      throw error instanceof AgentConfigError ? new UsageError(`--policy: ${error.message}`) : error;
    });
    close = () => loaded.close();
    const { config } = loaded;
    if (config.pipeline !== 'state' && config.pipeline !== 'pixels') {
      loaded.close();
      throw new UsageError(`--policy: ${loaded.run} was trained with --obs ${config.pipeline}; collect runs policies trained with --obs state or --obs pixels`);
    }
    if (envId !== undefined && envId !== config.envId && !args.mixedObjects) {
      loaded.close();
      throw new UsageError(`--env ${envId} differs from the run's env ${config.envId}; leave --env out to use the run's`);
    }
    if (args.envOption !== undefined) {
      loaded.close();
      throw new UsageError('collect runs a trained policy on the env options it was trained with (run.json: config.envOptions); leave --env-option out');
    }
    envId ??= config.envId;
    envOptions = { ...(config.envOptions ?? {}) };
    policy = (observations) => observations.map((observation) => loaded.act(observation));
    makeEnv = (id, _index, options) => makePipelineEnv({ envId: id, pipeline: config.pipeline, pixels: config.pixels, envOptions: { ...options } }, true);
    policyRecord = { kind: 'run', run: loaded.run, checkpoint: loaded.checkpoint, step: loaded.step, pipeline: config.pipeline, deterministic: true };
  } else {
    if (envId === undefined) throw new UsageError('--env is needed with --policy random');
    const defaults = spec(envId).defaults;
    envOptions = typeEnvOptions(envId, defaults, args.envOption ?? {}); // an unknown id fails here, naming the valid ones
    // The random policy ignores observations: envs with an observation mode (incline) simulate in
    // 'state' mode and draw only the recorded frame, once per step.
    if (defaults.observation !== undefined && envOptions.observation === undefined) envOptions.observation = 'state';
  }
  const bar = progressBar('collect', 'steps', args.steps, 0, args.steps < 20_000);
  const started = performance.now();
  try {
    const manifest = collectTransitions({
      envId, envOptions, steps: args.steps, numEnvs: args.numEnvs, seed: args.seed, frameSize: args.frameSize,
      mixedObjects: args.mixedObjects, policy, makeEnv, out, chunkSize: args.chunkSize,
      meta: { policy: policyRecord, version: packageVersion(), imports: args.importUrls, command: 'collect' },
      onProgress: bar && ((done) => bar.update(done)),
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      out, env: envId, steps: manifest.count, chunks: manifest.chunks.length, frame: manifest.fields.frames.shape,
      seconds, framesPerSecond: manifest.count / seconds, policy: policyRecord.kind,
    };
    if (args.json) console.log(JSON.stringify(summary));
    else console.log(`wrote ${out}: ${manifest.count} transitions of ${envId} in ${manifest.chunks.length} chunk(s), frames ${manifest.fields.frames.shape.join('x')}, ${seconds.toFixed(1)} s (${summary.framesPerSecond.toFixed(0)} steps/s)`);
    return summary;
  } finally {
    bar?.stop();
    close();
  }
}

export const collectCommand: CommandModule<object, CollectArgs> = {
  command: 'collect',
  describe: 'Write a dataset of transitions (frames, next frames, actions, rewards, episode flags, low-dim state)',
  builder: (y) => y
    .option('env', valueOption({ type: 'string', describe: 'registered env id (default with --policy RUN_DIR: the run\'s)' }))
    .option('env-option', envOptionOption('make() option of the env, KEY=VALUE'))
    .option('policy', valueOption({ type: 'string', default: 'random', describe: "'random' (seeded action-space samples) or a `train ppo` run directory (--obs state or pixels)" }))
    .option('steps', integerOption('steps', 1, LIMITS.steps, 'transitions to record (all envs together)', { default: 1000 }))
    .option('num-envs', integerOption('num-envs', 1, LIMITS.numEnvs, 'envs stepped in lockstep', { default: 1 }))
    .option('seed', seedOption('seed', 'env i is reset with seed + i', { default: 0 }))
    .option('frame-size', integerOption('frame-size', 8, LIMITS.frameSize, 'rendered frame height and width (envs with renderWidth/renderHeight options)', { default: 64 }))
    .option('chunk-size', integerOption('chunk-size', 1, 1_000_000, 'transitions per chunk file', { default: 4096 }))
    .option('mixed-objects', { type: 'boolean', default: false, describe: 'GeomOnIncline/MeshOnIncline: env i runs XOnIncline-v{i mod 6}' })
    .option('out', valueOption({ type: 'string', demandOption: true, describe: 'dataset directory (created; must not hold a dataset)' }))
    .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }) as never,
  handler: async (args) => {
    await collectDataset(args);
  },
};
