/**
 * Batching for vector environments: a space of `n` stacked elements, and conversions between
 * a list of per-env values and one batched value (Gymnasium's batch_space / concatenate / iterate).
 * Discrete batches to an int32 Box of shape [n] (Gymnasium uses MultiDiscrete, which we do not have).
 */
import { type NDArray, allocate } from '../core/ndarray.js';
import { Box } from './box.js';
import { Discrete } from './discrete.js';
import { Dict, Tuple } from './composite.js';
import type { Space } from '../core/space.js';

export function batchSpace(space: Space<unknown>, n: number): Space<unknown> {
  if (space instanceof Box) {
    const repeat = (a: Float64Array) => Float64Array.from({ length: a.length * n }, (_, i) => a[i % a.length]!);
    return new Box({ low: repeat(space.low), high: repeat(space.high), shape: [n, ...space.shape], dtype: space.dtype });
  }
  if (space instanceof Discrete) {
    return new Box({ low: space.start, high: space.start + space.n - 1, shape: [n], dtype: 'int32' });
  }
  if (space instanceof Dict) return new Dict(Object.fromEntries(space.keys.map((k) => [k, batchSpace(space.part(k), n)])));
  if (space instanceof Tuple) return new Tuple(space.parts.map((s) => batchSpace(s, n)));
  throw new TypeError(`batchSpace: unsupported space ${space.toString()}`);
}

/** Stack per-env values into one batched value of `batchSpace(space, items.length)`. */
export function concatenate(space: Space<unknown>, items: readonly unknown[]): unknown {
  const n = items.length;
  if (space instanceof Box) {
    const data = allocate(space.dtype, n * space.size);
    items.forEach((x, i) => data.set((x as NDArray).data as never, i * space.size));
    return { dtype: space.dtype, shape: [n, ...space.shape], data };
  }
  if (space instanceof Discrete) return { dtype: 'int32', shape: [n], data: Int32Array.from(items as number[]) };
  if (space instanceof Dict) {
    return Object.fromEntries(space.keys.map((k) => [k, concatenate(space.part(k), items.map((x) => (x as Record<string, unknown>)[k]))]));
  }
  if (space instanceof Tuple) return space.parts.map((s, j) => concatenate(s, items.map((x) => (x as unknown[])[j])));
  throw new TypeError(`concatenate: unsupported space ${space.toString()}`);
}

/** Split a batched value of `batchSpace(space, n)` into `n` per-env values (copies). */
export function iterate(space: Space<unknown>, batched: unknown, n: number): unknown[] {
  if (space instanceof Box) {
    const b = batched as NDArray;
    const expected = n * space.size;
    if (typeof b !== 'object' || b === null || !('data' in b) || b.data.length !== expected) {
      throw new RangeError(`expected a batched NDArray of shape [${[n, ...space.shape].join(', ')}] (${expected} values)`);
    }
    return Array.from({ length: n }, (_, i) => ({
      dtype: b.dtype, shape: [...space.shape], data: b.data.slice(i * space.size, (i + 1) * space.size),
    }));
  }
  if (space instanceof Discrete) {
    const values = Array.isArray(batched) ? batched as number[] : Array.from((batched as NDArray).data);
    if (values.length !== n) throw new RangeError(`expected ${n} discrete actions, got ${values.length}`);
    return values;
  }
  if (space instanceof Dict) {
    const record = batched as Record<string, unknown>;
    const columns = space.keys.map((k) => iterate(space.part(k), record[k], n));
    return Array.from({ length: n }, (_, i) => Object.fromEntries(space.keys.map((k, j) => [k, columns[j]![i]])));
  }
  if (space instanceof Tuple) {
    const columns = space.parts.map((s, j) => iterate(s, (batched as unknown[])[j], n));
    return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
  }
  throw new TypeError(`iterate: unsupported space ${space.toString()}`);
}

