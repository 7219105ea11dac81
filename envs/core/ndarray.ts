/**
 * A minimal n-dimensional array: a typed array plus its shape (row-major, C order).
 * Plain data (no prototype) so it survives `structuredClone` and worker messages.
 */
import { describe } from './describe.js';
import { InvalidOptionError } from './errors.js';

export type DType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32';

export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
}

export type TypedArray = TypedArrayOf[DType];

export interface NDArray<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: TypedArrayOf[D];
}

type TypedArrayConstructor = { new (length: number): TypedArray; new (values: ArrayLike<number>): TypedArray };

const CONSTRUCTORS: { [D in DType]: TypedArrayConstructor } = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
};

export const DTYPES: readonly DType[] = Object.keys(CONSTRUCTORS) as DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(CONSTRUCTORS, value);
}

/** Throws a one-line InvalidOptionError naming the valid dtypes unless `dtype` is one. */
export function assertDType(where: string, dtype: unknown): asserts dtype is DType {
  if (!isDType(dtype)) {
    throw new InvalidOptionError(`${where}: dtype ${typeof dtype === 'string' ? `'${dtype}'` : describe(dtype)} is not supported; valid dtypes: ${DTYPES.join(', ')}`);
  }
}

export function isIntegerDType(dtype: DType): boolean {
  return !dtype.startsWith('float');
}

/** Inclusive value range that an integer dtype can hold (floats: +-Infinity). */
export function dtypeRange(dtype: DType): readonly [number, number] {
  switch (dtype) {
    case 'int8': return [-128, 127];
    case 'int16': return [-32768, 32767];
    case 'int32': return [-2147483648, 2147483647];
    case 'uint8': return [0, 255];
    case 'uint16': return [0, 65535];
    case 'uint32': return [0, 4294967295];
    default: return [-Infinity, Infinity];
  }
}

/** The dtype of a typed array instance. */
export function dtypeOf(data: TypedArray): DType {
  for (const dtype of DTYPES) if (data instanceof CONSTRUCTORS[dtype]) return dtype;
  throw new TypeError(`unsupported typed array ${Object.prototype.toString.call(data)}`);
}

export function allocate<D extends DType>(dtype: D, length: number): TypedArrayOf[D] {
  assertDType('allocate', dtype);
  return new CONSTRUCTORS[dtype](length) as TypedArrayOf[D];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function zeros<D extends DType>(dtype: D, shape: readonly number[]): NDArray<D> {
  assertDType('zeros', dtype);
  assertShape('zeros', shape);
  return { dtype, shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}

/** Throws a one-line InvalidOptionError unless `shape` is an array of non-negative integers. */
export function assertShape(where: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new InvalidOptionError(`${where}: shape must hold non-negative integers, got ${Array.isArray(shape) ? formatShape(shape) : describe(shape)}`);
  }
}

/**
 * Build an array from values (an array or typed array of numbers). `shape` defaults to 1-D; values
 * are converted like a typed-array constructor would (so out-of-range integers wrap: validate
 * before calling where that matters). An unknown dtype, a bad shape or values that do not fill it
 * are one InvalidOptionError line.
 */
export function ndarray<D extends DType = 'float32'>(
  values: ArrayLike<number>,
  dtype: D = 'float32' as D,
  shape: readonly number[] = [values?.length],
): NDArray<D> {
  if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
    throw new InvalidOptionError(`ndarray: values must be an array or typed array of numbers, got ${describe(values)}`);
  }
  assertDType('ndarray', dtype);
  assertShape('ndarray', shape);
  if (sizeOf(shape) !== values.length) {
    throw new InvalidOptionError(`ndarray: ${values.length} values do not fill shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  const data = allocate(dtype, values.length);
  data.set(values as ArrayLike<number> & ArrayLike<bigint> as ArrayLike<number>);
  return { dtype, shape: [...shape], data };
}

export function isNDArray(value: unknown): value is NDArray {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<NDArray>;
  return isDType(v.dtype) && Array.isArray(v.shape) && ArrayBuffer.isView(v.data) && !(v.data instanceof DataView);
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A deep copy (the data buffer is copied). */
export function cloneND<D extends DType>(a: NDArray<D>): NDArray<D> {
  return { dtype: a.dtype, shape: [...a.shape], data: a.data.slice() as TypedArrayOf[D] };
}

/** Bitwise equality of dtype, shape and values (NaN equals NaN). */
export function ndEqual(a: NDArray, b: NDArray): boolean {
  if (a.dtype !== b.dtype || !sameShape(a.shape, b.shape) || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}
