/** Running the built `latentgym` CLI in a child process, as a user's shell would. */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/latentgym.js', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Extra node flags before the CLI's path (e.g. an --import hook). */
  nodeArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** `latentgym ...args` from the repository root, killed after `timeoutMs`. */
export function runCli(args: readonly string[], timeoutMs = 60_000, options: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd ?? ROOT, encoding: 'utf8', timeout: timeoutMs, env: options.env ?? process.env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking, to run many short command lines side by side. */
export function runCliAsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd ?? ROOT, encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: options.env ?? process.env,
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `jobs` run at most `limit` at a time, results in order. */
export async function inBatches<T, R>(items: readonly T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One option of a command's --help: its flag, type ('number', 'string', 'boolean', 'array') and whole text. */
export interface HelpOption {
  flag: string;
  type: string | undefined;
  text: string;
}

/** The options a --help text lists (an option's text may wrap over several lines). */
export function helpOptions(help: string): HelpOption[] {
  const blocks: string[] = [];
  for (const line of help.split('\n')) {
    if (/^\s+(?:-\w, )?--[\w-]+/.test(line)) blocks.push(line.trim());
    else if (line.trim() === '' || !/^\s/.test(line)) blocks.push('');
    else if (blocks.length > 0 && blocks[blocks.length - 1] !== '') blocks[blocks.length - 1] += ` ${line.trim()}`;
  }
  return blocks.filter((b) => b !== '').map((text) => ({
    flag: /--([\w-]+)/.exec(text)![1]!,
    type: /\[(number|string|boolean|array)\]/.exec(text)?.[1],
    text: text.replace(/\s+/g, ' '),
  }));
}
