import { ActionWrapper, type Env } from '../core/env.js';
import { type DType, type NDArray, allocate } from '../core/ndarray.js';
import { boxActionData } from '../spaces/action-checks.js';
import { Box } from '../spaces/box.js';

/**
 * Lets agents send any real-valued action to a Box-action env (Gymnasium's ClipAction): the
 * agent-facing space is Box(-inf, inf) of the same shape and dtype, and finite values are clipped
 * into the env's bounds. NaN and +-Infinity are passed through unchanged, so the env rejects them
 * (Gymnasium clips infinities to the bounds, hiding a diverged policy).
 */
export class ClipAction<O, D extends DType = DType> extends ActionWrapper<O, NDArray<D>, NDArray<D>> {
  private readonly bounds: Box<D>;

  constructor(env: Env<O, NDArray<D>>) {
    super(env);
    this.bounds = requireBoxActionSpace(env, 'ClipAction');
    this.actionSpace = new Box({ low: -Infinity, high: Infinity, shape: this.bounds.shape, dtype: this.bounds.dtype });
  }

  /** The action itself when nothing needs clipping (no copy), else a clipped copy in the env's dtype. */
  action(action: NDArray<D>): NDArray<D> {
    const x = boxActionData(this.bounds, action, 'ClipAction: action');
    const { low, high, dtype } = this.bounds;
    let i = 0;
    while (i < x.length && !(x[i]! < low[i]! || x[i]! > high[i]!)) i++;
    if (i === x.length) return action;
    const out = allocate(dtype, x.length);
    out.set(x as ArrayLike<number> as never);
    for (; i < x.length; i++) out[i] = clampFinite(x[i]!, low[i]!, high[i]!);
    return { dtype, shape: action.shape, data: out };
  }
}

/** The env's action space, which must be a Box (shared by the Box action wrappers). */
export function requireBoxActionSpace<D extends DType>(env: Env<unknown, NDArray<D>>, wrapper: string): Box<D> {
  const space = env.actionSpace;
  if (!(space instanceof Box)) throw new TypeError(`${wrapper}: needs a Box action space, got ${String(space)}`);
  return space as Box<D>;
}

/** `x` clamped to [low, high]; non-finite `x` is returned unchanged for the env to reject. */
export function clampFinite(x: number, low: number, high: number): number {
  if (!Number.isFinite(x)) return x;
  return x < low ? low : x > high ? high : x;
}
