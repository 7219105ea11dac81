/**
 * The figures framework: a figure reproduces one published result (paper, figure, claim), trains
 * the runs it needs or reuses finished ones, and writes into its output directory
 *   NAME.png, NAME.svg     the plot (scripts/runs/plots.ts)
 *   NAME.csv, NAME.json    the numbers behind it
 *   summary.md             the claim, the setting, what this run measured
 *   runs/                  the run directories it trained (checkpoints; not meant for committing)
 * Every figure has a full setting (the reproduction, with its expected wall time on the project's
 * 2-core machine) and a quick one (minutes at most, used by the tests; labelled as not a reproduction).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';
import { LatentGymError } from '../../envs/core/errors.js';
import { writeFileAtomic } from '../../envs/core/files.js';
import { RunDirectory, writeJsonAtomic } from '../runs/run-directory.js';

export interface Figure {
  /** The CLI name, also the default output directory figures/NAME. */
  name: string;
  title: string;
  reproduces: {
    /** The source: paper (authors, year) or benchmark. */
    paper: string;
    /** Which figure or table of it. */
    figure: string;
    /** The claim, with its numbers. */
    claim: string;
  };
  /** The reproduction's setting (seeds, budgets) and its expected wall time on 2 cores. */
  full: { description: string; wallTime: string };
  /** The quick setting (a smoke run of the same pipeline, not a reproduction). */
  quick: { description: string; wallTime: string };
  run(context: FigureContext): Promise<void>;
}

/** A figure's failure that is no usage error (e.g. a run directory of another config): one line, exit 1. */
export class FigureError extends LatentGymError {
  override name = 'FigureError';
}

/** What a figure needs from a run to use it, and how to train it. */
export interface RunRequest {
  /** The run directory. */
  dir: string;
  /** The resolved configuration the run must have (compared with run.json's `config`). */
  config: object;
  /** Whether the run has everything the figure reads from it (e.g. its final evaluation). */
  finished(run: RunDirectory): boolean;
  /** Train the run into `dir`; `resume`: continue the unfinished run there. */
  train(dir: string, resume: boolean): Promise<void>;
}

export interface RunResult {
  run: RunDirectory;
  /** A finished run found in place, not trained now. */
  reused: boolean;
  /** Seconds spent training it now (0 when reused). */
  seconds: number;
}

export interface FigureContextOptions {
  out: string;
  quick: boolean;
  /** Seeds asked for on the command line (each figure has its own default). */
  seeds?: readonly number[];
  say?: (text: string) => void;
}

export class FigureContext {
  readonly out: string;
  readonly quick: boolean;
  readonly seeds: readonly number[] | undefined;
  readonly say: (text: string) => void;
  /** Every file written through the context, in order. */
  readonly written: string[] = [];

  constructor(options: FigureContextOptions) {
    this.out = options.out;
    this.quick = options.quick;
    this.seeds = options.seeds;
    this.say = options.say ?? (() => {});
    mkdirSync(this.out, { recursive: true });
  }

  /** A path in the output directory. */
  file(name: string): string {
    return join(this.out, name);
  }

  /** The path of a run directory under runs/ in the output directory. */
  runDir(name: string): string {
    return join(this.out, 'runs', name);
  }

  /** Record files written elsewhere (plots) as part of the figure. */
  wrote(...paths: string[]): void {
    this.written.push(...paths);
  }

  /**
   * The run in `request.dir`: reused when it is finished with the same config, continued when it is
   * unfinished with the same config, trained when absent. A run of another config is refused (it is
   * not the figure's to delete).
   */
  async trainOrReuse(request: RunRequest): Promise<RunResult> {
    const where = relative(process.cwd(), request.dir) || '.';
    let resume = false;
    if (existsSync(join(request.dir, 'run.json'))) {
      const run = RunDirectory.open(request.dir);
      const difference = configDifference(request.config, run.record.config);
      if (difference !== undefined) {
        throw new FigureError(`${where} holds a run of another config (${difference}); delete it or choose another --out`);
      }
      if (request.finished(run)) {
        this.say(`reusing the finished run ${where}`);
        return { run, reused: true, seconds: 0 };
      }
      resume = true;
    }
    this.say(`${resume ? 'continuing the unfinished' : 'training the'} run ${where}`);
    const start = performance.now();
    await request.train(request.dir, resume);
    const seconds = (performance.now() - start) / 1000;
    const run = RunDirectory.open(request.dir);
    const difference = configDifference(request.config, run.record.config);
    if (difference !== undefined) throw new FigureError(`${where} was trained with another config than the figure asked for (${difference})`);
    if (!request.finished(run)) throw new FigureError(`${where} did not finish (interrupted?); run the figure again to continue it`);
    return { run, reused: false, seconds };
  }

  /** Write rows as CSV (header from `columns`; null/undefined as empty cells). */
  writeCsv(name: string, columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
    const lines = [columns.map(csvCell).join(',')];
    for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
    return this.record(name, Buffer.from(`${lines.join('\n')}\n`));
  }

  writeJson(name: string, value: unknown): string {
    const path = this.file(name);
    writeJsonAtomic(path, value);
    this.written.push(path);
    return path;
  }

  /**
   * summary.md: the figure's title (marked when quick), what it reproduces, the setting, then
   * `body` (the figure's own Markdown: what this run measured), the files and how to regenerate them.
   */
  writeSummary(figure: Figure, body: string): string {
    const setting = this.quick ? figure.quick : figure.full;
    const files = this.written.map((p) => `\`${relative(this.out, p)}\``).join(', ');
    const text = [
      `# ${figure.title}${this.quick ? ' (QUICK setting: a smoke run, not a reproduction)' : ''}`,
      '',
      `**Reproduces:** ${figure.reproduces.paper}, ${figure.reproduces.figure}.`,
      '',
      `**Claim:** ${figure.reproduces.claim}`,
      '',
      `**Setting (${this.quick ? 'quick' : 'full'}):** ${setting.description} Expected wall time: ${setting.wallTime}.`,
      '',
      body.trim(),
      '',
      `Files: ${files}.`,
      '',
      `Regenerate: \`npx latentgym figures ${figure.name}${this.quick ? ' --quick' : ''} --out DIR\` (finished runs in DIR/runs/ are reused).`,
      '',
    ].join('\n');
    return this.record('summary.md', Buffer.from(text));
  }

  private record(name: string, bytes: Uint8Array): string {
    const path = this.file(name);
    writeFileAtomic(path, bytes);
    this.written.push(path);
    return path;
  }
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** undefined when `stored` (run.json's, JSON round-tripped) is `wanted`, else the first differing key. */
export function configDifference(wanted: object, stored: Record<string, unknown>): string | undefined {
  const want = JSON.parse(JSON.stringify(wanted)) as Record<string, unknown>;
  if (isDeepStrictEqual(want, stored)) return undefined;
  const keys = [...new Set([...Object.keys(want), ...Object.keys(stored)])];
  const key = keys.find((k) => !isDeepStrictEqual(want[k], stored[k]));
  return key === undefined ? 'differs' : `${key}: ${JSON.stringify(stored[key])}, the figure wants ${JSON.stringify(want[key])}`;
}
