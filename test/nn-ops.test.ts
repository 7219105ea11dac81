// Every operation the project's models train with (REFERENCE.md: conv VAE with batch norm + ELU,
// E2C and PPO MLPs, AML relations with second-order gradients), forward and backward on the
// default backend, against the 'cpu' backend on random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { errorsAgainstCpu, type Computation } from '../models/compute/compare-backends.js';
import { clipByGlobalNorm } from '../models/compute/clip.js';
import { requestedBackend } from '../models/compute/backend.js';

const TOLERANCE = 5e-5;
const BACKEND = requestedBackend();
const rand = (shape: number[], seed: number, lo = -1, hi = 1) => tf.randomUniform(shape, lo, hi, 'float32', seed);

/** f's value and gradients with respect to each input (through a random linear functional). */
function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, ...xs: tf.Tensor[]): tf.Tensor[] {
  const y = f(...xs);
  const probe = rand(y.shape, 99);
  const { grads } = tf.valueAndGrads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), probe)) as tf.Scalar)(xs);
  return [y, ...grads];
}

async function check(what: string, f: Computation): Promise<void> {
  const errors = await errorsAgainstCpu(BACKEND, f);
  errors.forEach((e, i) => assert.ok(e < TOLERANCE, `${what}: output ${i} differs from cpu by ${e}`));
}

test('activations and element-wise maths', async () => {
  const unary: Record<string, (x: tf.Tensor) => tf.Tensor> = {
    relu: tf.relu, elu: tf.elu, tanh: tf.tanh, sigmoid: tf.sigmoid, softplus: tf.softplus, exp: tf.exp,
    log: (x) => tf.log(tf.add(tf.abs(x), 0.1)), square: tf.square, sqrt: (x) => tf.sqrt(tf.add(tf.abs(x), 0.1)),
  };
  for (const [name, f] of Object.entries(unary)) await check(name, () => withGrads(f, rand([7, 33], 1, -3, 3)));
});

test('reductions, shapes and losses', async () => {
  await check('mean/sum over axes', () => withGrads((x) => tf.add(tf.mean(x, [0, 2]), tf.sum(tf.sum(x, 1), 1)), rand([4, 4, 6], 1)));
  await check('concat/slice/reshape', () => withGrads((a, b) => tf.reshape(tf.slice(tf.concat([a!, b!], 1), [1, 2], [3, 6]), [6, 3]), rand([4, 5], 1), rand([4, 3], 2)));
  await check('MSE', () => withGrads((p, t) => tf.losses.meanSquaredError(t!, p!), rand([8, 10], 1), rand([8, 10], 2, 0, 1)));
  await check('BCE on logits', () => withGrads((z) => tf.losses.sigmoidCrossEntropy(rand([8, 10], 2, 0, 1), z!), rand([8, 10], 1, -4, 4)));
  await check('BCE on probabilities', () => withGrads((p) => tf.losses.logLoss(rand([8, 10], 2, 0, 1), p!), rand([8, 10], 1, 0.05, 0.95)));
});

test('dense, conv k4 s2 same and transposed conv layers with batch norm and ELU, training and inference', async () => {
  for (const training of [true, false]) {
    await check(`conv block, batch norm training=${training}`, () => {
      const layers = [
        tfl.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same', inputShape: [16, 16, 3], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.batchNormalization(),
        tfl.layers.elu(),
        tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
      ];
      const model = tfl.sequential({ layers });
      const x = rand([4, 16, 16, 3], 4, 0, 1);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const loss = () => tf.mean(tf.square(model.apply(x, { training }) as tf.Tensor)) as tf.Scalar;
      const { value, grads } = tf.variableGrads(loss, vars);
      const out = [value, ...vars.map((v) => grads[v.name]!)];
      model.dispose();
      return out;
    });
  }
});

test('second-order gradients through a tanh MLP (transversality-style loss)', async () => {
  await check('grad of a loss on input gradients', () => {
    const w1 = rand([6, 16], 1);
    const w2 = rand([16, 16], 2);
    const w3 = rand([16, 1], 3);
    const x = rand([32, 6], 4);
    const g = (w: tf.Tensor[], input: tf.Tensor) => tf.tanh(tf.matMul(tf.tanh(tf.matMul(tf.tanh(tf.matMul(input, w[0]!)), w[1]!)), w[2]!));
    // L(w) = mean |d g / d x|^2: needs the gradient of a gradient.
    const loss = (...w: tf.Tensor[]) => {
      const dgdx = tf.grad((input: tf.Tensor) => tf.sum(g(w, input)))(x);
      return tf.mean(tf.sum(tf.square(dgdx), 1)) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(loss)([w1, w2, w3]);
    return [value, ...grads];
  });
});

test('Adam steps and gradient clipping by global norm', async () => {
  await check('clipped Adam', () => {
    const w = tf.variable(rand([20, 10], 1));
    const optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 3; i++) {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.matMul(rand([5, 20], 2), w))) as tf.Scalar, [w]);
      const clipped = clipByGlobalNorm(grads, 0.5);
      optimizer.applyGradients(clipped.grads as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0]);
    }
    const out = [w.clone()];
    w.dispose();
    optimizer.dispose();
    return out;
  });
  const { grads, norm } = tf.tidy(() => clipByGlobalNorm({ a: tf.tensor([3, 0]), b: tf.tensor([4]) }, 1));
  assert.ok(Math.abs(norm.dataSync()[0]! - 5) < 1e-6);
  assert.deepEqual(Array.from(grads.a!.dataSync()).map((v) => Number(v.toFixed(5))), [0.6, 0]);
  const unclipped = tf.tidy(() => clipByGlobalNorm({ a: tf.tensor([0.3, 0.4]) }, 1));
  assert.deepEqual(Array.from(unclipped.grads.a!.dataSync()).map((v) => Number(v.toFixed(5))), [0.3, 0.4]);
});
