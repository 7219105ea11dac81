import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../envs/core/rng.js';
import { initBackend } from '../models/compute/backend.js';
import { CnnTrunk, Conv2d, Dense, Mlp, orthogonal } from '../models/nn/index.js';
import { ActorCritic } from '../agents/ppo/policy.js';

before(async () => {
  await initBackend();
});

test('orthogonal init: orthonormal rows (wide) or columns (tall), times the gain', () => {
  for (const [rows, cols] of [[3, 7], [7, 3], [5, 5]] as const) {
    const w = orthogonal(rows, cols, 2, new Rng(1));
    const [inner, outer] = rows <= cols ? [cols, rows] : [rows, cols];
    for (let a = 0; a < outer; a++) {
      for (let b = 0; b < outer; b++) {
        let dot = 0;
        for (let k = 0; k < inner; k++) dot += rows <= cols ? w[a * cols + k]! * w[b * cols + k]! : w[k * cols + a]! * w[k * cols + b]!;
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-9, `[${rows}x${cols}] (${a}, ${b}): ${dot}`);
      }
    }
  }
  assert.deepEqual(orthogonal(4, 6, 1, new Rng(5)), orthogonal(4, 6, 1, new Rng(5)), 'seeded');
});

/** The same MLP with TensorFlow.js's generic gradients, as the reference for the written-out backward pass. */
function plainMlp(mlp: Mlp, x: tf.Tensor): tf.Tensor {
  let h = x;
  mlp.layers.forEach((layer: Dense, l) => {
    h = tf.add(tf.matMul(h, layer.kernel), layer.bias);
    if (l < mlp.layers.length - 1) h = mlp.options.activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
  });
  return h;
}

test('the MLP\'s written-out backward pass equals TensorFlow.js autodiff (tanh and ReLU, with input gradient)', () => {
  for (const activation of ['tanh', 'relu'] as const) {
    const mlp = new Mlp([5, 16, 8, 3], { activation, hiddenGain: Math.SQRT2, outputGain: 1, rng: new Rng(2), name: 'test' });
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 3);
    const g = tf.randomNormal([7, 3], 0, 1, 'float32', 4);
    // Backpropagate into a variable in front of the MLP too, to check dL/dx.
    const pre = tf.variable(tf.randomNormal([5, 5], 0, 1, 'float32', 5));
    const variables = [pre, ...mlp.variables];
    const fast = tf.variableGrads(() => tf.sum(tf.mul(mlp.apply(tf.matMul(x, pre)), g)) as tf.Scalar, variables);
    const slow = tf.variableGrads(() => tf.sum(tf.mul(plainMlp(mlp, tf.matMul(x, pre)), g)) as tf.Scalar, variables);
    close(fast.value.dataSync(), slow.value.dataSync(), 'forward');
    for (const v of variables) close(fast.grads[v.name]!.dataSync(), slow.grads[v.name]!.dataSync(), `${activation} ${v.name}`);
    tf.dispose([x, g, pre, fast.value, slow.value, ...Object.values(fast.grads), ...Object.values(slow.grads)]);
    tf.dispose(mlp.variables);
  }
});

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-5 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('conv layers: torch-style orthogonal filters, output sizes, and a trunk on 36x36 frames', () => {
  const conv = new Conv2d(3, { filters: 4, kernel: 3, stride: 2 }, 'relu', { gain: 1, rng: new Rng(1) });
  assert.deepEqual(conv.filter.shape, [3, 3, 3, 4]);
  assert.deepEqual(conv.outputSize(9, 9), [4, 4]);
  const trunk = new CnnTrunk([36, 36, 2], [{ filters: 8, kernel: 8, stride: 4 }, { filters: 8, kernel: 4, stride: 2 }, { filters: 8, kernel: 3, stride: 1 }], 32, new Rng(1));
  const y = trunk.apply(tf.zeros([2, 36, 36, 2]));
  assert.deepEqual(y.shape, [2, 32]);
  assert.throws(() => new CnnTrunk([16, 16, 3], [{ filters: 8, kernel: 8, stride: 4 }, { filters: 8, kernel: 4, stride: 2 }], 8, new Rng(1)), /too small for convolution 2/);
  tf.dispose([y, ...trunk.variables, ...conv.variables]);
});

test('actor-critic: CleanRL\'s init (zero biases, small policy output, log std 0) and the same weights for the same seed', () => {
  const config = {
    inputShape: [3], action: { kind: 'continuous' as const, size: 2, low: [-1, -1], high: [1, 1], dtype: 'float32' as const },
    hiddenSizes: [64, 64], activation: 'tanh' as const, cnn: { convs: [], features: 8 }, logStdInit: 0,
  };
  const a = new ActorCritic(config, 7);
  const b = new ActorCritic(config, 7);
  assert.deepEqual(a.variables.map((v) => v.shape), [[3, 64], [64], [64, 64], [64], [64, 2], [2], [3, 64], [64], [64, 64], [64], [64, 1], [1], [2]]);
  a.variables.forEach((v, i) => assert.deepEqual(v.dataSync(), b.variables[i]!.dataSync()));
  const out = a.forward({ data: new Float32Array([0.1, -0.2, 0.3]), count: 1 });
  assert.ok(Math.abs(out.params[0]!) < 0.1, 'policy output layer gain 0.01 keeps the initial mean near 0');
  assert.deepEqual(Array.from(a.readShared()), [0, 0]);
  a.dispose();
  b.dispose();
});
