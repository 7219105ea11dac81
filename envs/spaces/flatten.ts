/**
 * Flattening: every space maps to a 1-D Box so that generic learners can consume any observation.
 * Box -> its values in C order; Discrete -> one-hot; Dict (sorted keys) and Tuple -> concatenation.
 */
import { type DType, type NDArray, allocate, isIntegerDType } from '../core/ndarray.js';
import { Box } from './box.js';
import { Discrete } from './discrete.js';
import { Dict, Tuple } from './composite.js';
import type { Space } from '../core/space.js';

function parts(space: Space<unknown>): Space<unknown>[] {
  if (space instanceof Dict) return space.keys.map((k) => space.part(k));
  if (space instanceof Tuple) return [...space.parts];
  return [];
}

function unsupported(space: Space<unknown>): never {
  throw new TypeError(`flatten: unsupported space ${space.toString()}`);
}

/** Length of the flattened vector. */
export function flatdim(space: Space<unknown>): number {
  if (space instanceof Box) return space.size;
  if (space instanceof Discrete) return space.n;
  if (space instanceof Dict || space instanceof Tuple) return parts(space).reduce((n, s) => n + flatdim(s), 0);
  return unsupported(space);
}

/** The smallest dtype that holds every part exactly (numpy-style promotion, simplified). */
export function flatDType(space: Space<unknown>): DType {
  if (space instanceof Box) return space.dtype;
  if (space instanceof Discrete) return 'int32';
  const dtypes = [...new Set(parts(space).map(flatDType))];
  if (dtypes.length === 1) return dtypes[0]!;
  if (dtypes.length === 0) return 'float32';
  if (dtypes.every(isIntegerDType)) return dtypes.includes('uint32') ? 'float64' : 'int32';
  const exactInFloat32 = (d: DType) => d === 'float32' || d === 'int8' || d === 'int16' || d === 'uint8' || d === 'uint16';
  return dtypes.every(exactInFloat32) ? 'float32' : 'float64';
}

export function flattenSpace(space: Space<unknown>): Box<DType> {
  const dtype = flatDType(space);
  const low: number[] = [];
  const high: number[] = [];
  const collect = (s: Space<unknown>): void => {
    if (s instanceof Box) {
      low.push(...s.low);
      high.push(...s.high);
    } else if (s instanceof Discrete) {
      for (let i = 0; i < s.n; i++) { low.push(0); high.push(1); }
    } else if (s instanceof Dict || s instanceof Tuple) parts(s).forEach(collect);
    else unsupported(s);
  };
  collect(space);
  return new Box({ low, high, shape: [low.length], dtype });
}

/** Write the flattened value of `x` into `out` starting at `offset`; returns the next offset. */
function writeFlat(space: Space<unknown>, x: unknown, out: NDArray['data'], offset: number): number {
  if (space instanceof Box) {
    out.set((x as NDArray).data as ArrayLike<number> as never, offset);
    return offset + space.size;
  }
  if (space instanceof Discrete) {
    out.fill(0, offset, offset + space.n);
    out[offset + (x as number) - space.start] = 1;
    return offset + space.n;
  }
  if (space instanceof Dict) {
    const record = x as Record<string, unknown>;
    for (const key of space.keys) offset = writeFlat(space.spaces[key]!, record[key], out, offset);
    return offset;
  }
  if (space instanceof Tuple) {
    const items = x as unknown[];
    space.parts.forEach((s, i) => { offset = writeFlat(s, items[i], out, offset); });
    return offset;
  }
  return unsupported(space);
}

export function flatten<T>(space: Space<T>, x: T): NDArray {
  const dtype = flatDType(space);
  const n = flatdim(space);
  const data = allocate(dtype, n);
  writeFlat(space, x, data, 0);
  return { dtype, shape: [n], data };
}

export function unflatten<T>(space: Space<T>, flat: NDArray | ArrayLike<number>): T {
  const values: ArrayLike<number> = 'data' in (flat as object) ? (flat as NDArray).data : (flat as ArrayLike<number>);
  if (values.length !== flatdim(space)) {
    throw new RangeError(`unflatten: got ${values.length} values, ${space.toString()} needs ${flatdim(space)}`);
  }
  let offset = 0;
  const read = (s: Space<unknown>): unknown => {
    if (s instanceof Box) {
      const data = allocate(s.dtype, s.size);
      for (let i = 0; i < s.size; i++) data[i] = values[offset + i]!;
      offset += s.size;
      return { dtype: s.dtype, shape: [...s.shape], data };
    }
    if (s instanceof Discrete) {
      let best = 0;
      for (let i = 1; i < s.n; i++) if (values[offset + i]! > values[offset + best]!) best = i;
      offset += s.n;
      return s.start + best;
    }
    if (s instanceof Dict) return Object.fromEntries(s.keys.map((k) => [k, read(s.part(k))]));
    if (s instanceof Tuple) return s.parts.map(read);
    return unsupported(s);
  };
  return read(space) as T;
}
