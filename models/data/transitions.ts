/**
 * Datasets of transitions on disk: a directory of fixed-size chunks of raw little-endian arrays and
 * a JSON manifest, written atomically (each file to a temporary name, then renamed; the manifest
 * last, so a directory without manifest.json is an unfinished collection) and read a chunk or a
 * few rows at a time. The format is documented in models/data/README.md.
 *
 * Per transition t (a step of one of the K envs) the dataset holds
 *   frames       uint8   [H, W, C]  the rendered frame before the step
 *   next-frames  uint8   [H, W, C]  the frame after it (the final frame when the episode ended)
 *   actions      float32 [A]        the action (a discrete action as its index)
 *   rewards      float32 []
 *   state        float32 [S]        the low-dimensional state before the step (info.lowDim: [angle, x, v]
 *                                   for the incline envs, else the env's vector observation)
 *   next-state   float32 [S]        the same after the step
 *   ids          int32   [4]        env index, episode index (per env), object id, texture id (-1: none)
 *   flags        uint8   []         bit 0 terminated, bit 1 truncated, bit 2 episode start
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../../envs/core/files.js';
import type { Rng } from '../../envs/core/rng.js';
import { ModelFileError } from '../errors.js';

export const TRANSITION_FORMAT = 'latentgym-transitions';
export const TRANSITION_FORMAT_VERSION = 1;
export const DEFAULT_CHUNK_SIZE = 4096;

export const FLAG_TERMINATED = 1;
export const FLAG_TRUNCATED = 2;
export const FLAG_EPISODE_START = 4;

type FieldDType = 'uint8' | 'int32' | 'float32';
const BYTES: Record<FieldDType, number> = { uint8: 1, int32: 4, float32: 4 };

export const FIELD_NAMES = ['frames', 'next-frames', 'actions', 'rewards', 'state', 'next-state', 'ids', 'flags'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

const FIELD_DOCS: Record<FieldName, string> = {
  frames: 'uint8 [H, W, C] rendered frame before the step, row-major',
  'next-frames': 'uint8 [H, W, C] rendered frame after the step (the last frame of the episode when it ended)',
  actions: 'float32 [A] action taken (a discrete action as its index)',
  rewards: 'float32 [] reward of the step',
  state: 'float32 [S] low-dimensional state before the step (incline envs: info.lowDim = [angle, x, v], normalised)',
  'next-state': 'float32 [S] low-dimensional state after the step',
  ids: 'int32 [4] env index, episode index within that env, object id, texture (look) id; -1 when the env has none',
  flags: 'uint8 [] bit 0 terminated, bit 1 truncated, bit 2 first step of an episode',
};

export interface FieldSpec {
  dtype: FieldDType;
  /** Shape of one transition's value. */
  shape: number[];
  doc: string;
}

export interface ChunkRecord {
  /** Transitions in the chunk (every chunk but the last holds chunkSize). */
  count: number;
  /** File name, byte length and sha256 (hex) of each field's file. */
  files: Record<FieldName, { file: string; bytes: number; sha256: string }>;
}

export interface TransitionManifest {
  format: typeof TRANSITION_FORMAT;
  version: number;
  count: number;
  chunkSize: number;
  fields: Record<FieldName, FieldSpec>;
  chunks: ChunkRecord[];
  /** What produced the data: env id(s), options, seeds, policy, package version, ... (free-form JSON). */
  meta: Record<string, unknown>;
  createdAt: string;
}

export interface TransitionShapes {
  frame: readonly number[];
  actionDim: number;
  stateDim: number;
}

/** One batch of transitions, each field's rows concatenated. */
export interface TransitionBatch {
  count: number;
  frames: Uint8Array;
  nextFrames: Uint8Array;
  actions: Float32Array;
  rewards: Float32Array;
  state: Float32Array;
  nextState: Float32Array;
  ids: Int32Array;
  flags: Uint8Array;
}

const BATCH_KEYS: Record<FieldName, keyof Omit<TransitionBatch, 'count'>> = {
  frames: 'frames', 'next-frames': 'nextFrames', actions: 'actions', rewards: 'rewards',
  state: 'state', 'next-state': 'nextState', ids: 'ids', flags: 'flags',
};

function fieldSpecs(shapes: TransitionShapes): Record<FieldName, FieldSpec> {
  const spec = (dtype: FieldDType, shape: readonly number[], name: FieldName): FieldSpec => ({ dtype, shape: [...shape], doc: FIELD_DOCS[name] });
  return {
    frames: spec('uint8', shapes.frame, 'frames'),
    'next-frames': spec('uint8', shapes.frame, 'next-frames'),
    actions: spec('float32', [shapes.actionDim], 'actions'),
    rewards: spec('float32', [], 'rewards'),
    state: spec('float32', [shapes.stateDim], 'state'),
    'next-state': spec('float32', [shapes.stateDim], 'next-state'),
    ids: spec('int32', [4], 'ids'),
    flags: spec('uint8', [], 'flags'),
  };
}

const rowSize = (spec: FieldSpec) => spec.shape.reduce((a, b) => a * b, 1);
const rowBytes = (spec: FieldSpec) => rowSize(spec) * BYTES[spec.dtype];
const fileName = (chunk: number, field: FieldName, dtype: FieldDType) => `chunk-${String(chunk).padStart(5, '0')}.${field}.${dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'uint8'}`;

function allocate(dtype: FieldDType, length: number): Uint8Array | Int32Array | Float32Array {
  return dtype === 'uint8' ? new Uint8Array(length) : dtype === 'int32' ? new Int32Array(length) : new Float32Array(length);
}

function view(dtype: FieldDType, bytes: Uint8Array): Uint8Array | Int32Array | Float32Array {
  // Copy into an aligned buffer (Buffer slices may start at any offset).
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return dtype === 'uint8' ? copy : dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
}

/** Appends transitions and writes a chunk each time chunkSize have gathered; finish() writes the rest and the manifest. */
export class TransitionDatasetWriter {
  readonly dir: string;
  readonly chunkSize: number;
  readonly fields: Record<FieldName, FieldSpec>;
  private readonly meta: Record<string, unknown>;
  private readonly buffers: Record<FieldName, Uint8Array | Int32Array | Float32Array>;
  private pending = 0;
  private readonly chunks: ChunkRecord[] = [];
  private total = 0;
  private finished = false;

  constructor(dir: string, shapes: TransitionShapes, options: { chunkSize?: number; meta?: Record<string, unknown> } = {}) {
    this.dir = dir;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1) throw new ModelFileError(`chunkSize must be a positive integer, got ${this.chunkSize}`);
    if (existsSync(join(dir, 'manifest.json'))) throw new ModelFileError(`${dir} already holds a dataset (manifest.json); choose another --out`);
    mkdirSync(dir, { recursive: true });
    this.fields = fieldSpecs(shapes);
    this.meta = options.meta ?? {};
    this.buffers = Object.fromEntries(FIELD_NAMES.map((name) => [name, allocate(this.fields[name].dtype, this.chunkSize * rowSize(this.fields[name]))])) as never;
  }

  get count(): number {
    return this.total + this.pending;
  }

  /** Append one transition; each value must have its field's length. */
  append(t: {
    frame: ArrayLike<number>; nextFrame: ArrayLike<number>; action: ArrayLike<number>; reward: number;
    state: ArrayLike<number>; nextState: ArrayLike<number>; ids: ArrayLike<number>; flags: number;
  }): void {
    if (this.finished) throw new ModelFileError(`${this.dir}: the dataset is finished; no more transitions can be appended`);
    const values: Record<FieldName, ArrayLike<number>> = {
      frames: t.frame, 'next-frames': t.nextFrame, actions: t.action, rewards: [t.reward],
      state: t.state, 'next-state': t.nextState, ids: t.ids, flags: [t.flags],
    };
    for (const name of FIELD_NAMES) {
      const size = rowSize(this.fields[name]);
      const value = values[name];
      if (value.length !== size) throw new ModelFileError(`dataset field '${name}' takes ${size} values per transition, got ${value.length}`);
      this.buffers[name].set(value, this.pending * size);
    }
    this.pending++;
    if (this.pending === this.chunkSize) this.flush();
  }

  private flush(): void {
    if (this.pending === 0) return;
    const index = this.chunks.length;
    const files = {} as ChunkRecord['files'];
    for (const name of FIELD_NAMES) {
      const spec = this.fields[name];
      const typed = this.buffers[name];
      const bytes = new Uint8Array(typed.buffer, 0, this.pending * rowBytes(spec));
      const file = fileName(index, name, spec.dtype);
      writeFileAtomic(join(this.dir, file), bytes);
      files[name] = { file, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    this.chunks.push({ count: this.pending, files });
    this.total += this.pending;
    this.pending = 0;
  }

  /** Write the last chunk and the manifest; returns the manifest. */
  finish(): TransitionManifest {
    if (this.finished) throw new ModelFileError(`${this.dir}: the dataset is already finished`);
    this.flush();
    this.finished = true;
    const manifest: TransitionManifest = {
      format: TRANSITION_FORMAT, version: TRANSITION_FORMAT_VERSION, count: this.total, chunkSize: this.chunkSize,
      fields: this.fields, chunks: this.chunks, meta: this.meta, createdAt: new Date().toISOString(),
    };
    writeFileAtomic(join(this.dir, 'manifest.json'), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
    return manifest;
  }
}

/** A dataset on disk: open() checks the manifest and every file's size; reads load only the rows asked for. */
export class TransitionDataset {
  private constructor(readonly dir: string, readonly manifest: TransitionManifest) {}

  static open(dir: string): TransitionDataset {
    const path = join(dir, 'manifest.json');
    if (!existsSync(path)) throw new ModelFileError(`${dir} is not a transition dataset: no manifest.json (an unfinished collection has none)`);
    let manifest: TransitionManifest;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as TransitionManifest;
    } catch (error) {
      throw new ModelFileError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (manifest?.format !== TRANSITION_FORMAT) throw new ModelFileError(`${path} is not a '${TRANSITION_FORMAT}' manifest (format: ${JSON.stringify(manifest?.format)})`);
    if (manifest.version !== TRANSITION_FORMAT_VERSION) throw new ModelFileError(`${path} has format version ${manifest.version}; this latentgym reads version ${TRANSITION_FORMAT_VERSION}`);
    if (!Array.isArray(manifest.chunks) || manifest.chunks.reduce((n, c) => n + c.count, 0) !== manifest.count) {
      throw new ModelFileError(`${path}: the chunk counts do not add up to count ${manifest.count}`);
    }
    for (const [i, chunk] of manifest.chunks.entries()) {
      if (i < manifest.chunks.length - 1 && chunk.count !== manifest.chunkSize) throw new ModelFileError(`${path}: chunk ${i} holds ${chunk.count} transitions, not chunkSize ${manifest.chunkSize}`);
      for (const name of FIELD_NAMES) {
        const spec = manifest.fields[name];
        const record = chunk.files?.[name];
        if (spec === undefined || record === undefined) throw new ModelFileError(`${path}: field '${name}' is missing`);
        const expected = chunk.count * rowBytes(spec);
        const file = join(dir, record.file);
        if (record.bytes !== expected) throw new ModelFileError(`${path}: ${record.file} is listed with ${record.bytes} bytes, but ${chunk.count} transitions of '${name}' take ${expected}`);
        if (!existsSync(file)) throw new ModelFileError(`dataset file ${file} is missing (re-collect the dataset)`);
        const actual = statSync(file).size;
        if (actual !== expected) {
          throw new ModelFileError(`dataset file ${file} is ${actual < expected ? 'truncated' : 'too long'}: ${actual} bytes, the manifest says ${expected} (re-collect the dataset)`);
        }
      }
    }
    return new TransitionDataset(dir, manifest);
  }

  get count(): number {
    return this.manifest.count;
  }

  get numChunks(): number {
    return this.manifest.chunks.length;
  }

  get fields(): Record<FieldName, FieldSpec> {
    return this.manifest.fields;
  }

  get meta(): Record<string, unknown> {
    return this.manifest.meta;
  }

  /** Re-hash every file against the manifest's sha256 (reads the whole dataset, a chunk at a time). */
  verify(): void {
    for (const chunk of this.manifest.chunks) {
      for (const name of FIELD_NAMES) {
        const record = chunk.files[name];
        const hash = createHash('sha256').update(readFileSync(join(this.dir, record.file))).digest('hex');
        if (hash !== record.sha256) throw new ModelFileError(`dataset file ${join(this.dir, record.file)} does not match its sha256 in the manifest (corrupt; re-collect the dataset)`);
      }
    }
  }

  /** All transitions of chunk i. */
  chunk(i: number): TransitionBatch {
    const chunk = this.manifest.chunks[i];
    if (!Number.isInteger(i) || chunk === undefined) throw new RangeError(`chunk index must be in [0, ${this.numChunks - 1}], got ${i}`);
    const batch = { count: chunk.count } as TransitionBatch;
    for (const name of FIELD_NAMES) {
      (batch as unknown as Record<string, unknown>)[BATCH_KEYS[name]] = view(this.fields[name].dtype, readFileSync(join(this.dir, chunk.files[name].file)));
    }
    return batch;
  }

  /** The chunks in order. */
  *[Symbol.iterator](): IterableIterator<TransitionBatch> {
    for (let i = 0; i < this.numChunks; i++) yield this.chunk(i);
  }

  /** The transitions at `indices` (global, in [0, count)), read row by row from the chunk files. */
  batch(indices: readonly number[]): TransitionBatch {
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= this.count) throw new RangeError(`transition index must be in [0, ${this.count - 1}], got ${index}`);
    }
    const batch = { count: indices.length } as TransitionBatch;
    const size = this.manifest.chunkSize;
    for (const name of FIELD_NAMES) {
      const spec = this.fields[name];
      const bytesPerRow = rowBytes(spec);
      const out = new Uint8Array(indices.length * bytesPerRow);
      const fds = new Map<number, number>();
      try {
        indices.forEach((index, row) => {
          const c = Math.floor(index / size);
          let fd = fds.get(c);
          if (fd === undefined) {
            fd = openSync(join(this.dir, this.manifest.chunks[c]!.files[name].file), 'r');
            fds.set(c, fd);
          }
          readSync(fd, out, row * bytesPerRow, bytesPerRow, (index - c * size) * bytesPerRow);
        });
      } finally {
        for (const fd of fds.values()) closeSync(fd);
      }
      (batch as unknown as Record<string, unknown>)[BATCH_KEYS[name]] = view(spec.dtype, out);
    }
    return batch;
  }

  /** `count` transitions drawn uniformly with replacement. */
  sample(count: number, rng: Rng): TransitionBatch {
    return this.batch(Array.from({ length: count }, () => rng.integer(0, this.count - 1)));
  }
}
