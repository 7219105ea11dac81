/**
 * Shared checks that turn bad options and saved states into one clear error line. (Action checks
 * need the concrete spaces, so they live above core, in spaces/action-checks.ts.)
 */
import { EnvStateError, InvalidOptionError } from './errors.js';
import { type EnvState, RENDER_MODES, type RenderMode } from './env.js';

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
export function rejectUnknownOptions(where: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidOptionError(`${where}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; valid options: ${known.join(', ') || '(none)'}`);
  }
}

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
