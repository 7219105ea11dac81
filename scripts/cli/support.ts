/** Pieces shared by the CLI commands: argument coercion, user module imports, output helpers. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}


/** yargs `coerce` for a positive integer argument. */
export function positiveInteger(name: string): (value: unknown) => number {
  return (value) => {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got ${String(value)}`);
    return n;
  };
}

/** yargs `coerce` for a non-negative integer argument (seeds). */
export function nonNegativeInteger(name: string, max = 2 ** 31 - 1): (value: unknown) => number {
  return (value) => {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be an integer in [0, ${max}], got ${String(value)}`);
    return n;
  };
}

/** yargs `coerce` for a positive finite number. */
export function positiveNumber(name: string): (value: unknown) => number {
  return (value) => {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got ${String(value)}`);
    return n;
  };
}

/** An output file whose directory must already exist (checked before any work is done). */
export function outputFile(name: string): (value: unknown) => string {
  return (value) => {
    if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a file path`);
    const path = resolve(value);
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--${name}: directory ${dir} does not exist`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${name}: ${path} is a directory, expected a file path`);
    return path;
  };
}

/** Resolve user modules (which register their own envs) to file URLs, failing on a missing file. */
export function resolveImports(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const path = resolve(p);
    if (!existsSync(path)) throw new UsageError(`--import: file ${path} does not exist`);
    return pathToFileURL(path).href;
  });
}

