/**
 * Running one computation on two backends and comparing the results: how the kernels of this
 * project are checked against TensorFlow.js's reference 'cpu' kernels, and how a model can be.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice } from './backend.js';

/** Tensors a computation returns; each is read back as a flat array and its shape. */
export type Computation = () => tf.Tensor[];

export interface Readout {
  shape: number[];
  values: Float32Array | Int32Array | Uint8Array;
}

/** Run `f` on `backend` (started if needed) inside tidy and read its tensors back. */
export async function runOn(backend: BackendChoice, f: Computation): Promise<Readout[]> {
  await initBackend({ backend });
  return tf.tidy(() => f()).map((t) => {
    const out = { shape: t.shape, values: t.dataSync() as Readout['values'] };
    t.dispose();
    return out;
  });
}

/** Largest |a - b| / (1 + |b|) over all elements (mixed absolute and relative error). */
export function maxScaledError(a: Readout, b: Readout): number {
  if (!tf.util.arraysEqual(a.shape, b.shape)) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.values.length; i++) {
    const expected = b.values[i]!;
    const error = Math.abs(a.values[i]! - expected) / (1 + Math.abs(expected));
    if (!(error <= worst)) worst = Number.isNaN(error) ? Infinity : error;
  }
  return worst;
}

/** The worst scaled error of each output of `f` on `backend` against the 'cpu' backend. */
export async function errorsAgainstCpu(backend: BackendChoice, f: Computation): Promise<number[]> {
  const candidate = await runOn(backend, f);
  const reference = await runOn('cpu', f);
  return candidate.map((c, i) => maxScaledError(c, reference[i]!));
}
