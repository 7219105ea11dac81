/**
 * PPO runs: what `latentgym train ppo` and `latentgym eval` do, as library functions.
 *
 *   trainPpo(config, settings)   train (or resume) PPO in a run directory through the shared training loop
 *   loadPolicy(runDir)           a trained run's deterministic policy, to act with or evaluate
 *
 * Configuration = PPO defaults (CleanRL/SB3) <- preset <- the given fields. A resumed run keeps its
 * stored configuration; given fields may only repeat it, except totalSteps (to extend the run).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BackendDescription, formatBackend, initBackend } from '../../models/compute/backend.js';
import { ModelFileError } from '../../models/errors.js';
import { AgentConfigError } from '../../agents/errors.js';
import { loadAgentState, saveAgentState } from '../../agents/ppo/checkpoint.js';
import { type EvaluationOptions, type EvaluationResult, batched, evaluate, singleAction } from '../../agents/ppo/evaluate.js';
import { type IterationMetrics, Ppo, type PpoConfig } from '../../agents/ppo/ppo.js';
import { type PpoConfigInput, RESUME_CHANGEABLE, checkConfigKeys, resolvePpoConfig } from '../../agents/ppo/config.js';
import { latestCheckpoint, listCheckpoints } from './checkpoints.js';
import { type Series, writeLineChart } from './plots.js';
import { loadRunModules, packageVersion } from './provenance.js';
import { RunDirectory } from './run-directory.js';
import { type EvaluationReport, type IterationReport, type Learner, runTraining } from './training-loop.js';

export { RESUME_CHANGEABLE, resolvePpoConfig, type PpoConfigInput };

/** How a run is kept (none of this changes what is learned). */
export interface PpoRunSettings {
  /** The run directory (default runs/ppo-ENV-OBS-seedS). */
  out?: string;
  /** Continue the run in `out` from its latest checkpoint. */
  resume?: boolean;
  /** Compute backend (default: the fastest available; see models/compute/backend.ts). */
  backend?: string;
  /** Modules (paths or file: URLs) that register custom envs or encoders; recorded in run.json and loaded again on resume. */
  imports?: readonly string[];
  /** Iterations between checkpoints (default 10, or the resumed run's; one is always written at the end). */
  checkpointEvery?: number;
  /** Newest checkpoints kept (default 3, or the resumed run's). */
  keepCheckpoints?: number;
  /** Iterations between evaluations (default 0: only at the end; or the resumed run's). */
  evalEvery?: number;
  /** Episodes per evaluation of the deterministic policy (default 10, or the resumed run's; 0: none). */
  evalEpisodes?: number;
  /** No progress output (default true: a library is quiet unless asked). */
  quiet?: boolean;
  log?: (line: string) => void;
}

export interface TrainSummary {
  run: string;
  iterations: number;
  steps: number;
  stepsPerSecond: number;
  evaluation: EvaluationResult | null;
  resumedFrom: string | null;
  /** Stopped by Ctrl-C (SIGINT) after saving a checkpoint. */
  interrupted: boolean;
  backend: BackendDescription;
}

/** The run-keeping settings a run records, and their defaults. */
const RUN_KEEPING_DEFAULTS = { checkpointEvery: 10, keepCheckpoints: 3, evalEvery: 0, evalEpisodes: 10 };
type RunKeeping = typeof RUN_KEEPING_DEFAULTS;

/** Run-keeping settings in range: checkpoints every >= 1 iteration, >= 1 kept, evaluation counts >= 0. */
function checkRunKeeping(keeping: RunKeeping): void {
  const ranges: [keyof RunKeeping, number][] = [['checkpointEvery', 1], ['keepCheckpoints', 1], ['evalEvery', 0], ['evalEpisodes', 0]];
  for (const [key, min] of ranges) {
    const value = keeping[key];
    if (!Number.isInteger(value) || value < min) throw new AgentConfigError(`${key} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
}

/** On resume: the given fields may repeat the stored config, and change only RESUME_CHANGEABLE ones. */
function resumedConfig(input: PpoConfigInput, stored: PpoConfig): { config: PpoConfig; changes: Partial<PpoConfig> } {
  if (input.preset !== undefined) throw new AgentConfigError('a preset cannot be combined with resume (the run keeps its config)');
  checkConfigKeys(input);
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'preset' || value === undefined) continue;
    const storedValue = (stored as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(value) === JSON.stringify(storedValue)) continue;
    if (!(RESUME_CHANGEABLE as readonly string[]).includes(key)) {
      throw new AgentConfigError(`resume continues the run with its own config: ${key} ${JSON.stringify(value)} differs from the run's ${JSON.stringify(storedValue)} (only ${RESUME_CHANGEABLE.join(' and ')} may change)`);
    }
    changes[key] = value;
  }
  return { config: { ...stored, ...changes }, changes };
}

export const defaultPpoOut = (config: PpoConfig) => `runs/ppo-${config.envId.replace(/[^\w.-]+/g, '_')}-${config.pipeline}-seed${config.seed}`;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** PPO behind the training loop's Learner interface. */
class PpoLearner implements Learner {
  readonly label = 'train ppo';
  readonly unit = 'steps';

  constructor(readonly agent: Ppo, private readonly evalEpisodes: number) {}

  get progress() { return this.agent.globalStep; }
  get total() { return this.agent.iterations * this.agent.rolloutSteps; }
  get iteration() { return this.agent.iteration; }
  get iterations() { return this.agent.iterations; }
  get done() { return this.agent.done; }

  iterate(): IterationReport {
    const m: IterationMetrics = this.agent.iterate();
    const { episodes, ...rest } = m;
    const returns = episodes.map((e) => e.return);
    const ret = m.recentReturn === null ? '-' : m.recentReturn.toFixed(1);
    return {
      row: {
        ...rest, episodesEnded: episodes.length,
        episodeReturn: returns.length ? round(returns.reduce((a, b) => a + b, 0) / returns.length) : null,
        episodeLength: episodes.length ? round(episodes.reduce((a, e) => a + e.length, 0) / episodes.length) : null,
      },
      display: {
        return: ret, 'policy loss': m.policyLoss.toFixed(4), 'value loss': m.valueLoss.toFixed(4), 'approx KL': m.approxKl.toFixed(4),
        ...(m.encoderLoss === null ? {} : { 'encoder loss': m.encoderLoss.toFixed(5) }),
      },
    };
  }

  save(dir: string): Promise<void> {
    return saveAgentState(dir, this.agent);
  }

  restore(dir: string): Promise<{ exact: boolean }> {
    return loadAgentState(dir, this.agent);
  }

  /** The latest evaluation, in full (the metrics row holds its summary). */
  lastEvaluation: EvaluationResult | null = null;

  evaluate(): EvaluationReport {
    const result = evaluate(this.agent, { episodes: this.evalEpisodes, seed: this.agent.seedFor('evaluation') });
    this.lastEvaluation = result;
    return {
      row: { step: this.agent.globalStep, episodes: result.episodes, meanReturn: round(result.meanReturn), stdReturn: round(result.stdReturn), meanLength: round(result.meanLength) },
      line: `evaluation (deterministic policy, ${result.episodes} episode${result.episodes === 1 ? '' : 's'}): return ${result.meanReturn.toFixed(1)} +- ${result.stdReturn.toFixed(1)}`,
    };
  }

  plot(run: RunDirectory): string {
    return plotPpoRun(run);
  }
}

/**
 * Train PPO in a run directory (or resume one); see PpoRunSettings for how the run is kept. The run
 * is locked for this process while it trains; run-keeping settings not given on resume are the run's.
 */
export async function trainPpo(config: PpoConfigInput, settings: PpoRunSettings = {}): Promise<TrainSummary> {
  const quiet = settings.quiet ?? true;
  const say = (line: string) => { if (!quiet) (settings.log ?? ((l) => process.stdout.write(`${l}\n`)))(line); };
  const backend = await initBackend({ backend: settings.backend });
  let existing: RunDirectory | undefined;
  if (settings.resume) {
    if (settings.out === undefined) throw new AgentConfigError('resume needs the run directory (out) to continue');
    existing = RunDirectory.open(settings.out);
    if (existing.record.command !== 'train ppo') throw new AgentConfigError(`${existing.path} is a '${existing.record.command}' run; train ppo resumes only 'train ppo' runs`);
    existing.lock(); // before anything else: a second writer stops here
  }
  try {
    const imports = await loadRunModules(existing?.record.imports, settings.imports);
    const { config: resolved, changes } = existing
      ? resumedConfig(config, existing.record.config as unknown as PpoConfig)
      : { config: resolvePpoConfig(config), changes: {} };
    const keeping: RunKeeping = { ...RUN_KEEPING_DEFAULTS, ...(existing?.record.settings as Partial<RunKeeping> | undefined) };
    for (const key of Object.keys(RUN_KEEPING_DEFAULTS) as (keyof RunKeeping)[]) if (settings[key] !== undefined) keeping[key] = settings[key]!;
    checkRunKeeping(keeping);
    // The agent before the run directory: a bad env, space or hyperparameter leaves nothing behind.
    const agent = new Ppo(resolved, { imports });
    try {
      const run = existing ?? RunDirectory.create(settings.out ?? defaultPpoOut(resolved), {
        command: 'train ppo', config: resolved as unknown as Record<string, unknown>, seed: resolved.seed, backend: { ...backend },
        version: packageVersion(), imports, settings: keeping,
      });
      if (existing) recordResume(existing, resolved, changes, keeping);
      say(`${formatBackend(backend)}; run ${run.path}`);
      const learner = new PpoLearner(agent, keeping.evalEpisodes);
      const result = await runTraining(run, learner, {
        checkpointEvery: keeping.checkpointEvery, keepCheckpoints: keeping.keepCheckpoints,
        evalEvery: keeping.evalEpisodes > 0 ? keeping.evalEvery : 0, finalEvaluation: keeping.evalEpisodes > 0, quiet, log: settings.log,
      }, existing !== undefined);
      return {
        run: run.path, iterations: result.iterations, steps: result.progress, stepsPerSecond: result.perSecond,
        evaluation: result.evaluation ? learner.lastEvaluation : null, resumedFrom: result.resumedFrom, interrupted: result.interrupted, backend,
      };
    } finally {
      agent.close();
    }
  } finally {
    existing?.unlock();
  }
}

/** A resume's changes to run.json: the new config and settings, and the history of changed fields. */
function recordResume(run: RunDirectory, config: PpoConfig, changes: Partial<PpoConfig>, keeping: RunKeeping): void {
  const latest = listCheckpoints(run.checkpointDir).at(-1);
  const iteration = latest === undefined ? 0 : Number(latest.slice('iter-'.length));
  run.updateRecord((record) => ({
    ...record,
    config: config as unknown as Record<string, unknown>,
    settings: keeping,
    ...(Object.keys(changes).length === 0 ? {} : { resumes: [...(record.resumes ?? []), { iteration, at: new Date().toISOString(), changes }] }),
  }));
}

/**
 * Learning curves of a PPO run's metrics: training return and, with two or more evaluations, the
 * evaluation return with its std band (a single final evaluation goes into the title instead).
 */
export function plotPpoRun(run: RunDirectory): string {
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

/** A trained run's policy: deterministic actions with the run's frozen normalisation. */
export interface LoadedPolicy {
  readonly run: string;
  readonly config: PpoConfig;
  /** The checkpoint loaded (null when weights were not loaded). */
  readonly checkpoint: string | null;
  readonly iteration: number | null;
  readonly step: number | null;
  readonly backend: BackendDescription;
  /** The deterministic action (Gaussian mean, categorical argmax) for one observation of the run's env. */
  act(observation: unknown): unknown;
  /** Mean return over fresh episodes (or of the random policy, with `random`). */
  evaluate(options: EvaluationOptions): EvaluationResult;
  close(): void;
}

export interface LoadPolicyOptions {
  /** A checkpoint name in RUN/checkpoints (default: the latest). */
  checkpoint?: string;
  /** Load the weights (default true; false is for the random baseline, which needs only the env setup). */
  loadWeights?: boolean;
  backend?: string;
  /** More user modules to load (run.json's are always loaded). */
  imports?: readonly string[];
}

/** Load the policy of a `train ppo` run directory. */
export async function loadPolicy(runDir: string, options: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  const run = RunDirectory.open(runDir);
  if (run.record.command !== 'train ppo') throw new AgentConfigError(`${run.path} is a '${run.record.command}' run; a policy comes from a 'train ppo' run`);
  const names = listCheckpoints(run.checkpointDir);
  if (options.checkpoint !== undefined && !names.includes(options.checkpoint)) {
    throw new AgentConfigError(`--checkpoint: ${run.path} has no checkpoint '${options.checkpoint}'; it has ${names.join(', ') || 'none'}`);
  }
  if (options.checkpoint === undefined && latestCheckpoint(run.checkpointDir) === undefined) {
    throw new ModelFileError(`${run.path} has no checkpoint yet (train it first, or wait for its first checkpoint)`);
  }
  const backend = await initBackend({ backend: options.backend });
  const imports = await loadRunModules(run.record.imports, options.imports);
  // One env is enough to act and evaluate; the replay only matters in training.
  const config: PpoConfig = { ...(structuredClone(run.record.config) as unknown as PpoConfig), numEnvs: 1, vectorization: 'sync', replaySteps: 2 };
  const agent = new Ppo(config, { imports });
  try {
    let path = options.checkpoint === undefined ? latestCheckpoint(run.checkpointDir)! : join(run.checkpointDir, options.checkpoint);
    let restored: { iteration: number; globalStep: number } | undefined;
    if (options.loadWeights !== false) {
      // A run still training prunes old checkpoints: if the latest vanishes while it is read, take the new latest.
      for (let attempt = 0; ; attempt++) {
        try {
          restored = await loadAgentState(path, agent, { policyOnly: true });
          break;
        } catch (error) {
          const newer = options.checkpoint === undefined ? latestCheckpoint(run.checkpointDir) : undefined;
          if (attempt >= 3 || newer === undefined || newer === path || existsSync(path)) throw error;
          path = newer;
        }
      }
    }
    return {
      run: run.path, config, checkpoint: restored ? path : null, iteration: restored?.iteration ?? null, step: restored?.globalStep ?? null, backend,
      act: (observation) => singleAction(agent.action.kind === 'discrete', agent.actDeterministic(batched(observation), 1)),
      evaluate: (evaluation) => evaluate(agent, evaluation),
      close: () => agent.close(),
    };
  } catch (error) {
    agent.close();
    throw error;
  }
}
