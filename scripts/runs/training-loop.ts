/**
 * The one training loop of every learner that trains in a run directory (PPO today; encoders,
 * relations and E2C next). A learner plugs in through the small `Learner` interface; the loop owns
 * everything around it:
 *   - resume: the latest checkpoint restored, metrics rows newer than it dropped, elapsed time kept;
 *   - a progress bar (rate, ETA, the learner's key numbers) on a terminal, one line per iteration otherwise;
 *   - `metrics.jsonl`: one row per iteration (with elapsed seconds and the rate), one per evaluation;
 *   - periodic checkpoints (atomic, the newest `keepCheckpoints` kept) and one at the end;
 *   - Ctrl-C (SIGINT) between iterations: a checkpoint, then a clean stop;
 *   - divergence (TrainingDivergedError): a 'diverged' row, the plot, and an error naming the last good checkpoint;
 *   - an evaluation every `evalEvery` iterations and at the end, and the learner's plot.
 */
import { TrainingDivergedError } from '../../models/errors.js';
import { latestCheckpoint, writeCheckpoint } from './checkpoints.js';
import { formatCount, formatFields, progressBar } from './progress.js';
import type { RunDirectory } from './run-directory.js';

/** What one iteration reports. */
export interface IterationReport {
  /** The metrics row (plain JSON); the loop adds kind 'iteration', elapsedSeconds and the rate. */
  row: Record<string, unknown>;
  /** A few key numbers, formatted, for the progress bar and the per-iteration line (e.g. {return: '-150.2'}). */
  display: Record<string, string>;
}

/** What one evaluation reports. */
export interface EvaluationReport {
  /** The metrics row (plain JSON); the loop adds kind 'eval'. */
  row: Record<string, unknown>;
  /** One line for the user. */
  line: string;
}

export interface Learner {
  /** The command, e.g. 'train ppo' (the progress bar's label). */
  readonly label: string;
  /** What progress counts, plural (e.g. 'steps': environment steps for PPO). */
  readonly unit: string;
  /** Progress so far and the target, in `unit`. */
  readonly progress: number;
  readonly total: number;
  /** Iterations done (checkpoints are named by it). */
  readonly iteration: number;
  /** Iterations the run takes in all. */
  readonly iterations: number;
  readonly done: boolean;
  /** One iteration of training. A TrainingDivergedError means the parameters were not updated. */
  iterate(): IterationReport | Promise<IterationReport>;
  /** Write everything needed to continue exactly into the (empty) directory `dir`. */
  save(dir: string): Promise<void>;
  /** Restore what save() wrote; `exact` false when the continuation cannot be bit-identical. */
  restore(dir: string): Promise<{ exact: boolean }>;
  /** An evaluation of the current model, if the learner has one. */
  evaluate?(): EvaluationReport;
  /** Draw the run's plots from its metrics; returns the main plot's path. */
  plot(run: RunDirectory): string;
}

export interface LoopOptions {
  /** Iterations between checkpoints (one is always written at the end). */
  checkpointEvery: number;
  keepCheckpoints: number;
  /** Iterations between evaluations (0: only at the end). */
  evalEvery: number;
  /** Evaluate at the end (when the learner can). */
  finalEvaluation: boolean;
  /** No progress bar and no lines. */
  quiet: boolean;
  /** Where lines go (default: stdout). */
  log?: (line: string) => void;
}

export interface LoopResult {
  iterations: number;
  progress: number;
  /** Rate of this session, in `unit` per second. */
  perSecond: number;
  /** The last evaluation's row, if one ran at the end. */
  evaluation: Record<string, unknown> | null;
  /** The checkpoint this session started from. */
  resumedFrom: string | null;
  interrupted: boolean;
  plot: string;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * Restore the latest checkpoint of `run` into `learner` (none: the run starts over); drops metrics
 * rows newer than it. Returns the checkpoint and the elapsed seconds recorded up to it.
 */
async function resume(run: RunDirectory, learner: Learner, say: (line: string) => void): Promise<{ from: string | null; elapsed: number }> {
  const path = latestCheckpoint(run.checkpointDir);
  if (path === undefined) {
    run.truncateMetrics(() => false);
    say('no checkpoint yet: training the run from its start');
    return { from: null, elapsed: 0 };
  }
  const { exact } = await learner.restore(path);
  run.truncateMetrics((row) => typeof row.iteration !== 'number' || (row.iteration as number) <= learner.iteration);
  const rows = run.readMetrics().filter((r) => typeof r.elapsedSeconds === 'number');
  say(`resumed from ${path} at iteration ${learner.iteration}, ${learner.unit.replace(/s$/, '')} ${formatCount(learner.progress)}`);
  if (!exact) process.stderr.write('latentgym: warning: the envs do not support getState/setState, so they restart with fresh episodes; this resume is not exact\n');
  return { from: path, elapsed: (rows[rows.length - 1]?.elapsedSeconds as number | undefined) ?? 0 };
}

/**
 * Train `learner` in `run` until it is done or interrupted; `resuming` continues from the run's
 * latest checkpoint. The run is locked for this process meanwhile (a second writer is refused).
 */
export async function runTraining(run: RunDirectory, learner: Learner, options: LoopOptions, resuming: boolean): Promise<LoopResult> {
  run.lock();
  try {
    return await trainLocked(run, learner, options, resuming);
  } finally {
    run.unlock();
  }
}

async function trainLocked(run: RunDirectory, learner: Learner, options: LoopOptions, resuming: boolean): Promise<LoopResult> {
  const say = (line: string) => { if (!options.quiet) (options.log ?? ((l) => process.stdout.write(`${l}\n`)))(line); };
  const { from: resumedFrom, elapsed: elapsedBefore } = resuming ? await resume(run, learner, say) : { from: null, elapsed: 0 };
  const bar = progressBar(learner.label, learner.unit, learner.total, learner.progress, options.quiet);
  const start = performance.now();
  const startProgress = learner.progress;
  const perSecond = () => (learner.progress - startProgress) / Math.max((performance.now() - start) / 1000, 1e-9);
  let lastCheckpoint = latestCheckpoint(run.checkpointDir);
  const checkpoint = async () => {
    lastCheckpoint = await writeCheckpoint(run.checkpointDir, learner.iteration, (dir) => learner.save(dir), options.keepCheckpoints);
  };
  const evaluate = (announce: boolean): Record<string, unknown> | null => {
    if (!learner.evaluate) return null;
    const { row, line } = learner.evaluate();
    const full = { kind: 'eval', iteration: learner.iteration, ...row };
    run.appendMetrics(full);
    if (announce) say(line);
    return full;
  };
  let interrupted = false;
  const onSigint = () => { interrupted = true; };
  process.once('SIGINT', onSigint);
  try {
    while (!learner.done && !interrupted) {
      let report: IterationReport;
      try {
        report = await learner.iterate();
      } catch (error) {
        if (!(error instanceof TrainingDivergedError)) throw error;
        run.appendMetrics({ kind: 'diverged', iteration: learner.iteration, progress: learner.progress, reason: error.message });
        learner.plot(run);
        const keep = lastCheckpoint ? `the last good checkpoint is ${lastCheckpoint}` : 'no checkpoint was written yet';
        throw new TrainingDivergedError(`${error.message}; ${keep} (continue it with --resume, e.g. with a lower --lr)`);
      }
      const seconds = (performance.now() - start) / 1000;
      const rate = perSecond();
      run.appendMetrics({ kind: 'iteration', ...report.row, elapsedSeconds: round(elapsedBefore + seconds), [`${learner.unit}PerSecond`]: round(rate) });
      bar?.update(learner.progress, report.display);
      if (!bar) say(`iteration ${learner.iteration}/${learner.iterations}: ${learner.unit.replace(/s$/, '')} ${formatCount(learner.progress)}, ${formatCount(rate)} ${learner.unit}/s, ${formatFields(report.display)}`);
      if (options.evalEvery > 0 && learner.iteration % options.evalEvery === 0 && !learner.done) {
        evaluate(!bar);
      }
      await new Promise(setImmediate); // let a Ctrl-C (SIGINT) in between iterations
      if (learner.iteration % options.checkpointEvery === 0 || learner.done || interrupted) await checkpoint();
    }
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const rate = perSecond();
  let evaluation: Record<string, unknown> | null = null;
  if (interrupted) {
    say(`interrupted: saved ${lastCheckpoint}; continue with --resume --out ${run.path}`);
  } else if (learner.progress === startProgress) {
    say(`the run is complete (${formatCount(learner.progress)} ${learner.unit}); pass a larger --steps with --resume to train on`);
  } else if (options.finalEvaluation) {
    evaluation = evaluate(true);
  }
  const plot = learner.plot(run);
  say(`${formatCount(learner.progress)} ${learner.unit}, ${formatCount(rate)} ${learner.unit}/s this session; wrote ${plot}`);
  return { iterations: learner.iteration, progress: learner.progress, perSecond: rate, evaluation, resumedFrom, interrupted, plot };
}
