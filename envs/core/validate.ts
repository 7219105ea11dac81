/**
 * Shared checks that turn bad options and saved states into one clear error line. (Action checks
 * need the concrete spaces, so they live above core, in spaces/action-checks.ts.)
 */
import { EnvStateError, InvalidOptionError, type LatentGymError } from './errors.js';
import { type EnvState, RENDER_MODES, type RenderMode, type ResetArgs } from './env.js';
import { describe } from './describe.js';
import { MAX_SEED } from './rng.js';

/** A finite number option within [min, max]. */
export function numberOption(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidOptionError(`option '${name}' must be a finite number in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** An integer option within [min, max]. */
export function integerOption(name: string, value: unknown, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(`option '${name}' must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/** One of a fixed list of strings. */
export function choiceOption<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidOptionError(`option '${name}' must be one of ${choices.join(', ')}, got ${String(value)}`);
  }
  return value as T;
}

/** Reject keys of `options` that are not in `known`, naming the valid ones. */
export function rejectUnknownOptions(
  where: string, options: object, known: readonly string[], noun = 'option', ErrorClass: ErrorClass = InvalidOptionError,
): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ErrorClass(`${where}: unknown ${noun}${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; valid ${noun}s: ${known.join(', ') || '(none)'}`);
  }
}

type ErrorClass = new (message: string) => LatentGymError;

/** A literal-style object (prototype Object.prototype or null): not null, an array or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `value` as an options record (undefined gives {}), else a one-line error showing `example`. */
export function optionsRecord(
  where: string, value: unknown, example: string, ErrorClass: ErrorClass = InvalidOptionError,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new ErrorClass(`${where}: options must be an object such as ${example}, got ${describe(value)}`);
  return value;
}

/**
 * Reset arguments checked before any env sees them: undefined or `{seed, options}` with an
 * integer seed in [0, MAX_SEED] (or undefined) and an options object (or undefined).
 */
export function checkResetArgs(where: string, args: unknown): void {
  if (args === undefined) return;
  if (!isPlainObject(args)) throw new InvalidOptionError(`${where} takes {seed, options}, got ${describe(args)}`);
  rejectUnknownOptions(where, args, RESET_ARG_NAMES, 'key');
  const { seed, options } = args;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)) {
    throw new InvalidOptionError(`${where}: 'seed' must be an integer in [0, ${MAX_SEED}] or undefined, got ${describe(seed)}`);
  }
  if (options !== undefined && !isPlainObject(options)) {
    throw new InvalidOptionError(`${where}: 'options' must be an object or undefined, got ${describe(options)}`);
  }
}

const RESET_ARG_NAMES: readonly (keyof ResetArgs)[] = ['seed', 'options'];

/** The rendering options shared by every env that draws frames. */
export interface RenderOptions {
  renderMode?: RenderMode | undefined;
  /** Frame width and height, px (integers in [8, 4096]). Default 64 x 64. */
  renderWidth?: number;
  renderHeight?: number;
}

export const RENDER_OPTION_NAMES = ['renderMode', 'renderWidth', 'renderHeight'] as const;
const MAX_RENDER_SIZE = 4096;

/** Validated render mode and frame size. */
export function renderOptions(options: RenderOptions, defaultSize = 64): {
  renderMode: RenderMode | undefined; renderWidth: number; renderHeight: number;
} {
  return {
    renderMode: options.renderMode === undefined ? undefined : choiceOption('renderMode', options.renderMode, RENDER_MODES),
    renderWidth: integerOption('renderWidth', options.renderWidth ?? defaultSize, 8, MAX_RENDER_SIZE),
    renderHeight: integerOption('renderHeight', options.renderHeight ?? defaultSize, 8, MAX_RENDER_SIZE),
  };
}

/** The finite numbers `names` of a saved env state, or an EnvStateError naming the missing one. */
export function stateNumbers<const N extends readonly string[]>(where: string, state: EnvState, names: N): { [K in keyof N]: number } {
  return names.map((name) => {
    const value = state[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new EnvStateError(`${where}.setState: '${name}' must be a finite number, got ${String(value)}`);
    }
    return value;
  }) as { [K in keyof N]: number };
}
