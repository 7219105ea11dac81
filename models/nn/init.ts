/**
 * Parameter initialisation from our own seeded Rng (not tfjs's initialisers), so that a seed gives
 * the same weights on every backend: CleanRL's `layer_init` (orthogonal weights with a gain, zero
 * biases) and uniquely named trainable variables.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../envs/core/rng.js';

/**
 * Orthonormalise the `r` rows of a row-major [r, m] float64 matrix in place, by modified
 * Gram-Schmidt applied twice (once is not enough in floating point). Returns false if a row is
 * (numerically exactly) dependent on the earlier ones, leaving it zero-normed.
 */
export function orthonormalizeRows(a: Float64Array, r: number, m: number): boolean {
  let independent = true;
  for (let j = 0; j < r; j++) {
    const aj = a.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ak = a.subarray(k * m, (k + 1) * m);
        let dot = 0;
        for (let i = 0; i < m; i++) dot += ak[i]! * aj[i]!;
        for (let i = 0; i < m; i++) aj[i] = aj[i]! - dot * ak[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += aj[i]! * aj[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) independent = false;
    for (let i = 0; i < m; i++) aj[i] = aj[i]! / norm;
  }
  return independent;
}

/**
 * A [rows, cols] matrix (row-major, float64) with orthonormal rows or columns, whichever are fewer,
 * times `gain` (torch.nn.init.orthogonal_): the Q of a QR factorisation of a Gaussian matrix, with
 * the signs fixed so that R has a positive diagonal. QR here is modified Gram-Schmidt, twice.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const q = new Float64Array(m * n); // column j of the tall matrix at q[j * m ...]
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalizeRows(q, n, m);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Tall (rows >= cols): Q itself; wide: Q transposed.
      out[r * cols + c] = gain * (rows >= cols ? q[c * m + r]! : q[r * m + c]!);
    }
  }
  return out;
}

let nextId = 0;
/** A trainable variable with a name unique in this process (tf.Variable names must be). */
export function variable(values: Float32Array, shape: number[], name: string): tf.Variable {
  // tf.variable keeps its own reference to the data: the initial tensor is disposed at once, so
  // disposing the variable frees everything.
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, `${name}_${nextId++}`));
}

export interface InitOptions {
  /** Orthogonal gain: sqrt(2) for hidden layers, 0.01 for the policy output, 1 for the value output. */
  gain: number;
  rng: Rng;
  name?: string;
}
