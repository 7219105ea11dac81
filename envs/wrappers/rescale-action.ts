import { ActionWrapper, type Env } from '../core/env.js';
import { type DType, type NDArray, allocate, isIntegerDType } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import { boxActionData } from '../spaces/action-checks.js';
import { clampFinite, requireBoxActionSpace } from './clip-action.js';

/**
 * Exposes a bounded Box action space as Box(minAction, maxAction) (Gymnasium's RescaleAction), so a
 * policy can always act in e.g. [-1, 1]: the action is mapped linearly onto the env's [low, high]
 * and clipped there (absorbing rounding and out-of-range actions, as Gymnasium 1.x does).
 * Non-finite values stay non-finite so the env rejects them. Needs a bounded float Box.
 */
export class RescaleAction<O, D extends DType = DType> extends ActionWrapper<O, NDArray<D>, NDArray<D>> {
  readonly minAction: Float64Array;
  readonly maxAction: Float64Array;
  private readonly target: Box<D>;
  /** env action = low + gradient * (action - minAction), per element (exact at minAction). */
  private readonly gradient: Float64Array;

  constructor(env: Env<O, NDArray<D>>, minAction: number | ArrayLike<number>, maxAction: number | ArrayLike<number>) {
    super(env);
    const target = requireBoxActionSpace(env, 'RescaleAction');
    if (!target.isBounded()) {
      throw new RangeError(`RescaleAction: the env's action space ${target.toString()} must be bounded (finite low and high)`);
    }
    if (isIntegerDType(target.dtype)) {
      throw new TypeError(`RescaleAction: the env's action space ${target.toString()} must have a float dtype`);
    }
    this.target = target;
    this.minAction = bound('minAction', minAction, target.size);
    this.maxAction = bound('maxAction', maxAction, target.size);
    this.gradient = new Float64Array(target.size);
    for (let i = 0; i < target.size; i++) {
      const lo = this.minAction[i]!;
      const hi = this.maxAction[i]!;
      if (!(lo < hi)) throw new RangeError(`RescaleAction: minAction[${i}] = ${lo} must be below maxAction[${i}] = ${hi}`);
      this.gradient[i] = (target.high[i]! - target.low[i]!) / (hi - lo);
    }
    this.actionSpace = new Box({ low: this.minAction, high: this.maxAction, shape: target.shape, dtype: target.dtype });
  }

  action(action: NDArray<D>): NDArray<D> {
    const x = boxActionData(this.target, action, 'RescaleAction: action');
    const { low, high, dtype, shape } = this.target;
    const { gradient, minAction } = this;
    const out = allocate(dtype, x.length);
    for (let i = 0; i < x.length; i++) {
      out[i] = clampFinite(low[i]! + gradient[i]! * (x[i]! - minAction[i]!), low[i]!, high[i]!);
    }
    return { dtype, shape, data: out };
  }
}

function bound(name: string, value: number | ArrayLike<number>, size: number): Float64Array {
  const values = typeof value === 'number' ? new Float64Array(size).fill(value) : Float64Array.from(value);
  if (values.length !== size) throw new RangeError(`RescaleAction: ${name} has ${values.length} values, the action space has ${size}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`RescaleAction: ${name}[${bad}] = ${values[bad]} must be finite`);
  return values;
}
