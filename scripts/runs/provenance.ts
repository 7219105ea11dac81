/** What a run records about where it came from: the package version and the user modules it loaded. */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
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
      throw new UserModuleError(`could not load the user module ${url}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}
