/**
 * Checks of an action against its space that turn a bad action into one clear InvalidActionError
 * line: envs call them at the top of step(), action wrappers before transforming the action, and
 * OrderEnforcing (which `make` adds to every env) before any env sees it.
 *
 * The Box rule, the same as `Box.contains()`: an action is an NDArray of the space's shape whose
 * dtype the space holds exactly (numpy's safe casting, e.g. int16 or float32 into a float32 Box,
 * but not int32 or float64). Plain arrays, numbers and bare typed arrays are refused, naming the
 * `ndarray(values, dtype)` call that builds the action.
 */
import { type TypedArray, formatShape, isNDArray, sameShape } from '../core/ndarray.js';
import { describe } from '../core/describe.js';
import { InvalidActionError } from '../core/errors.js';
import type { Space } from '../core/space.js';
import { Box } from './box.js';
import { Dict, Tuple } from './composite.js';

/**
 * The values of a Box action after checking it is an NDArray of the space's shape and of a dtype
 * the space holds (values are not checked). `where` prefixes the message, e.g. the wrapper that
 * received the action.
 */
export function boxActionData(space: Box<any>, action: unknown, where = 'action'): TypedArray {
  if (!isNDArray(action)) {
    throw new InvalidActionError(`${where} must be an NDArray of shape ${formatShape(space.shape)} and dtype ${space.dtype}, got ${describe(action)}; build it with ${space.ndarrayCall()}`);
  }
  if (!sameShape(action.shape, space.shape) || action.data.length !== space.size) {
    throw new InvalidActionError(`${where} shape ${formatShape(action.shape)} does not match the action space ${space.toString()}`);
  }
  const dtypeProblem = space.explainDType(action.dtype);
  if (dtypeProblem !== undefined) throw new InvalidActionError(`${where} ${dtypeProblem}`);
  return action.data;
}

/** The index and value of the first non-finite element, or undefined when all are finite. */
function firstNonFinite(values: ArrayLike<number>): [number, number] | undefined {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return [i, values[i]!];
  return undefined;
}

function nonFiniteError(where: string, [index, value]: [number, number]): InvalidActionError {
  return new InvalidActionError(`${where} element ${index} is ${value}; actions must be finite`);
}

/**
 * Validate a Box action and return its values. Wrong structure, shape, dtype or non-finite values
 * are errors; out-of-bounds values are clipped when `outOfBounds` is 'clip', else an error.
 */
export function boxActionValues(space: Box<any>, action: unknown, outOfBounds: 'clip' | 'error'): ArrayLike<number> {
  const values = boxActionData(space, action);
  const bad = firstNonFinite(values);
  if (bad !== undefined) throw nonFiniteError('action', bad);
  let inside = true;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
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

/**
 * The check every made env applies before its own (OrderEnforcing): Box parts must pass
 * boxActionData and be finite, but their bounds are left to the env (envs such as Pendulum clip);
 * Dict and Tuple actions are checked part by part; any other space (Discrete, custom spaces) must
 * contain the action.
 */
export function assertWellFormedAction(space: Space<unknown>, action: unknown, where = 'action'): void {
  if (space instanceof Box) {
    const bad = firstNonFinite(boxActionData(space, action, where));
    if (bad !== undefined) throw nonFiniteError(where, bad);
  } else if (space instanceof Dict || space instanceof Tuple) {
    const structure = space.explainStructure(action);
    if (structure !== undefined) throw new InvalidActionError(`invalid ${where} for ${space.toString()}: ${structure}`);
    if (space instanceof Dict) {
      for (const key of space.keys) assertWellFormedAction(space.part(key), (action as Record<string, unknown>)[key], `${where}['${key}']`);
    } else {
      space.parts.forEach((part, i) => assertWellFormedAction(part, (action as unknown[])[i], `${where}[${i}]`));
    }
  } else {
    const why = space.explain(action);
    if (why !== undefined) throw new InvalidActionError(`invalid ${where} for ${space.toString()}: ${why}`);
  }
}

