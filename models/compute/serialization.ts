/**
 * Saving models and optimiser state without the native backend (tf.io's file:// handler exists
 * only in @tensorflow/tfjs-node).
 *
 * A checkpoint is two files: `NAME.json`, the manifest, and `NAME.weights.bin` beside it, the
 * tensors' raw little-endian values one after another. The manifest:
 *
 *   { "format": "latentgym-checkpoint", "version": 1,
 *     "weights": "NAME.weights.bin", "byteLength": 123, "sha256": "<hex digest of the .bin>",
 *     "groups": { "model": [{ "name", "dtype": "float32" | "int32", "shape": [..], "offset", "byteLength" }, ..],
 *                 "optimizer": [..] },
 *     "meta": { anything JSON the caller stores } }
 *
 * Both files are written atomically (temporary file, then rename), the weights first; the digest
 * ties a manifest to its weights, so a torn or mixed pair is refused on loading. Models are
 * matched by weight order and shape (layer names differ between instances of one architecture).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../../envs/core/files.js';
import { ModelFileError } from '../errors.js';

export const CHECKPOINT_FORMAT = 'latentgym-checkpoint';
/** 2: the manifest also holds the sha256 of its metadata. Version 1 files (no metadata digest) still load. */
export const CHECKPOINT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];

type SavedDType = 'float32' | 'int32';

export interface SavedTensor {
  name: string;
  dtype: SavedDType;
  shape: number[];
  /** Byte offset in the weights file. */
  offset: number;
  byteLength: number;
}

export interface Manifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  weights: string;
  byteLength: number;
  sha256: string;
  groups: Record<string, SavedTensor[]>;
  meta: Record<string, unknown>;
  /** sha256 of JSON.stringify(meta): an edited or corrupt value in the metadata is refused (version 2). */
  metaSha256?: string;
}

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** The weights file of the manifest at `path`: NAME.json -> NAME.weights.bin. */
export function weightsPathFor(path: string): string {
  return join(dirname(path), `${basename(path).replace(/\.json$/, '')}.weights.bin`);
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
/** The digest of metadata as JSON (JSON.parse then JSON.stringify reproduces the written text's values and key order). */
const metaDigest = (meta: Record<string, unknown>) => sha256(JSON.stringify(meta));

/** Write named tensor groups (e.g. model, optimizer) and caller metadata to `path` and its .bin. */
export function saveCheckpoint(path: string, groups: Record<string, NamedTensor[]>, meta: Record<string, unknown> = {}): void {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelFileError(`cannot save '${path}': directory '${dir}' does not exist`);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const saved: Record<string, SavedTensor[]> = {};
  for (const [group, tensors] of Object.entries(groups)) {
    saved[group] = tensors.map(({ name, tensor }) => {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
        throw new ModelFileError(`cannot save tensor '${name}' of dtype ${tensor.dtype}; valid: float32, int32`);
      }
      const values = tensor.dataSync() as Float32Array | Int32Array;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      chunks.push(bytes);
      const entry = { name, dtype: tensor.dtype, shape: tensor.shape, offset, byteLength: bytes.byteLength };
      offset += bytes.byteLength;
      return entry;
    });
  }
  const weights = Buffer.concat(chunks);
  const weightsPath = weightsPathFor(path);
  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, weights: basename(weightsPath),
    byteLength: weights.byteLength, sha256: sha256(weights), groups: saved, meta, metaSha256: metaDigest(meta),
  };
  writeFileAtomic(weightsPath, weights);
  writeFileAtomic(path, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`));
}

/** Check the manifest's structure, naming the first thing that is wrong. */
function parseManifest(path: string, text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`${path}: not a ${CHECKPOINT_FORMAT} manifest (invalid JSON: ${(error as Error).message})`);
  }
  const m = value as Partial<Manifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== CHECKPOINT_FORMAT) {
    throw new ModelFileError(`${path}: not a ${CHECKPOINT_FORMAT} manifest (format field is ${JSON.stringify(m?.format)})`);
  }
  if (!READABLE_VERSIONS.includes(m.version as number)) throw new ModelFileError(`${path}: checkpoint version ${m.version} is not supported; valid: ${READABLE_VERSIONS.join(', ')}`);
  if (m.version === 2 && (typeof m.metaSha256 !== 'string' || m.meta === null || typeof m.meta !== 'object' || metaDigest(m.meta) !== m.metaSha256)) {
    throw new ModelFileError(`${path}: its metadata ("meta") does not match the metaSha256 written with it (edited or corrupt)`);
  }
  if (typeof m.weights !== 'string' || typeof m.byteLength !== 'number' || typeof m.sha256 !== 'string' || typeof m.groups !== 'object' || m.groups === null) {
    throw new ModelFileError(`${path}: manifest lacks weights, byteLength, sha256 or groups`);
  }
  for (const [group, tensors] of Object.entries(m.groups)) {
    for (const t of tensors) {
      const valid = typeof t.name === 'string' && (t.dtype === 'float32' || t.dtype === 'int32') && Array.isArray(t.shape)
        && t.shape.every((d) => Number.isInteger(d) && d >= 0) && Number.isInteger(t.offset) && t.offset >= 0
        && t.byteLength === 4 * t.shape.reduce((a, b) => a * b, 1) && t.offset + t.byteLength <= m.byteLength;
      if (!valid) throw new ModelFileError(`${path}: entry ${JSON.stringify(t.name)} of group '${group}' is malformed or lies outside the weights`);
    }
  }
  return { meta: {}, ...m } as Manifest;
}

/** Read a checkpoint written by saveCheckpoint (tensors are new; the caller disposes them). */
export function loadCheckpoint(path: string): { groups: Record<string, NamedTensor[]>; meta: Record<string, unknown> } {
  if (!existsSync(path)) throw new ModelFileError(`${path}: no such checkpoint file`);
  const manifest = parseManifest(path, readFileSync(path, 'utf8'));
  const weightsPath = join(dirname(path), manifest.weights);
  if (!existsSync(weightsPath)) throw new ModelFileError(`${weightsPath}: weights file of ${path} is missing`);
  const bytes = readFileSync(weightsPath);
  if (bytes.byteLength !== manifest.byteLength) {
    throw new ModelFileError(`${weightsPath}: ${bytes.byteLength} bytes, but ${path} expects ${manifest.byteLength} (truncated or from another save)`);
  }
  if (sha256(bytes) !== manifest.sha256) throw new ModelFileError(`${weightsPath}: contents do not match the sha256 in ${path} (corrupt or from another save)`);
  const groups: Record<string, NamedTensor[]> = {};
  for (const [group, tensors] of Object.entries(manifest.groups)) {
    groups[group] = tensors.map((t) => {
      const copy = bytes.buffer.slice(bytes.byteOffset + t.offset, bytes.byteOffset + t.offset + t.byteLength);
      const values = t.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy);
      return { name: t.name, tensor: tf.tensor(values, t.shape, t.dtype) };
    });
  }
  return { groups, meta: manifest.meta };
}

/** Save a model's weights (all, trainable or not) and optionally its optimiser's state. */
export async function saveModel(path: string, model: tfl.LayersModel, optimizer?: tf.Optimizer, meta: Record<string, unknown> = {}): Promise<void> {
  const groups: Record<string, NamedTensor[]> = { model: model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })) };
  if (optimizer) groups.optimizer = (await optimizer.getWeights()).map(({ name, tensor }) => ({ name, tensor }));
  saveCheckpoint(path, groups, { ...meta, optimizer: optimizer?.getClassName() ?? null });
}

/** Check the file's tensors of group `what` (model, optimizer) against the shapes the `what` has. */
function checkShapes(path: string, what: string, saved: NamedTensor[], expected: number[][]): void {
  if (saved.length !== expected.length) throw new ModelFileError(`${path}: holds ${saved.length} ${what} tensors but the ${what} has ${expected.length}`);
  saved.forEach(({ name, tensor }, i) => {
    if (!tf.util.arraysEqual(tensor.shape, expected[i]!)) {
      throw new ModelFileError(`${path}: ${what} tensor ${i} ('${name}') has shape [${tensor.shape}] but the ${what}'s has shape [${expected[i]}]`);
    }
  });
}

/**
 * Load weights saved by saveModel into `model` (same architecture) and, if given, the state of
 * `optimizer` (same class, for the same model). Returns the stored metadata.
 */
export async function loadModel(path: string, model: tfl.LayersModel, optimizer?: tf.Optimizer): Promise<Record<string, unknown>> {
  const { groups, meta } = loadCheckpoint(path);
  const all = Object.values(groups).flat();
  try {
    const weights = groups.model ?? [];
    checkShapes(path, 'model', weights, model.weights.map((w) => w.shape as number[]));
    if (optimizer) {
      if (meta.optimizer !== optimizer.getClassName()) {
        throw new ModelFileError(`${path}: holds ${meta.optimizer ? `${String(meta.optimizer)} state` : 'no optimizer state'}, not ${optimizer.getClassName()} state`);
      }
      // [iterations, then per-variable slots such as Adam's m of every variable, then v].
      const [iterations, ...slots] = groups.optimizer ?? [];
      const trainable = model.trainableWeights.map((w) => w.shape as number[]);
      const perVariable = trainable.length ? Math.round(slots.length / trainable.length) : 0;
      if (!iterations) throw new ModelFileError(`${path}: optimizer state lacks the iteration count`);
      checkShapes(path, 'optimizer', slots, Array.from({ length: perVariable }, () => trainable).flat());
    }
    model.setWeights(weights.map((w) => w.tensor));
    if (optimizer) await optimizer.setWeights(groups.optimizer!.map(({ name, tensor }) => ({ name, tensor })));
  } finally {
    tf.dispose(all.map((t) => t.tensor));
  }
  return meta;
}
