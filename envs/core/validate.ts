/** Shared checks that turn bad actions and options into one clear error line. */
import { Box, describe } from '../spaces/box.js';
import type { Space } from '../spaces/space.js';
import { type TypedArray, formatShape, isNDArray, sameShape } from './ndarray.js';
import { EnvStateError, InvalidActionError, InvalidOptionError } from './errors.js';
import { type EnvState, RENDER_MODES, type RenderMode } from './env.js';

/**
 * The values of a Box action after checking it is an NDArray of the space's shape (values are not
 * checked). `where` prefixes the message, e.g. the wrapper that received the action.
 */
export function boxActionData(space: Box<any>, action: unknown, where = 'action'): TypedArray {
  if (!isNDArray(action)) {
    throw new InvalidActionError(`${where} must be an NDArray of shape ${formatShape(space.shape)}, got ${describe(action)}`);
  }
  if (!sameShape(action.shape, space.shape) || action.data.length !== space.size) {
    throw new InvalidActionError(`${where} shape ${formatShape(action.shape)} does not match the action space ${space.toString()}`);
  }
  return action.data;
}

/**
 * Validate a Box action and return its values. Wrong structure, shape or non-finite values are
 * errors; out-of-bounds values are clipped when `outOfBounds` is 'clip', else an error.
 */
export function boxActionValues(space: Box<any>, action: unknown, outOfBounds: 'clip' | 'error'): ArrayLike<number> {
  const values = boxActionData(space, action);
  let inside = true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) throw new InvalidActionError(`action element ${i} is ${x}; actions must be finite`);
    if (x < space.low[i]! || x > space.high[i]!) {
      if (outOfBounds === 'error') {
        throw new InvalidActionError(`action element ${i} = ${x} is outside [${space.low[i]}, ${space.high[i]}] of ${space.toString()}`);
      }
      inside = false;
    }
  }
  if (inside) return values;
  return Float64Array.from(values, (x, i) => Math.min(Math.max(x, space.low[i]!), space.high[i]!));
}

/** Any-space action check: throws with the space's own explanation. */
export function assertAction(space: Space<unknown>, action: unknown): void {
  const why = space.explain(action);
  if (why !== undefined) throw new InvalidActionError(`invalid action for ${space.toString()}: ${why}`);
}

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
