// The kernels this project adds to or replaces in the wasm backend (models/kernels/), checked
// against TensorFlow.js's pure-JavaScript 'cpu' kernels on random inputs: values and gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { errorsAgainstCpu, runOn, maxScaledError, type Computation } from '../models/compute/compare-backends.js';
import { adam } from '../models/compute/adam.js';
import { ADAM_UPDATE } from '../models/compute/kernels/adam-update.js';
import { describeBackend, initBackend } from '../models/compute/backend.js';
import { activeThreadpoolSwitch } from '../models/compute/wasm/threaded.js';
import { firstLoadAddress } from '../models/compute/wasm/threadpool-switch.js';

const TOLERANCE = 2e-5;
const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

async function assertMatchesCpu(what: string, f: Computation): Promise<void> {
  const errors = await errorsAgainstCpu('wasm', f);
  errors.forEach((e, i) => assert.ok(e < TOLERANCE, `${what}: output ${i} differs from cpu by ${e}`));
}

/** A function's value and its gradients with respect to every input. */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): tf.Tensor[] {
  const y = f(...xs);
  const probe = rand(y.shape, 99); // a random linear functional of y, so every output element counts
  const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), probe)) as tf.Scalar)(xs);
  return [y, value, ...grads];
}

test('BatchMatMul: every transpose combination, batched and broadcast operands, and gradients', async () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      const [m, k, n] = [37, 53, 29];
      await assertMatchesCpu(`matMul tA=${transposeA} tB=${transposeB}`, () => withGrads(
        (a, b) => tf.matMul(a!, b!, transposeA, transposeB),
        rand(transposeA ? [k, m] : [m, k], 1), rand(transposeB ? [n, k] : [k, n], 2)));
    }
  }
  // (tfjs-core's gradient does not reduce a broadcast operand, on any backend: values only.)
  await assertMatchesCpu('a batched, b shared', () => [tf.matMul(rand([2, 3, 5, 7], 3), rand([7, 4], 4))]);
  await assertMatchesCpu('both batched', () => withGrads((a, b) => tf.matMul(a!, b!, true, false), rand([3, 5, 7], 5), rand([3, 5, 4], 6)));
  await assertMatchesCpu('large (threaded path)', () => withGrads((a, b) => tf.matMul(a!, b!), rand([300, 200], 7), rand([200, 150], 8)));
});

test('_FusedMatMul with bias and activation, transposed operands, and gradients', async () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'elu'] as const) {
    await assertMatchesCpu(`fused ${activation}`, () => withGrads(
      (a, b, bias) => tf.fused.matMul({ a: a!, b: b!, bias, activation, transposeB: true }),
      rand([33, 20], 1), rand([17, 20], 2), rand([17], 3)));
  }
});

/**
 * Convolution geometries: k4 s2 'same' as in the models (the sub-pixel input gradient, narrow and
 * wide channels), odd sizes and 'valid' leaving rows unused (im2col fallback), stride 1, unequal strides.
 */
const CONVS = [
  { x: [2, 16, 16, 3], filter: [4, 4, 3, 8], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 16], filter: [4, 4, 16, 4], strides: 2, pad: 'same' },
  { x: [2, 9, 8, 5], filter: [4, 4, 5, 6], strides: 2, pad: 'same' },
  { x: [1, 10, 11, 4], filter: [3, 3, 4, 5], strides: 2, pad: 'valid' },
  { x: [2, 7, 6, 3], filter: [3, 2, 3, 4], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], filter: [4, 4, 4, 2], strides: [1, 2], pad: [[0, 0], [2, 1], [0, 1], [0, 0]] },
] as const;

test('Conv2DBackpropFilter and Conv2DBackpropInput: conv2d gradients', async () => {
  for (const c of CONVS) {
    const pad = c.pad as 'same' | 'valid';
    await assertMatchesCpu(`conv2d ${JSON.stringify(c)}`, () => withGrads(
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides as number | [number, number], pad),
      rand([...c.x], 1), rand([...c.filter], 2)));
  }
});

test('conv2dTranspose (Conv2DBackpropInput forward) and its gradients', async () => {
  for (const c of CONVS.slice(0, 3)) {
    const pad = c.pad as 'same' | 'valid';
    const strides = c.strides as number | [number, number];
    const y = tf.tidy(() => tf.conv2d(tf.zeros([...c.x]) as tf.Tensor4D, tf.zeros([...c.filter]) as tf.Tensor4D, strides, pad));
    const dyShape = y.shape;
    y.dispose();
    await assertMatchesCpu(`conv2dTranspose ${JSON.stringify(c)}`, () => withGrads(
      (dy, w) => tf.conv2dTranspose(dy as tf.Tensor4D, w as tf.Tensor4D, [...c.x] as [number, number, number, number], strides, pad),
      rand(dyShape, 3), rand([...c.filter], 4)));
  }
});

test('the fused Adam update matches tf.train.adam on cpu, state included', async () => {
  const steps = (make: () => tf.Optimizer): Computation => () => {
    const w = tf.variable(rand([40, 30], 1));
    const b = tf.variable(rand([30], 2));
    const x = rand([16, 40], 3);
    const optimizer = make();
    for (let i = 0; i < 4; i++) optimizer.minimize(() => tf.mean(tf.square(tf.tanh(tf.add(tf.matMul(x, w), b)))) as tf.Scalar);
    const out = [w.clone(), b.clone()];
    tf.dispose([w, b]);
    optimizer.dispose();
    return out;
  };
  const reference = await runOn('cpu', steps(() => tf.train.adam(0.01)));
  for (const backend of ['wasm', 'cpu'] as const) {
    const fused = await runOn(backend, steps(() => adam(0.01)));
    fused.forEach((r, i) => assert.ok(maxScaledError(r, reference[i]!) < TOLERANCE, `${backend} fused Adam output ${i}`));
  }
  // Where a backend lacks the kernel ('tensorflow'), the optimiser continues with tfjs's update.
  const { getKernel, registerKernel, unregisterKernel } = tf;
  const cpuKernel = getKernel(ADAM_UPDATE, 'cpu')!;
  let fusedSteps = 0;
  const mixed = await runOn('cpu', steps(() => {
    const optimizer = adam(0.01);
    const fused = optimizer.applyGradients.bind(optimizer);
    optimizer.applyGradients = (grads) => {
      if (++fusedSteps === 3) unregisterKernel(ADAM_UPDATE, 'cpu');
      fused(grads);
    };
    return optimizer;
  }));
  registerKernel(cpuKernel);
  mixed.forEach((r, i) => assert.ok(maxScaledError(r, reference[i]!) < TOLERANCE, `fused then fallback Adam output ${i}`));
  // Same state layout as tf.train.adam: [iterations, m..., v...].
  await initBackend({ backend: 'wasm' });
  const w = tf.variable(rand([3, 2], 4));
  const optimizer = adam(0.01);
  optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
  const state = await optimizer.getWeights();
  assert.deepEqual(state.map((s) => s.tensor.shape), [[], [3, 2], [3, 2]]);
  assert.equal(optimizer.getClassName(), 'Adam');
  tf.dispose([w]);
  optimizer.dispose();
});

test('small kernels run without the thread pool, found in the wasm binary', async () => {
  await initBackend({ backend: 'wasm' });
  const require = createRequire(import.meta.url);
  const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm');
  assert.equal(typeof firstLoadAddress(readFileSync(wasm), 'get_threads_count'), 'number');
  assert.equal(firstLoadAddress(readFileSync(wasm), 'no_such_export'), undefined);
  if (describeBackend().threads > 1) assert.ok(activeThreadpoolSwitch(), 'the threaded backend found its pool pointer');
});
