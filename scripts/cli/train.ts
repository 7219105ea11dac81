/**
 * `latentgym train ppo`: train PPO in a run directory (run.json, metrics.jsonl, checkpoints/,
 * learning-curve.png), resumable with --resume exactly where the last checkpoint left it.
 *
 * Configuration = PPO defaults (CleanRL/SB3) <- --preset <- explicit flags. On --resume the run's
 * stored configuration is used; flags may only repeat it, except --steps (to extend a run), --lr
 * (recorded in run.json's resumes) and the run-keeping flags (checkpoints, evaluation, backend;
 * those not given keep the run's). Ctrl-C saves a checkpoint and exits with 130.
 */
import type { Argv, CommandModule } from 'yargs';
import { spec } from '../../envs/registration.js';
import { backendOption } from '../../models/compute/backend-options.js';
import { encoderNames } from '../../models/encoders/registry.js';
import {
  CNN_ARCHITECTURES, DEFAULT_PPO_CONFIG, OBSERVATION_PIPELINES, PRESETS, RESUME_CHANGEABLE, type ObservationPipeline, type PpoConfig, resolvePpoConfig,
} from '../../agents/ppo/config.js';
import type { PpoRunSettings, TrainSummary } from '../runs/ppo.js';
import { RunDirectory } from '../runs/run-directory.js';
import { LIMITS, UsageError, commandGroup, envOptionOption, integerOption, numberOption, seedOption, typeEnvOptions, valueOption } from './support.js';
import { checkStepBudget, presetsHelp } from './train-help.js';

/** Flags that set PpoConfig fields: flag -> [config key, yargs option]; help shows DEFAULT_PPO_CONFIG's value. */
const HYPERPARAMETERS = {
  'num-envs': ['numEnvs', integerOption('num-envs', 1, LIMITS.numEnvs, 'parallel envs')],
  'num-steps': ['numSteps', integerOption('num-steps', 1, LIMITS.numSteps, 'vector steps per rollout')],
  lr: ['learningRate', numberOption('lr', { min: 0, openMin: true }, 'Adam learning rate')],
  'anneal-lr': ['annealLr', { type: 'boolean', describe: 'anneal the learning rate linearly to 0' }],
  gamma: ['gamma', numberOption('gamma', { min: 0, max: 1 }, 'discount')],
  'gae-lambda': ['gaeLambda', numberOption('gae-lambda', { min: 0, max: 1 }, 'GAE lambda')],
  epochs: ['epochs', integerOption('epochs', 1, LIMITS.epochs, 'passes over each rollout')],
  'minibatch-size': ['minibatchSize', integerOption('minibatch-size', 1, LIMITS.minibatchSize, 'transitions per gradient step')],
  'clip-coef': ['clipCoef', numberOption('clip-coef', { min: 0, openMin: true }, 'PPO clip range')],
  'clip-vloss': ['clipValueLoss', { type: 'boolean', describe: 'clip the value loss around the old values' }],
  'vf-coef': ['valueCoef', numberOption('vf-coef', { min: 0 }, 'value loss weight')],
  'ent-coef': ['entropyCoef', numberOption('ent-coef', { min: 0 }, 'entropy bonus weight')],
  'max-grad-norm': ['maxGradNorm', numberOption('max-grad-norm', { min: 0, openMin: true }, 'gradient global-norm clip')],
  'target-kl': ['targetKl', numberOption('target-kl', { min: 0, openMin: true }, 'stop epochs when approx KL > 1.5 x this')],
  'norm-adv': ['normalizeAdvantages', { type: 'boolean', describe: 'normalise advantages per minibatch' }],
  'norm-obs': ['normalizeObservations', { type: 'boolean', describe: 'running mean/std normalisation of state/latent inputs' }],
  'norm-reward': ['normalizeRewards', { type: 'boolean', describe: 'scale rewards by the running std of the return' }],
  hidden: ['hiddenSizes', valueOption({ type: 'string', coerce: layerSizes, describe: `MLP hidden sizes, comma-separated, each in [1, ${LIMITS.hiddenSize}]` })],
  activation: ['activation', valueOption({ type: 'string', choices: ['tanh', 'relu'], describe: 'MLP activation' })],
  'log-std-init': ['logStdInit', numberOption('log-std-init', {}, 'initial Gaussian log std')],
  cnn: ['cnn', valueOption({ type: 'string', coerce: cnnArchitecture, describe: `pixels: the CNN trunk (${Object.keys(CNN_ARCHITECTURES).join(', ')})` })],
  'frame-size': ['frameSize', integerOption('frame-size', 8, LIMITS.frameSize, 'pixels/latent: frame height and width')],
  grayscale: ['grayscale', { type: 'boolean', describe: 'pixels/latent: grayscale frames' }],
  'frame-stack': ['frameStack', integerOption('frame-stack', 1, LIMITS.frameStack, 'pixels/latent: frames stacked')],
  'latent-dim': ['latentDim', integerOption('latent-dim', 1, LIMITS.latentDim, 'latent: encoder latent size')],
  'encoder-lr': ['encoderLearningRate', numberOption('encoder-lr', { min: 0, openMin: true }, 'latent: encoder learning rate')],
  'encoder-updates': ['encoderUpdates', integerOption('encoder-updates', 0, LIMITS.encoderUpdates, 'latent: encoder steps per rollout')],
  'encoder-batch-size': ['encoderBatchSize', integerOption('encoder-batch-size', 1, LIMITS.encoderBatchSize, 'latent: frames per encoder step')],
  'replay-steps': ['replaySteps', integerOption('replay-steps', 2, LIMITS.replaySteps, 'latent: vector steps of recent frames kept for the encoder')],
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
  checkpointEvery: number | undefined;
  keepCheckpoints: number | undefined;
  evalEvery: number | undefined;
  evalEpisodes: number | undefined;
  quiet: boolean;
  /** --env-option KEY=VALUE pairs, typed by the env's defaults in resolveConfig. */
  envOption?: Record<string, string>;
  importUrls?: string[];
  [flag: string]: unknown;
}

function cnnArchitecture(value: unknown): PpoConfig['cnn'] {
  const cnn = CNN_ARCHITECTURES[String(value) as keyof typeof CNN_ARCHITECTURES];
  if (!cnn) throw new UsageError(`--cnn must be one of ${Object.keys(CNN_ARCHITECTURES).join(', ')}, got ${String(value)}`);
  return cnn;
}

function layerSizes(value: unknown): number[] {
  const sizes = String(value).split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n <= 0 || n > LIMITS.hiddenSize)) {
    throw new UsageError(`--hidden must be comma-separated integers in [1, ${LIMITS.hiddenSize}] such as 64,64, got ${String(value)}`);
  }
  return sizes;
}

/**
 * The configuration the flags ask for (a new run): the preset and the explicit flags, resolved over
 * the defaults by resolvePpoConfig. Flag-level checks come first, so errors name the flag.
 */
export function resolveConfig(args: TrainArgs): PpoConfig {
  if (args.env === undefined) throw new UsageError('--env is required for a new run (see `latentgym envs`)');
  spec(args.env); // an unknown id fails here, naming the registered ones
  if (args.preset !== undefined && PRESETS[args.preset] === undefined) throw new UsageError(`--preset: unknown preset '${args.preset}'; valid: ${Object.keys(PRESETS).join(', ')}`);
  const input = flagConfig(args);
  const pipeline = input.pipeline ?? (args.preset === undefined ? undefined : PRESETS[args.preset]!.pipeline) ?? DEFAULT_PPO_CONFIG.pipeline;
  if (args.encoder !== undefined) {
    if (pipeline !== 'latent') throw new UsageError(`--encoder is for --obs latent (got --obs ${pipeline})`);
    if (!encoderNames().includes(args.encoder)) throw new UsageError(`--encoder: unknown encoder '${args.encoder}'; registered: ${encoderNames().join(', ')}`);
  }
  return resolvePpoConfig({ ...input, preset: args.preset });
}

/** The PpoConfig fields the flags set (a hyperparameter flag not given leaves its field out). */
function flagConfig(args: TrainArgs): Partial<PpoConfig> {
  const config: Partial<PpoConfig> = {
    envId: args.env, pipeline: args.obs, encoder: args.encoder, totalSteps: args.steps, seed: args.seed, vectorization: args.vectorization,
    envOptions: args.envOption && typeEnvOptions(args.env!, spec(args.env!).defaults, args.envOption),
  };
  const pixels: Record<string, unknown> = {};
  for (const [key, value] of explicitHyperparameters(args)) {
    if (PIXEL_KEYS.has(key)) pixels[key] = value;
    else (config as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(pixels).length > 0) config.pixels = pixels as unknown as PpoConfig['pixels'];
  for (const key of Object.keys(config) as (keyof PpoConfig)[]) if (config[key] === undefined) delete config[key];
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

/** A resumed run keeps its config: a preset would change it (checked by --dry-run too). */
function refusePresetOnResume(args: Pick<TrainArgs, 'preset'>): void {
  if (args.preset !== undefined) throw new UsageError('--preset cannot be combined with --resume (the run keeps its config)');
}

/** On --resume: flags may repeat the run's config, not change it (except --steps). */
function checkResumeFlags(args: TrainArgs, stored: PpoConfig): void {
  const given: [string, string, unknown, unknown][] = [];
  if (args.env !== undefined) given.push(['env', 'envId', args.env, stored.envId]);
  if (args.obs !== undefined) given.push(['obs', 'pipeline', args.obs, stored.pipeline]);
  if (args.encoder !== undefined) given.push(['encoder', 'encoder', args.encoder, stored.encoder]);
  if (args.seed !== undefined) given.push(['seed', 'seed', args.seed, stored.seed]);
  if (args.vectorization !== undefined) given.push(['vectorization', 'vectorization', args.vectorization, stored.vectorization]);
  if (args.envOption !== undefined) given.push(['env-option', 'envOptions', typeEnvOptions(stored.envId, spec(stored.envId).defaults, args.envOption), stored.envOptions]);
  for (const flag of Object.keys(HYPERPARAMETERS) as HyperparameterFlag[]) {
    const key = HYPERPARAMETERS[flag][0];
    const value = args[camel(flag)];
    if (value === undefined) continue;
    const storedValue = PIXEL_KEYS.has(key) ? (stored.pixels as unknown as Record<string, unknown>)[key] : (stored as unknown as Record<string, unknown>)[key];
    given.push([flag, key, value, storedValue]);
  }
  for (const [flag, key, value, storedValue] of given) {
    if (JSON.stringify(value) !== JSON.stringify(storedValue) && !(RESUME_CHANGEABLE as readonly string[]).includes(key)) {
      throw new UsageError(`--resume continues the run with its own config: --${flag} ${JSON.stringify(value)} differs from the run's ${JSON.stringify(storedValue)} (only --steps and --lr may change)`);
    }
  }
  refusePresetOnResume(args);
}

/** Train (or resume) a run; the command's handler, callable from tests. */
export async function train(args: TrainArgs): Promise<TrainSummary> {
  const { trainPpo } = await import('../runs/ppo.js'); // TensorFlow.js and the agent (which registers the built-in encoders)
  const settings: PpoRunSettings = {
    out: args.out, resume: args.resume, backend: args.backend, imports: args.importUrls,
    checkpointEvery: args.checkpointEvery, keepCheckpoints: args.keepCheckpoints, evalEvery: args.evalEvery, evalEpisodes: args.evalEpisodes,
    quiet: args.quiet,
  };
  if (!args.resume) return trainPpo(checkStepBudget(resolveConfig(args)), settings);
  if (args.out === undefined) throw new UsageError('--resume needs --out DIR, the run to continue');
  const stored = RunDirectory.open(args.out).record.config as unknown as PpoConfig;
  checkResumeFlags(args, stored);
  if (args.steps !== undefined) checkStepBudget({ ...stored, totalSteps: args.steps });
  return trainPpo({ totalSteps: args.steps, learningRate: args.lr as number | undefined }, settings);
}

function trainPpoBuilder(y: Argv): Argv {
  let b = y
    .option('env', valueOption({ type: 'string', describe: 'registered env id (see `latentgym envs`); required for a new run (--resume takes the run\'s)' }))
    .option('env-option', envOptionOption('make() option of the env, KEY=VALUE, recorded in run.json'))
    .option('obs', valueOption({ type: 'string', choices: OBSERVATION_PIPELINES as unknown as string[], describe: `observation pipeline: state (MLP), pixels (CNN), latent (encoder + MLP); default ${DEFAULT_PPO_CONFIG.pipeline}` }))
    .option('encoder', valueOption({ type: 'string', describe: `latent: a registered encoder (default ${DEFAULT_PPO_CONFIG.encoder}; --import can register more)` }))
    .option('preset', valueOption({ type: 'string', choices: Object.keys(PRESETS), describe: 'hyperparameter preset (what each sets: below)' }))
    .option('steps', integerOption('steps', 1, LIMITS.steps, `environment steps to train for, rounded up to whole rollouts (default ${DEFAULT_PPO_CONFIG.totalSteps}, or the preset's)`))
    .option('seed', seedOption('seed', `seed of envs (env i: seed + i), networks and sampling (default ${DEFAULT_PPO_CONFIG.seed})`))
    .option('out', valueOption({ type: 'string', describe: 'run directory (default runs/ppo-ENV-OBS-seedS)' }))
    .option('resume', { type: 'boolean', default: false, describe: 'continue the run in --out from its last checkpoint' })
    .option('backend', backendOption)
    .option('vectorization', valueOption({ type: 'string', choices: ['sync', 'async'], describe: `state: async runs each env in a worker thread (default ${DEFAULT_PPO_CONFIG.vectorization})` }))
    .option('checkpoint-every', integerOption('checkpoint-every', 1, LIMITS.iterations, 'iterations between checkpoints, and one at the end (default 10, or the resumed run\'s)'))
    .option('keep-checkpoints', integerOption('keep-checkpoints', 1, LIMITS.keepCheckpoints, 'newest checkpoints kept (default 3, or the resumed run\'s)'))
    .option('eval-every', integerOption('eval-every', 0, LIMITS.iterations, 'iterations between evaluations, 0: only at the end (default 0, or the resumed run\'s)'))
    .option('eval-episodes', integerOption('eval-episodes', 0, LIMITS.episodes, 'episodes per evaluation of the deterministic policy, 0: none (default 10, or the resumed run\'s)'))
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress output' })
    .check((argv) => {
      if (argv.resume) refusePresetOnResume(argv as unknown as TrainArgs);
      return true;
    });
  for (const [flag, [key, option]] of Object.entries(HYPERPARAMETERS)) {
    b = b.option(flag, { ...option, describe: `${option.describe} (default ${defaultOf(key)})` } as never);
  }
  return b.group(Object.keys(HYPERPARAMETERS), 'PPO hyperparameters (default: CleanRL/SB3; see --preset):')
    .epilogue(presetsHelp(Object.fromEntries(Object.entries(HYPERPARAMETERS).map(([flag, [key]]) => [key, flag]))));
}

const trainPpoCommand: CommandModule<object, TrainArgs> = {
  command: 'ppo',
  describe: 'Train PPO from state, pixels or an online-trained encoder\'s latents',
  builder: trainPpoBuilder as never,
  handler: async (args) => {
    const summary = await train(args);
    if (summary.interrupted) process.exitCode = 130; // 128 + SIGINT, as a shell reports an interrupted command
  },
};

export const trainCommand = commandGroup('train', 'algorithm', 'Train an agent in a run directory (algorithms: ppo)', [trainPpoCommand]);
