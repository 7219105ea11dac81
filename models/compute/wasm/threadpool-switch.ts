/**
 * Running small kernels of the threaded wasm backend on the calling thread only.
 *
 * XNNPACK hands every operation to its thread pool, and waking the pool's workers costs tens of
 * microseconds per kernel: more than the work of a kernel on a 64x64 matrix. With 2 threads the
 * PPO-sized workload W3 took 2.7 ms a step against 1.5 ms with 1 thread, while the conv VAE W1
 * ran 1.5x faster with 2. XNNPACK runs an operation inline when the pool pointer it is given is
 * NULL, and the backend passes one global pointer (`tfjs::backend::threadpool`) to every
 * operation; so a kernel below a work threshold runs with that global set to NULL for its duration.
 *
 * The global's address is read from the wasm binary: `get_threads_count` starts by loading it
 * (`i32.const ADDR; i32.load`). The address is then checked against the running module (NULL
 * must make get_threads_count answer -1); if anything differs, switching stays off and every
 * kernel uses the pool as before.
 */
import { readFileSync } from 'node:fs';

/** Unsigned LEB128 at `pos`: [value, next position]. */
function uleb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}

/** Signed LEB128 (32-bit) at `pos`. */
function sleb(bytes: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[pos++]!;
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 0x80);
  if (shift < 32 && byte & 0x40) value |= -1 << shift;
  return [value, pos];
}

const skipName = (bytes: Uint8Array, pos: number): number => {
  const [length, start] = uleb(bytes, pos);
  return start + length;
};

const readName = (bytes: Uint8Array, pos: number): [string, number] => {
  const [length, start] = uleb(bytes, pos);
  return [Buffer.from(bytes.subarray(start, start + length)).toString('utf8'), start + length];
};

/** Skip a table/memory limits field (flags, min, optional max). */
function skipLimits(bytes: Uint8Array, pos: number): number {
  const flags = bytes[pos++]!;
  pos = uleb(bytes, pos)[1];
  return flags & 1 ? uleb(bytes, pos)[1] : pos;
}

/**
 * The linear-memory address that exported function `name` loads first, if its body starts with
 * `i32.const ADDR; i32.load` (after its local declarations).
 */
export function firstLoadAddress(bytes: Uint8Array, name: string): number | undefined {
  let pos = 8; // magic and version
  let importedFunctions = 0;
  let functionIndex: number | undefined;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, start] = uleb(bytes, pos);
    pos = start + size;
    let p = start;
    if (id === 2) { // imports
      let count: number;
      [count, p] = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        p = skipName(bytes, skipName(bytes, p));
        const kind = bytes[p++]!;
        if (kind === 0) { p = uleb(bytes, p)[1]; importedFunctions++; }
        else if (kind === 1) p = skipLimits(bytes, p + 1);
        else if (kind === 2) p = skipLimits(bytes, p);
        else p += 2; // global: value type, mutability
      }
    } else if (id === 7) { // exports
      let count: number;
      [count, p] = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        let exported: string;
        [exported, p] = readName(bytes, p);
        const kind = bytes[p++]!;
        let index: number;
        [index, p] = uleb(bytes, p);
        if (kind === 0 && exported === name) functionIndex = index;
      }
    } else if (id === 10 && functionIndex !== undefined) { // code
      let count: number;
      [count, p] = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        const [bodySize, bodyStart] = uleb(bytes, p);
        if (i + importedFunctions === functionIndex) {
          let q: number;
          let groups: number;
          [groups, q] = uleb(bytes, bodyStart);
          for (let g = 0; g < groups; g++) q = uleb(bytes, q)[1] + 1;
          if (bytes[q] !== 0x41) return undefined; // i32.const
          const [base, afterConst] = sleb(bytes, q + 1);
          if (bytes[afterConst] !== 0x28) return undefined; // i32.load
          const [offset] = uleb(bytes, uleb(bytes, afterConst + 1)[1]);
          return base + offset;
        }
        p = bodyStart + bodySize;
      }
      return undefined;
    }
  }
  return undefined;
}

/** Runs code with the backend's pool pointer set to NULL (and restores it). */
export interface ThreadpoolSwitch {
  inline<T>(f: () => T): T;
}

/**
 * A switch for the module built from `wasmFile`, or undefined when the pointer cannot be found
 * and checked. `getThreadsCount` is the module's get_threads_count; `memory` its linear memory.
 */
export function threadpoolSwitch(
  wasmFile: string, memory: { buffer: ArrayBufferLike }, getThreadsCount: () => number,
): ThreadpoolSwitch | undefined {
  const address = firstLoadAddress(readFileSync(wasmFile), 'get_threads_count');
  if (address === undefined || address % 4 !== 0) return undefined;
  const word = () => new Uint32Array(memory.buffer, address, 1);
  const pool = word()[0]!;
  const threads = getThreadsCount();
  if (pool === 0 || threads < 2) return undefined;
  word()[0] = 0;
  const inlineCount = getThreadsCount();
  word()[0] = pool;
  if (inlineCount !== -1 || getThreadsCount() !== threads) return undefined;
  return {
    inline<T>(f: () => T): T {
      const cell = word();
      const saved = cell[0]!;
      cell[0] = 0;
      try {
        return f();
      } finally {
        cell[0] = saved;
      }
    },
  };
}
