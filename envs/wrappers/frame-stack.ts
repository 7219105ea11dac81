import { type Env, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';
import { type DType, type NDArray, type TypedArrayOf, allocate } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import { batchSpace } from '../spaces/batch.js';

export interface FrameStackOptions {
  /**
   * What fills the stack after reset(): 'reset' repeats the first observation (default),
   * 'zero' uses zeros (which may lie outside the observation bounds, as in Gymnasium).
   */
  padding?: 'reset' | 'zero';
}

/**
 * Stacks the last `stackSize` observations into one array of shape [stackSize, ...shape], oldest
 * first (Gymnasium 1.x FrameStackObservation), so a memoryless policy can see motion.
 * Observations are copied into a ring buffer; each result is a fresh array the caller may keep.
 */
export class FrameStackObservation<A, D extends DType = DType> extends Wrapper<NDArray<D>, A, NDArray<D>> {
  readonly stackSize: number;
  readonly padding: 'reset' | 'zero';
  private readonly frameSize: number;
  private readonly dtype: D;
  private readonly stackedShape: readonly number[];
  /** stackSize frames; `head` is the slot of the oldest one. */
  private readonly ring: TypedArrayOf[D];
  private head = 0;

  constructor(env: Env<NDArray<D>, A>, stackSize: number, options: FrameStackOptions = {}) {
    super(env);
    const space = env.observationSpace;
    if (!(space instanceof Box)) throw new TypeError(`FrameStackObservation: needs a Box observation space, got ${String(space)}`);
    if (!Number.isInteger(stackSize) || stackSize <= 0) {
      throw new RangeError(`FrameStackObservation: stackSize must be a positive integer, got ${stackSize}`);
    }
    const padding = options.padding ?? 'reset';
    if (padding !== 'reset' && padding !== 'zero') {
      throw new RangeError(`FrameStackObservation: padding must be 'reset' or 'zero', got ${String(padding)}`);
    }
    this.stackSize = stackSize;
    this.padding = padding;
    this.frameSize = space.size;
    this.dtype = space.dtype as D;
    this.stackedShape = [stackSize, ...space.shape];
    this.ring = allocate(this.dtype, stackSize * space.size);
    this.observationSpace = batchSpace(space, stackSize) as Box<D>;
  }

  override reset(args?: ResetArgs): ResetResult<NDArray<D>> {
    const { observation, info } = this.env.reset(args);
    this.head = 0;
    if (this.padding === 'zero') this.ring.fill(0);
    else for (let k = 0; k < this.stackSize - 1; k++) this.write(k, observation);
    this.write(this.stackSize - 1, observation);
    return { observation: this.stacked(), info };
  }

  override step(action: A): StepResult<NDArray<D>> {
    const result = this.env.step(action);
    // The oldest slot takes the newest frame, and the next slot becomes the oldest.
    this.write(this.head, result.observation);
    this.head = (this.head + 1) % this.stackSize;
    return { ...result, observation: this.stacked() };
  }

  protected override ownState(): unknown {
    return { ring: this.ring.slice(), head: this.head };
  }

  protected override restoreOwnState(own: unknown): void {
    const o = own as { ring: ArrayLike<number>; head: number };
    this.ring.set(o.ring as never);
    this.head = o.head;
  }

  private write(slot: number, observation: NDArray<D>): void {
    if (observation.data.length !== this.frameSize) {
      throw new RangeError(`FrameStackObservation: observation has ${observation.data.length} elements, the observation space needs ${this.frameSize}`);
    }
    this.ring.set(observation.data as ArrayLike<number> as never, slot * this.frameSize);
  }

  /** The ring unrolled oldest-first into a new array. */
  private stacked(): NDArray<D> {
    const split = this.head * this.frameSize;
    const out = allocate(this.dtype, this.ring.length);
    out.set(this.ring.subarray(split) as never, 0);
    out.set(this.ring.subarray(0, split) as never, this.ring.length - split);
    return { dtype: this.dtype, shape: this.stackedShape, data: out };
  }
}
