import {
  type DType, DTYPES, type NDArray, allocate, assertDType, dtypeRange, formatShape, isIntegerDType, isNDArray, sameShape, sizeOf,
} from '../core/ndarray.js';
import { Space } from '../core/space.js';
import { describe } from '../core/describe.js';

export interface BoxOptions<D extends DType> {
  /** Lower bound: one number for every element, or one per element. */
  low: number | ArrayLike<number>;
  /** Upper bound: one number for every element, or one per element. */
  high: number | ArrayLike<number>;
  /** Defaults to the shape of `low`/`high` when those are arrays, else `[1]`. */
  shape?: readonly number[];
  dtype?: D;
}

/** Dtypes that hold every value of `from` exactly (numpy's "safe" casting). */
const SAFE_CASTS: Record<DType, readonly DType[]> = {
  float32: ['float32', 'float64'],
  float64: ['float64'],
  int8: ['int8', 'int16', 'int32', 'float32', 'float64'],
  int16: ['int16', 'int32', 'float32', 'float64'],
  int32: ['int32', 'float64'],
  uint8: ['uint8', 'uint16', 'uint32', 'int16', 'int32', 'float32', 'float64'],
  uint16: ['uint16', 'uint32', 'int32', 'float32', 'float64'],
  uint32: ['uint32', 'float64'],
};

export function canCastSafely(from: DType, to: DType): boolean {
  return SAFE_CASTS[from].includes(to);
}

/**
 * A (possibly unbounded) box in R^n: every element lies in [low_i, high_i].
 * Elements are `NDArray`s of the box's dtype and shape.
 */
export class Box<D extends DType = 'float32'> extends Space<NDArray<D>> {
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly shape: readonly number[];
  readonly dtype: D;
  readonly size: number;

  constructor(options: BoxOptions<D>) {
    super();
    const dtype = (options.dtype ?? 'float32') as D;
    assertDType('Box', dtype);
    const shape = options.shape
      ?? (typeof options.low !== 'number' ? [options.low.length]
        : typeof options.high !== 'number' ? [options.high.length] : [1]);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new RangeError(`Box: shape must hold non-negative integers, got ${formatShape(shape)}`);
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.size = sizeOf(shape);
    this.low = broadcastBound('low', options.low, this.size);
    this.high = broadcastBound('high', options.high, this.size);
    const [minValue, maxValue] = dtypeRange(dtype);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      if (Number.isNaN(lo) || Number.isNaN(hi)) throw new RangeError('Box: bounds must not be NaN');
      if (lo > hi) throw new RangeError(`Box: low[${i}] = ${lo} exceeds high[${i}] = ${hi}`);
      if (isIntegerDType(dtype)) {
        // Integer boxes keep infinite bounds representable by clamping them to the dtype's range.
        this.low[i] = Math.max(lo, minValue);
        this.high[i] = Math.min(hi, maxValue);
      }
    }
  }

  /** True when every element has finite low and high bounds. */
  isBounded(): boolean {
    for (let i = 0; i < this.size; i++) {
      if (!Number.isFinite(this.low[i]!) || !Number.isFinite(this.high[i]!)) return false;
    }
    return true;
  }

  /**
   * Gymnasium's sampling rule: uniform on bounded dimensions, shifted exponential on half-bounded
   * ones, standard normal on unbounded ones; integer dtypes sample integers in [low, high].
   */
  sample(): NDArray<D> {
    const data = allocate(this.dtype, this.size);
    const rng = this.npRandom;
    const integer = isIntegerDType(this.dtype);
    for (let i = 0; i < this.size; i++) {
      const lo = this.low[i]!;
      const hi = this.high[i]!;
      let x: number;
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        x = integer ? rng.integer(Math.ceil(lo), Math.floor(hi)) : rng.uniform(lo, hi);
      } else if (Number.isFinite(lo)) x = lo + rng.exponential();
      else if (Number.isFinite(hi)) x = hi - rng.exponential();
      else x = rng.normal();
      data[i] = integer ? Math.round(x) : x;
    }
    if (!integer) clampInPlace(data, this.low, this.high); // float32 rounding may step past a bound
    return { dtype: this.dtype, shape: [...this.shape], data };
  }

  explain(value: unknown): string | undefined {
    if (!isNDArray(value)) return `expected an NDArray {dtype, shape, data}, got ${describe(value)}; build one with ${this.ndarrayCall()}`;
    if (!sameShape(value.shape, this.shape)) {
      return `shape ${formatShape(value.shape)} does not match ${formatShape(this.shape)}`;
    }
    if (value.data.length !== this.size) return `data has ${value.data.length} elements, shape needs ${this.size}`;
    if (!canCastSafely(value.dtype, this.dtype)) return this.explainDType(value.dtype);
    for (let i = 0; i < this.size; i++) {
      const x = value.data[i]!;
      if (Number.isNaN(x)) return `element ${i} is NaN`;
      if (x < this.low[i]! || x > this.high[i]!) {
        return `element ${i} = ${x} is outside [${this.low[i]}, ${this.high[i]}]`;
      }
    }
    return undefined;
  }

  /**
   * Why an element of dtype `dtype` is refused, or undefined when this Box holds every value of that
   * dtype exactly (numpy's safe casting; the rule of contains() and of every Box action check).
   */
  explainDType(dtype: DType): string | undefined {
    if (canCastSafely(dtype, this.dtype)) return undefined;
    const accepted = DTYPES.filter((d) => canCastSafely(d, this.dtype));
    return `dtype ${dtype} cannot be held exactly by ${this.dtype} (accepted: ${accepted.join(', ')}); convert it with ${this.ndarrayCall()}`;
  }

  /** How to build an element: `ndarray(values, 'float32')`, with the shape when it is not 1-D. */
  ndarrayCall(): string {
    return `ndarray(values, '${this.dtype}'${this.shape.length === 1 ? '' : `, ${formatShape(this.shape)}`})`;
  }

  toString(): string {
    const uniform = (a: Float64Array) => a.every((v) => v === a[0]);
    const bound = (a: Float64Array) => (a.length > 0 && uniform(a) ? String(a[0]) : `[${Array.from(a).join(', ')}]`);
    return `Box(${bound(this.low)}, ${bound(this.high)}, ${formatShape(this.shape)}, ${this.dtype})`;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Box && other.dtype === this.dtype && sameShape(other.shape, this.shape)
      && sameValues(other.low, this.low) && sameValues(other.high, this.high);
  }
}

function broadcastBound(name: string, bound: number | ArrayLike<number>, size: number): Float64Array {
  if (typeof bound === 'number') return new Float64Array(size).fill(bound);
  if (bound.length !== size) throw new RangeError(`Box: ${name} has ${bound.length} values, shape needs ${size}`);
  return Float64Array.from(bound);
}

function clampInPlace(data: ArrayLike<number> & { [i: number]: number }, low: Float64Array, high: Float64Array): void {
  for (let i = 0; i < low.length; i++) {
    if (data[i]! < low[i]!) data[i] = low[i]!;
    else if (data[i]! > high[i]!) data[i] = high[i]!;
  }
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
