/** What a run records about where it came from: the package version and the user modules it loaded. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LatentGymError } from '../../envs/core/errors.js';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A user module (registering envs or encoders) that could not be loaded. */
export class UserModuleError extends LatentGymError {
  override name = 'UserModuleError';
}

/** A module path (relative to the working directory) or file: URL as a file: URL. */
export function moduleUrl(pathOrUrl: string): string {
  if (pathOrUrl.startsWith('file:')) return pathOrUrl;
  return pathToFileURL(isAbsolute(pathOrUrl) ? pathOrUrl : resolve(pathOrUrl)).href;
}

/** Import user modules in order (each registers its envs or encoders as a side effect). */
export async function importUserModules(urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    try {
      await import(url);
    } catch (error) {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      throw new UserModuleError(`could not load the user module ${file}: ${describeCause(error, file)}`);
    }
  }
}

/** The first line of why a module failed to load; for a syntax error, also where it is. */
function describeCause(error: unknown, file: string): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0]!;
  const first = error.message.split('\n')[0]!.trim();
  const cause = first === '' ? `${error.name} (no message)` : `${error.name}: ${first}`;
  const where = error instanceof SyntaxError ? syntaxErrorLocation(file) : undefined;
  return where === undefined ? cause : `${cause} (${where})`;
}

/**
 * 'FILE:LINE' of a syntax error in `file` or in a module it imports by a relative path. Node's error
 * for an ES module does not say where the error is, so each file is checked with `node --check`.
 */
function syntaxErrorLocation(file: string, seen = new Set<string>()): string | undefined {
  if (seen.has(file) || seen.size >= 100 || !existsSync(file)) return undefined;
  seen.add(file);
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  if (check.status !== 0) return /^(.+:\d+)$/m.exec(check.stderr ?? '')?.[1];
  const source = readFileSync(file, 'utf8');
  for (const [, specifier] of source.matchAll(/(?:^|[;\s])(?:import|export)\s[^'"`]*?['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const found = syntaxErrorLocation(resolve(dirname(file), specifier!), seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Load a run's user modules: those its run.json recorded and `extra` ones (paths or URLs), without
 * repeats. Returns the whole list as file: URLs (to record, and to pass to async env workers).
 */
export async function loadRunModules(recorded: readonly string[] | undefined, extra: readonly string[] | undefined): Promise<string[]> {
  const urls = [...new Set([...(recorded ?? []), ...(extra ?? []).map(moduleUrl)])];
  await importUserModules(urls);
  return urls;
}
