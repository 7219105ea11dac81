/**
 * Checks of an action against its space that turn a bad action into one clear InvalidActionError
 * line: envs call them at the top of step(), action wrappers before transforming the action.
 */
import { type TypedArray, formatShape, isNDArray, sameShape } from '../core/ndarray.js';
import { InvalidActionError } from '../core/errors.js';
import type { Space } from '../core/space.js';
import { type Box, describe } from './box.js';

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
