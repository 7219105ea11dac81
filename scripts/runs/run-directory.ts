/**
 * A run directory: everything one training run writes, so a run can be inspected, resumed and
 * reproduced. Layout:
 *   run.json          what was run: command, config, seed, backend, package version, user modules,
 *                     run-keeping settings, resumes, start time
 *   metrics.jsonl     one JSON object per line, appended as training goes
 *   checkpoints/      written by the learner (atomically)
 *   lock              while a process writes the run: its pid, host and start time
 *   *.png, *.gif      plots and recordings
 *
 * One process writes a run at a time: `lock()` creates the lock file exclusively; a second writer
 * gets a one-line error naming the holder; a lock left by a killed process (its pid no longer alive
 * on this host) is taken over, by an atomic rename so that two processes cannot both take it over.
 */
import { appendFileSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { LatentGymError } from '../../envs/core/errors.js';
import { processAlive, removeDeadTemporaries, writeFileAtomic } from '../../envs/core/files.js';

export interface RunRecord {
  /** e.g. 'train ppo'. */
  command: string;
  /** The full, resolved configuration the run used. */
  config: Record<string, unknown>;
  seed: number;
  /** A description of the compute backend (name, threads, ...). */
  backend: Record<string, unknown>;
  /** latentgym's package version. */
  version: string;
  /** How the run is kept (checkpoint and evaluation cadence): reused on resume unless given again. */
  settings?: Record<string, unknown>;
  /** Each resume that changed the configuration: at which iteration, what changed (e.g. a lower learning rate). */
  resumes?: { iteration: number; at: string; changes: Record<string, unknown> }[];
  /** User modules (file: URLs) loaded before the run was built; loaded again to resume or evaluate it. */
  imports?: string[];
  node: string;
  startedAt: string;
}

export class RunDirectoryError extends LatentGymError {
  override name = 'RunDirectoryError';
}

const RECORD_FILE = 'run.json';
const METRICS_FILE = 'metrics.jsonl';
const LOCK_FILE = 'lock';
/** Temporary files of atomic writes (writeFileAtomic, checkpoint directories): NAME.tmp-PID. */
const TEMPORARY = /\.tmp-(\d+)$/;

interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** Locks this process holds, released when it exits however it exits. */
const heldLocks = new Set<string>();
process.once('exit', () => {
  for (const path of heldLocks) rmSync(path, { force: true });
});

export class RunDirectory {
  private constructor(readonly path: string, public record: RunRecord) {}

  /**
   * Start a new run in `path` (locked for this process); refuses an empty path, a directory that
   * already holds a run (use `open` to resume) and a non-empty directory that is no run (its files
   * would be mixed with the run's, or overwritten).
   */
  static create(path: string, record: Omit<RunRecord, 'node' | 'startedAt'>): RunDirectory {
    if (path.trim() === '') throw new RunDirectoryError('--out must name a directory for the run, got an empty path');
    const dir = resolve(path);
    if (existsSync(join(dir, RECORD_FILE))) {
      throw new RunDirectoryError(`${dir} already holds a run; pass --resume to continue it or choose another --out`);
    }
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new RunDirectoryError(`--out ${dir} is a file, expected a directory`);
    const stray = existsSync(dir) ? readdirSync(dir) : [];
    if (stray.length > 0) {
      throw new RunDirectoryError(`--out ${dir} is not empty and holds no run (no ${RECORD_FILE}; found ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ', ...' : ''}); choose a new or empty directory`);
    }
    try {
      mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    } catch (error) {
      throw new RunDirectoryError(`--out ${dir}: cannot create the run directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; is a part of the path a file?)`);
    }
    const run = new RunDirectory(dir, { ...record, node: process.version, startedAt: new Date().toISOString() });
    run.lock();
    writeJsonAtomic(join(dir, RECORD_FILE), run.record);
    return run;
  }

  /** Open an existing run (to resume or evaluate it). */
  static open(path: string): RunDirectory {
    const dir = resolve(path);
    const file = join(dir, RECORD_FILE);
    if (!existsSync(file)) throw new RunDirectoryError(`${dir} is not a run directory (no ${RECORD_FILE})`);
    let record: RunRecord;
    try {
      record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch (error) {
      throw new RunDirectoryError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    for (const key of ['command', 'config', 'seed', 'version'] as const) {
      if (!(key in record)) throw new RunDirectoryError(`${file} lacks the field '${key}'`);
    }
    return new RunDirectory(dir, record);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** Rewrite run.json with `update` applied (atomically); the lock must be held. */
  updateRecord(update: (record: RunRecord) => RunRecord): void {
    this.record = update(structuredClone(this.record));
    writeJsonAtomic(this.file(RECORD_FILE), this.record);
  }

  /**
   * Take the run for this process (a no-op if it already holds it); then remove the temporary files
   * that a killed writer left. A live holder is a one-line error naming it.
   */
  lock(): void {
    const path = this.file(LOCK_FILE);
    if (heldLocks.has(path)) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockHolder));
        closeSync(fd);
        heldLocks.add(path);
        this.removeStaleTemporaries();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readLock(path);
      const stat = statSync(path, { throwIfNoEntry: false });
      const justCreated = holder === undefined && stat !== undefined && Date.now() - stat.mtimeMs < 5000;
      if (justCreated) throw new RunDirectoryError(`${this.path} is being taken by another process (its lock was just created); try again`);
      if (holder && (holder.host !== hostname() || processAlive(holder.pid))) {
        throw new RunDirectoryError(`${this.path} is being written by process ${holder.pid} on ${holder.host} (since ${holder.since}); wait for it to finish or stop it (a lock of a killed process is taken over)`);
      }
      // The holder is dead (or the lock unreadable): move its lock aside; of two processes racing here, one rename wins.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        rmSync(`${path}.stale-${process.pid}`, { force: true });
      } catch {
        // another process took it over first; try again, and meet its live lock
      }
    }
    throw new RunDirectoryError(`${this.path}: could not take the run's lock (${path})`);
  }

  /** Give the run up (only if this process holds it). */
  unlock(): void {
    const path = this.file(LOCK_FILE);
    if (!heldLocks.delete(path)) return;
    rmSync(path, { force: true });
  }

  /** Temporary files and checkpoint directories of atomic writes by other (dead) processes. */
  private removeStaleTemporaries(): void {
    for (const dir of [this.path, this.checkpointDir]) removeDeadTemporaries(dir, TEMPORARY);
  }

  get checkpointDir(): string {
    return join(this.path, 'checkpoints');
  }

  /** Names of the checkpoints (sub-directories or files of checkpoints/), oldest first by name. */
  checkpoints(): string[] {
    return existsSync(this.checkpointDir) ? readdirSync(this.checkpointDir).filter((n) => !n.includes('.tmp-')).sort() : [];
  }

  /** Append one metrics row (one line, so a crash loses at most the line being written). */
  appendMetrics(row: Record<string, unknown>): void {
    appendFileSync(this.file(METRICS_FILE), `${JSON.stringify(row)}\n`);
  }

  /**
   * All metrics rows. A torn last line (a crash while appending) is skipped; an unreadable line
   * before the last is an error naming it, since skipping it would silently drop later history.
   */
  readMetrics(): Record<string, unknown>[] {
    const file = this.file(METRICS_FILE);
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').split('\n');
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
    const rows: Record<string, unknown>[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        rows.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        if (i === lines.length - 1) return; // torn by a crash: the row was never complete
        throw new RunDirectoryError(`${file}: line ${i + 1} is not valid JSON (rows after it would be lost); repair or delete that line`);
      }
    });
    return rows;
  }

  /** Keep only the metrics rows `keep` accepts (on resume: drop rows newer than the checkpoint). */
  truncateMetrics(keep: (row: Record<string, unknown>) => boolean): void {
    const rows = this.readMetrics().filter(keep);
    writeFileAtomic(this.file(METRICS_FILE), Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join('')));
  }
}

function readLock(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined; // torn by a crash between creating and writing it
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
}
