/**
 * A run directory: everything one training run writes, so a run can be inspected, resumed and
 * reproduced. Layout:
 *   run.json          what was run: command, config, seed, backend, package version, user modules, start time
 *   metrics.jsonl     one JSON object per line, appended as training goes
 *   checkpoints/      written by the learner (atomically)
 *   *.png, *.gif      plots and recordings
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LatentGymError } from '../../envs/core/errors.js';
import { writeFileAtomic } from '../../envs/core/files.js';

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

export class RunDirectory {
  private constructor(readonly path: string, readonly record: RunRecord) {}

  /** Start a new run in `path`; refuses a directory that already holds a run (use `open` to resume). */
  static create(path: string, record: Omit<RunRecord, 'node' | 'startedAt'>): RunDirectory {
    const dir = resolve(path);
    if (existsSync(join(dir, RECORD_FILE))) {
      throw new RunDirectoryError(`${dir} already holds a run; pass --resume to continue it or choose another --out`);
    }
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new RunDirectoryError(`--out ${dir} is a file, expected a directory`);
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    const full: RunRecord = { ...record, node: process.version, startedAt: new Date().toISOString() };
    writeJsonAtomic(join(dir, RECORD_FILE), full);
    return new RunDirectory(dir, full);
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

  /** All metrics rows; a torn last line (from a crash) is skipped. */
  readMetrics(): Record<string, unknown>[] {
    const file = this.file(METRICS_FILE);
    if (!existsSync(file)) return [];
    const rows: Record<string, unknown>[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        rows.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // only the last line can be torn; anything after it is not ours to guess
        break;
      }
    }
    return rows;
  }

  /** Keep only the metrics rows `keep` accepts (on resume: drop rows newer than the checkpoint). */
  truncateMetrics(keep: (row: Record<string, unknown>) => boolean): void {
    const rows = this.readMetrics().filter(keep);
    writeFileAtomic(this.file(METRICS_FILE), Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join('')));
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
}
