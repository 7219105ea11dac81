import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../models/compute/backend.js';
import { adam } from '../models/compute/adam.js';

/** One Adam step by hand: moments m, v after `grads` (one per step) and the total update. */
function handAdam(grads: number[], lr: number, b1: number, b2: number, eps: number, t0: number): number {
  let m = 0;
  let v = 0;
  let x = 0;
  grads.forEach((g, k) => {
    const t = t0 + k;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    x -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  });
  return x;
}

test('fused Adam matches a hand-computed Adam; setLearningRate changes the step size', async () => {
  await initBackend();
  const a = tf.variable(tf.scalar(0), true, 'adam-test/a');
  const b = tf.variable(tf.scalar(0), true, 'adam-test/b');
  const opt = adam(0.1, 0.9, 0.999, 1e-8);
  const step = (grads: Record<string, number>) =>
    opt.applyGradients(Object.entries(grads).map(([name, g]) => ({ name: `adam-test/${name}`, tensor: tf.scalar(g) })));
  step({ a: -1, b: 2 });
  step({ a: -1, b: 2 });
  step({ a: -1, b: 2 });
  const expectA = handAdam([-1, -1, -1], 0.1, 0.9, 0.999, 1e-8, 1);
  const expectB = handAdam([2, 2, 2], 0.1, 0.9, 0.999, 1e-8, 1);
  assert.ok(Math.abs(a.dataSync()[0]! - expectA) < 1e-5, `a: ${a.dataSync()[0]} vs ${expectA}`);
  assert.ok(Math.abs(b.dataSync()[0]! - expectB) < 1e-5, `b: ${b.dataSync()[0]} vs ${expectB}`);
  opt.setLearningRate(0);
  const before = b.dataSync()[0];
  step({ a: -1, b: 2 });
  assert.equal(b.dataSync()[0], before, 'a zero learning rate leaves the variable unchanged');
  assert.throws(() => opt.setLearningRate(Number.NaN), /learning rate must be a finite number/);
  a.dispose();
  b.dispose();
  opt.dispose();
});
