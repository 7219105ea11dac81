/**
 * `latentgym train ppo`: train PPO in a run directory (run.json, metrics.jsonl, checkpoints/,
 * learning-curve.png), resumable with --resume exactly where the last checkpoint left it.
 *
 * Configuration = PPO defaults (CleanRL/SB3) <- --preset <- explicit flags. On --resume the run's
 * stored configuration is used; flags may only repeat it, except --steps (to extend a run) and
 * the run-keeping flags (checkpoints, evaluation, backend).
 */
import type { Argv, CommandModule } from 'yargs';
import { SingleBar } from 'cli-progress';
import { spec } from '../../envs/registration.js';
import { backendOption, formatBackend, initBackend } from '../../models/compute/backend.js';
import { checkpointName, latestCheckpoint, loadAgentCheckpoint, saveAgentCheckpoint } from '../../agents/ppo/checkpoint.js';
import { encoderNames } from '../../models/encoders/encoder.js';
import { TrainingDivergedError } from '../../models/errors.js';
import { type EvaluationResult, evaluate } from '../../agents/ppo/evaluate.js';
import { OBSERVATION_PIPELINES, type ObservationPipeline } from '../../agents/ppo/observations.js';
import { DEFAULT_PPO_CONFIG, type IterationMetrics, PRESETS, Ppo, type PpoConfig } from '../../agents/ppo/ppo.js';
import { CNN_ARCHITECTURES } from '../../agents/ppo/policy.js';
import { RunDirectory } from '../runs/run-directory.js';
import { type Series, writeLineChart } from '../runs/plots.js';
import { UsageError, formatCount, nonNegativeInteger, packageVersion, positiveInteger, positiveNumber } from './support.js';

/** Flags that set PpoConfig fields: flag -> [config key, yargs option]; help shows DEFAULT_PPO_CONFIG's value. */
const HYPERPARAMETERS = {
  'num-envs': ['numEnvs', { type: 'number', coerce: positiveInteger('num-envs'), describe: 'parallel envs' }],
  'num-steps': ['numSteps', { type: 'number', coerce: positiveInteger('num-steps'), describe: 'vector steps per rollout' }],
  lr: ['learningRate', { type: 'number', coerce: positiveNumber('lr'), describe: 'Adam learning rate' }],
  'anneal-lr': ['annealLr', { type: 'boolean', describe: 'anneal the learning rate linearly to 0' }],
  gamma: ['gamma', { type: 'number', coerce: unitNumber('gamma'), describe: 'discount' }],
  'gae-lambda': ['gaeLambda', { type: 'number', coerce: unitNumber('gae-lambda'), describe: 'GAE lambda' }],
  epochs: ['epochs', { type: 'number', coerce: positiveInteger('epochs'), describe: 'passes over each rollout' }],
  'minibatch-size': ['minibatchSize', { type: 'number', coerce: positiveInteger('minibatch-size'), describe: 'transitions per gradient step' }],
  'clip-coef': ['clipCoef', { type: 'number', coerce: positiveNumber('clip-coef'), describe: 'PPO clip range' }],
  'clip-vloss': ['clipValueLoss', { type: 'boolean', describe: 'clip the value loss around the old values' }],
  'vf-coef': ['valueCoef', { type: 'number', coerce: nonNegativeNumber('vf-coef'), describe: 'value loss weight' }],
  'ent-coef': ['entropyCoef', { type: 'number', coerce: nonNegativeNumber('ent-coef'), describe: 'entropy bonus weight' }],
  'max-grad-norm': ['maxGradNorm', { type: 'number', coerce: positiveNumber('max-grad-norm'), describe: 'gradient global-norm clip' }],
  'target-kl': ['targetKl', { type: 'number', coerce: positiveNumber('target-kl'), describe: 'stop epochs when approx KL > 1.5 x this' }],
  'norm-adv': ['normalizeAdvantages', { type: 'boolean', describe: 'normalise advantages per minibatch' }],
  'norm-obs': ['normalizeObservations', { type: 'boolean', describe: 'running mean/std normalisation of state/latent inputs' }],
  'norm-reward': ['normalizeRewards', { type: 'boolean', describe: 'scale rewards by the running std of the return' }],
  hidden: ['hiddenSizes', { type: 'string', coerce: layerSizes, describe: 'MLP hidden sizes, comma-separated' }],
  activation: ['activation', { type: 'string', choices: ['tanh', 'relu'], describe: 'MLP activation' }],
  'log-std-init': ['logStdInit', { type: 'number', coerce: finiteNumber('log-std-init'), describe: 'initial Gaussian log std' }],
  cnn: ['cnn', { type: 'string', coerce: cnnArchitecture, describe: `pixels: the CNN trunk (${Object.keys(CNN_ARCHITECTURES).join(', ')})` }],
  'frame-size': ['frameSize', { type: 'number', coerce: positiveInteger('frame-size'), describe: 'pixels/latent: frame height and width' }],
  grayscale: ['grayscale', { type: 'boolean', describe: 'pixels/latent: grayscale frames' }],
  'frame-stack': ['frameStack', { type: 'number', coerce: positiveInteger('frame-stack'), describe: 'pixels/latent: frames stacked' }],
  'latent-dim': ['latentDim', { type: 'number', coerce: positiveInteger('latent-dim'), describe: 'latent: encoder latent size' }],
  'encoder-lr': ['encoderLearningRate', { type: 'number', coerce: positiveNumber('encoder-lr'), describe: 'latent: encoder learning rate' }],
  'encoder-updates': ['encoderUpdates', { type: 'number', coerce: nonNegativeInteger('encoder-updates'), describe: 'latent: encoder steps per rollout' }],
  'encoder-batch-size': ['encoderBatchSize', { type: 'number', coerce: positiveInteger('encoder-batch-size'), describe: 'latent: frames per encoder step' }],
  'replay-steps': ['replaySteps', { type: 'number', coerce: positiveInteger('replay-steps'), describe: 'latent: vector steps of recent frames kept for the encoder' }],
} as const;

type HyperparameterFlag = keyof typeof HYPERPARAMETERS;
const PIXEL_KEYS = new Set(['frameSize', 'grayscale', 'frameStack']);

/** A config value as --help shows it. */
function defaultOf(key: string): string {
  const value = PIXEL_KEYS.has(key) ? (DEFAULT_PPO_CONFIG.pixels as unknown as Record<string, unknown>)[key] : (DEFAULT_PPO_CONFIG as unknown as Record<string, unknown>)[key];
  if (key === 'cnn') return Object.entries(CNN_ARCHITECTURES).find(([, cnn]) => cnn === value)?.[0] ?? 'custom';
  return Array.isArray(value) ? value.join(',') : value === null ? 'off' : String(value);
}

export interface TrainArgs {
  env: string | undefined;
  obs: ObservationPipeline | undefined;
  encoder: string | undefined;
  preset: string | undefined;
  steps: number | undefined;
  seed: number | undefined;
  out: string | undefined;
  resume: boolean;
  backend: string | undefined;
  vectorization: 'sync' | 'async' | undefined;
  checkpointEvery: number;
  keepCheckpoints: number;
  evalEvery: number;
  evalEpisodes: number;
  quiet: boolean;
  importUrls?: string[];
  [flag: string]: unknown;
}

function unitNumber(name: string): (value: unknown) => number {
  return (value) => {
    const n = Number(value);
    if (!(n >= 0 && n <= 1)) throw new UsageError(`--${name} must be a number in [0, 1], got ${String(value)}`);
    return n;
  };
}

function nonNegativeNumber(name: string): (value: unknown) => number {
  return (value) => {
    const n = Number(value);
    if (!(n >= 0 && Number.isFinite(n))) throw new UsageError(`--${name} must be a non-negative number, got ${String(value)}`);
    return n;
  };
}

function finiteNumber(name: string): (value: unknown) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a finite number, got ${String(value)}`);
    return n;
  };
}

function cnnArchitecture(value: unknown): PpoConfig['cnn'] {
  const cnn = CNN_ARCHITECTURES[String(value) as keyof typeof CNN_ARCHITECTURES];
  if (!cnn) throw new UsageError(`--cnn must be one of ${Object.keys(CNN_ARCHITECTURES).join(', ')}, got ${String(value)}`);
  return cnn;
}

function layerSizes(value: unknown): number[] {
  const sizes = String(value).split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new UsageError(`--hidden must be comma-separated positive integers such as 64,64, got ${String(value)}`);
  }
  return sizes;
}

/** The configuration the flags ask for: defaults <- preset <- explicit flags. */
export function resolveConfig(args: TrainArgs): PpoConfig {
  if (args.env === undefined) throw new UsageError('--env is required for a new run (see `latentgym envs`)');
  spec(args.env); // an unknown id fails here, naming the registered ones
  const preset = args.preset === undefined ? {} : PRESETS[args.preset];
  if (preset === undefined) throw new UsageError(`--preset: unknown preset '${args.preset}'; valid: ${Object.keys(PRESETS).join(', ')}`);
  const config: PpoConfig = structuredClone({ ...DEFAULT_PPO_CONFIG, ...preset });
  config.envId = args.env;
  config.pipeline = args.obs ?? config.pipeline;
  if (args.encoder !== undefined) {
    if (config.pipeline !== 'latent') throw new UsageError(`--encoder is for --obs latent (got --obs ${config.pipeline})`);
    config.encoder = args.encoder;
  }
  if (args.steps !== undefined) config.totalSteps = args.steps;
  if (args.seed !== undefined) config.seed = args.seed;
  if (args.vectorization !== undefined) config.vectorization = args.vectorization;
  for (const [key, value] of explicitHyperparameters(args)) {
    if (PIXEL_KEYS.has(key)) (config.pixels as unknown as Record<string, unknown>)[key] = value;
    else (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

/** [config key, value] of every hyperparameter flag given on the command line. */
function explicitHyperparameters(args: TrainArgs): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [flag, [key]] of Object.entries(HYPERPARAMETERS)) {
    const value = args[camel(flag)];
    if (value !== undefined) out.push([key, value]);
  }
  return out;
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** On --resume: flags may repeat the run's config, not change it (except --steps). */
function checkResumeFlags(args: TrainArgs, stored: PpoConfig): void {
  const given: [string, string, unknown, unknown][] = [];
  if (args.env !== undefined) given.push(['env', 'envId', args.env, stored.envId]);
  if (args.obs !== undefined) given.push(['obs', 'pipeline', args.obs, stored.pipeline]);
  if (args.encoder !== undefined) given.push(['encoder', 'encoder', args.encoder, stored.encoder]);
  if (args.seed !== undefined) given.push(['seed', 'seed', args.seed, stored.seed]);
  if (args.vectorization !== undefined) given.push(['vectorization', 'vectorization', args.vectorization, stored.vectorization]);
  for (const flag of Object.keys(HYPERPARAMETERS) as HyperparameterFlag[]) {
    const key = HYPERPARAMETERS[flag][0];
    const value = args[camel(flag)];
    if (value === undefined) continue;
    const storedValue = PIXEL_KEYS.has(key) ? (stored.pixels as unknown as Record<string, unknown>)[key] : (stored as unknown as Record<string, unknown>)[key];
    given.push([flag, key, value, storedValue]);
  }
  for (const [flag, , value, storedValue] of given) {
    if (JSON.stringify(value) !== JSON.stringify(storedValue)) {
      throw new UsageError(`--resume continues the run with its own config: --${flag} ${JSON.stringify(value)} differs from the run's ${JSON.stringify(storedValue)} (only --steps may change)`);
    }
  }
  if (args.preset !== undefined) throw new UsageError('--preset cannot be combined with --resume (the run keeps its config)');
}

export interface TrainSummary {
  run: string;
  iterations: number;
  steps: number;
  stepsPerSecond: number;
  evaluation: EvaluationResult | null;
  resumedFrom: string | null;
}

/** A metrics row of an iteration (episodes summarised). */
function iterationRow(m: IterationMetrics, elapsed: number, sps: number): Record<string, unknown> {
  const { episodes, ...rest } = m;
  const returns = episodes.map((e) => e.return);
  return {
    kind: 'iteration', ...rest, elapsedSeconds: round(elapsed), stepsPerSecond: round(sps),
    episodesEnded: episodes.length,
    episodeReturn: returns.length ? round(returns.reduce((a, b) => a + b, 0) / returns.length) : null,
    episodeLength: episodes.length ? round(episodes.reduce((a, e) => a + e.length, 0) / episodes.length) : null,
  };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Learning curves of the run's metrics: training return and, with two or more evaluations, the
 * evaluation return with its std band (a single final evaluation goes into the title instead, as
 * the chart draws lines without point markers).
 */
export function plotRun(run: RunDirectory): string {
  const rows = run.readMetrics();
  const train = rows.filter((r) => r.kind === 'iteration' && typeof r.recentReturn === 'number');
  const evals = rows.filter((r) => r.kind === 'eval');
  const config = run.record.config as unknown as PpoConfig;
  const series: Series[] = [{ label: 'training return (mean of last 100 episodes)', x: train.map((r) => r.step as number), y: train.map((r) => r.recentReturn as number) }];
  let title = `PPO ${config.envId} (${config.pipeline}), seed ${config.seed}`;
  const last = evals[evals.length - 1];
  if (evals.length > 1) {
    const mean = evals.map((r) => r.meanReturn as number);
    const std = evals.map((r) => r.stdReturn as number);
    series.push({
      label: 'evaluation return (deterministic policy)', x: evals.map((r) => r.step as number), y: mean,
      lower: mean.map((m, i) => m - std[i]!), upper: mean.map((m, i) => m + std[i]!),
    });
  }
  if (last) title += `; evaluation at step ${last.step}: ${(last.meanReturn as number).toFixed(1)} +- ${(last.stdReturn as number).toFixed(1)} (${last.episodes} episodes)`;
  const path = run.file('learning-curve.png');
  writeLineChart(path, series, { title, xLabel: 'environment steps', yLabel: 'episode return' });
  return path;
}

/** Train (or resume) a run; the command's handler, callable from tests. */
export async function train(args: TrainArgs): Promise<TrainSummary> {
  const say = (text: string) => { if (!args.quiet) process.stdout.write(`${text}\n`); };
  const backend = await initBackend({ backend: args.backend });
  const existing = args.resume ? openRun(args) : undefined;
  const config = existing?.config ?? newRunConfig(args);
  // The agent before the run directory: a bad env, space or hyperparameter leaves nothing behind.
  const agent = new Ppo(config, { imports: args.importUrls });
  try {
    const run = existing?.run ?? RunDirectory.create(args.out ?? defaultOut(config), {
      command: 'train ppo', config: config as unknown as Record<string, unknown>, seed: config.seed, backend: { ...backend }, version: packageVersion(),
    });
    say(`${formatBackend(backend)}; run ${run.path}`);
    let elapsedBefore = 0;
    let resumedFrom: string | null = null;
    if (existing) {
      const path = latestCheckpoint(run.checkpointDir);
      if (path === undefined) {
        run.truncateMetrics(() => false);
        say('no checkpoint yet: training the run from its start');
      } else {
        const restored = await loadAgentCheckpoint(path, agent);
        resumedFrom = path;
        run.truncateMetrics((row) => typeof row.iteration !== 'number' || (row.iteration as number) <= restored.iteration);
        const rows = run.readMetrics().filter((r) => typeof r.elapsedSeconds === 'number');
        elapsedBefore = (rows[rows.length - 1]?.elapsedSeconds as number | undefined) ?? 0;
        say(`resumed from ${path} at iteration ${restored.iteration}, step ${formatCount(restored.globalStep)}`);
        if (!restored.exact) process.stderr.write('latentgym: warning: the envs do not support getState/setState, so they restart with fresh episodes; this resume is not exact\n');
      }
    }
    return { ...(await trainingLoop(run, agent, args, elapsedBefore, say)), resumedFrom };
  } finally {
    agent.close();
  }
}

/** --resume: the run in --out and its stored config (flags may only repeat it, or extend --steps). */
function openRun(args: TrainArgs): { run: RunDirectory; config: PpoConfig } {
  if (args.out === undefined) throw new UsageError('--resume needs --out DIR, the run to continue');
  const run = RunDirectory.open(args.out);
  const config = structuredClone(run.record.config) as unknown as PpoConfig;
  checkResumeFlags(args, config);
  if (args.steps !== undefined) config.totalSteps = args.steps;
  return { run, config };
}

function newRunConfig(args: TrainArgs): PpoConfig {
  const config = resolveConfig(args);
  if (config.pipeline === 'latent' && !encoderNames().includes(config.encoder)) {
    throw new UsageError(`--encoder: unknown encoder '${config.encoder}'; registered: ${encoderNames().join(', ')}`);
  }
  return config;
}

const defaultOut = (config: PpoConfig) => `runs/ppo-${config.envId.replace(/[^\w.-]+/g, '_')}-${config.pipeline}-seed${config.seed}`;

async function trainingLoop(run: RunDirectory, agent: Ppo, args: TrainArgs, elapsedBefore: number, say: (text: string) => void): Promise<Omit<TrainSummary, 'resumedFrom'>> {
  const total = agent.iterations * agent.rolloutSteps;
  const bar = !args.quiet && process.stderr.isTTY
    ? new SingleBar({ format: 'train ppo [{bar}] {value}/{total} steps | {sps} steps/s | return {ret}', stream: process.stderr })
    : undefined;
  bar?.start(total, agent.globalStep, { sps: '-', ret: '-' });
  const start = performance.now();
  const startStep = agent.globalStep;
  let lastCheckpoint: string | undefined = latestCheckpoint(run.checkpointDir);
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.once('SIGINT', onSigint);
  const evalRow = (result: EvaluationResult) => ({
    kind: 'eval', iteration: agent.iteration, step: agent.globalStep, episodes: result.episodes,
    meanReturn: round(result.meanReturn), stdReturn: round(result.stdReturn), meanLength: round(result.meanLength),
  });
  let evaluation: EvaluationResult | null = null;
  try {
    while (!agent.done && !interrupted) {
      let metrics: IterationMetrics;
      try {
        metrics = agent.iterate();
      } catch (error) {
        if (!(error instanceof TrainingDivergedError)) throw error;
        run.appendMetrics({ kind: 'diverged', iteration: agent.iteration, step: agent.globalStep, reason: error.message });
        plotRun(run);
        const keep = lastCheckpoint ? `the last good checkpoint is ${lastCheckpoint}` : 'no checkpoint was written yet';
        throw new TrainingDivergedError(`${error.message}; ${keep} (continue it with --resume, e.g. after lowering --lr)`);
      }
      const seconds = (performance.now() - start) / 1000;
      const sps = (agent.globalStep - startStep) / seconds;
      run.appendMetrics(iterationRow(metrics, elapsedBefore + seconds, sps));
      const ret = metrics.recentReturn === null ? '-' : metrics.recentReturn.toFixed(1);
      bar?.update(agent.globalStep, { sps: formatCount(sps), ret });
      if (!bar) say(`iteration ${metrics.iteration}/${agent.iterations}: step ${formatCount(agent.globalStep)}, ${formatCount(sps)} steps/s, return ${ret}, policy loss ${metrics.policyLoss.toFixed(4)}, value loss ${metrics.valueLoss.toFixed(4)}, approx KL ${metrics.approxKl.toFixed(4)}${metrics.encoderLoss === null ? '' : `, encoder loss ${metrics.encoderLoss.toFixed(5)}`}`);
      if (args.evalEvery > 0 && agent.iteration % args.evalEvery === 0 && !agent.done) {
        run.appendMetrics(evalRow(evaluate(agent, { episodes: args.evalEpisodes, seed: 1_000_000 + agent.config.seed })));
      }
      await new Promise(setImmediate); // let a Ctrl-C (SIGINT) in between iterations
      if (agent.iteration % args.checkpointEvery === 0 || agent.done || interrupted) {
        lastCheckpoint = await saveAgentCheckpoint(run.checkpointDir, agent, args.keepCheckpoints);
      }
    }
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const seconds = (performance.now() - start) / 1000;
  const stepsPerSecond = (agent.globalStep - startStep) / Math.max(seconds, 1e-9);
  if (interrupted) {
    say(`interrupted: saved ${lastCheckpoint ?? checkpointName(agent.iteration)}; continue with --resume --out ${run.path}`);
  } else if (agent.globalStep === startStep) {
    say(`the run is complete (${formatCount(agent.globalStep)} steps); pass a larger --steps with --resume to train on`);
  } else if (args.evalEpisodes > 0) {
    evaluation = evaluate(agent, { episodes: args.evalEpisodes, seed: 1_000_000 + agent.config.seed });
    run.appendMetrics(evalRow(evaluation));
    say(`evaluation (deterministic policy, ${evaluation.episodes} episodes): return ${evaluation.meanReturn.toFixed(1)} +- ${evaluation.stdReturn.toFixed(1)}`);
  }
  const plot = plotRun(run);
  say(`${formatCount(agent.globalStep)} steps, ${formatCount(stepsPerSecond)} steps/s this session; wrote ${plot}`);
  return { run: run.path, iterations: agent.iteration, steps: agent.globalStep, stepsPerSecond, evaluation };
}

function trainPpoBuilder(y: Argv): Argv {
  let b = y
    .option('env', { type: 'string', describe: 'registered env id (see `latentgym envs`)' })
    .option('obs', { type: 'string', choices: OBSERVATION_PIPELINES as unknown as string[], describe: `observation pipeline: state (MLP), pixels (CNN), latent (encoder + MLP); default ${DEFAULT_PPO_CONFIG.pipeline}` })
    .option('encoder', { type: 'string', describe: `latent: the encoder (${encoderNames().join(', ')}; default ${DEFAULT_PPO_CONFIG.encoder})` })
    .option('preset', { type: 'string', describe: `hyperparameter preset (${Object.keys(PRESETS).join(', ')})` })
    .option('steps', { type: 'number', coerce: positiveInteger('steps'), describe: `environment steps to train for (default ${DEFAULT_PPO_CONFIG.totalSteps}, or the preset's)` })
    .option('seed', { type: 'number', coerce: nonNegativeInteger('seed'), describe: `seed of envs, networks and sampling (default ${DEFAULT_PPO_CONFIG.seed})` })
    .option('out', { type: 'string', describe: 'run directory (default runs/ppo-ENV-OBS-seedS)' })
    .option('resume', { type: 'boolean', default: false, describe: 'continue the run in --out from its last checkpoint' })
    .option('backend', backendOption)
    .option('vectorization', { type: 'string', choices: ['sync', 'async'], describe: `state: async runs each env in a worker thread (default ${DEFAULT_PPO_CONFIG.vectorization})` })
    .option('checkpoint-every', { type: 'number', default: 10, coerce: positiveInteger('checkpoint-every'), describe: 'iterations between checkpoints (and one at the end)' })
    .option('keep-checkpoints', { type: 'number', default: 3, coerce: positiveInteger('keep-checkpoints'), describe: 'newest checkpoints kept' })
    .option('eval-every', { type: 'number', default: 0, coerce: nonNegativeInteger('eval-every'), describe: 'iterations between evaluations (0: only at the end)' })
    .option('eval-episodes', { type: 'number', default: 10, coerce: nonNegativeInteger('eval-episodes'), describe: 'episodes per evaluation of the deterministic policy (0: none)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' });
  for (const [flag, [key, option]] of Object.entries(HYPERPARAMETERS)) {
    b = b.option(flag, { ...option, describe: `${option.describe} (default ${defaultOf(key)})` } as never);
  }
  return b.group(Object.keys(HYPERPARAMETERS), 'PPO hyperparameters (default: CleanRL/SB3; see --preset):');
}

const trainPpoCommand: CommandModule<object, TrainArgs> = {
  command: 'ppo',
  describe: 'Train PPO from state, pixels or an online-trained encoder\'s latents',
  builder: trainPpoBuilder as never,
  handler: async (args) => {
    await train(args);
  },
};

export const trainCommand: CommandModule = {
  command: 'train <algorithm>',
  describe: 'Train an agent in a run directory (algorithms: ppo)',
  builder: (y) => y.command(trainPpoCommand).demandCommand(1, 'name an algorithm: ppo'),
  handler: () => {},
};
