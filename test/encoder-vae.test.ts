// The AML VAE and PRED encoders: loss terms against hand-computed values, every layer's shape,
// learning on a synthetic moving-dot dataset, save/load, and a mismatched architecture refused.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../envs/core/rng.js';
import { initBackend } from '../models/compute/backend.js';
import type { EncoderBatch } from '../models/encoders/encoder.js';
import { makeEncoder } from '../models/encoders/registry.js';
import { trainEncoderStep } from '../models/encoders/training-step.js';
import { ConvVae, gaussianKl, gaussianNll } from '../models/encoders/vae.js';
import { CheckpointMismatchError } from '../models/errors.js';

before(async () => {
  await initBackend();
});

const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

test('gaussianNll: 0.5 * sum (x - m)^2 + 0.5 * D * log(2 pi), mean over the batch', () => {
  const x = [0.1, 0.5, 0.9, 0.2, 0.0, 1.0];
  const m = [0.2, 0.5, 0.4, 0.6, 0.3, 0.7];
  const got = tf.tidy(() => gaussianNll(tf.tensor2d(x, [2, 3]), tf.tensor2d(m, [2, 3])).dataSync()[0]!);
  // Per sample: -log N(x | m, 1) summed over its 3 values.
  let total = 0;
  for (let i = 0; i < 6; i++) total += 0.5 * (x[i]! - m[i]!) ** 2 + 0.5 * Math.log(2 * Math.PI);
  close(got, total / 2);
});

test('gaussianKl: KL of diagonal Gaussians to N(0, I), summed over dims, mean over the batch', () => {
  const mu = [0.5, -1, 0, 2];
  const lv = [0, Math.log(4), -1, 0.5];
  const got = tf.tidy(() => gaussianKl(tf.tensor2d(mu, [2, 2]), tf.tensor2d(lv, [2, 2])).dataSync()[0]!);
  // KL(N(m, s^2) || N(0, 1)) = log(1 / s) + (s^2 + m^2) / 2 - 1/2
  let total = 0;
  for (let i = 0; i < 4; i++) {
    const s = Math.sqrt(Math.exp(lv[i]!));
    total += Math.log(1 / s) + (s * s + mu[i]! ** 2) / 2 - 0.5;
  }
  close(got, total / 2);
});

test('vae at the paper\'s size: every layer\'s shape, latent 5, and its parameter count', () => {
  const vae = makeEncoder('vae', { inputShape: [64, 64, 3], actionSize: 1, seed: 1 }) as ConvVae;
  try {
    assert.equal(vae.latentDim, 5);
    assert.deepEqual(vae.layerShapes(2), [
      ['conv0', [2, 32, 32, 32]], ['conv1', [2, 16, 16, 64]], ['conv2', [2, 8, 8, 64]], ['conv3', [2, 4, 4, 128]], ['conv4', [2, 1, 1, 128]],
      ['head_input', [2, 128]], ['fc0', [2, 1024]], ['fc1', [2, 512]], ['fc_mu_logvar', [2, 10]],
      ['dfc0', [2, 512]], ['dfc1', [2, 1024]], ['dfc2', [2, 128]],
      ['deconv0', [2, 4, 4, 128]], ['deconv1', [2, 8, 8, 64]], ['deconv2', [2, 16, 16, 64]], ['deconv3', [2, 32, 32, 32]], ['deconv4', [2, 64, 64, 3]],
    ]);
    // conv filters + biases, BN gamma/beta, dense kernels + biases, deconv filters + biases.
    const conv = (k: number, i: number, o: number) => k * k * i * o + o;
    const dense = (i: number, o: number) => i * o + o;
    const expected = conv(4, 3, 32) + conv(4, 32, 64) + conv(4, 64, 64) + conv(4, 64, 128) + conv(4, 128, 128)
      + 2 * (32 + 64 + 64 + 128 + 128)
      + dense(128, 1024) + dense(1024, 512) + dense(512, 10)
      + dense(5, 512) + dense(512, 1024) + dense(1024, 128)
      + conv(4, 128, 128) + conv(4, 128, 64) + conv(4, 64, 64) + conv(4, 64, 32) + conv(4, 32, 3)
      + 2 * (128 + 64 + 64);
    assert.equal(vae.parameterCount(), expected);
    assert.equal(vae.describe().name, 'vae');
  } finally {
    vae.dispose();
  }
});

test('pred: the head takes the action and emits (z_t, z_t+1); terms reconstruction and kl; both latents', () => {
  const pred = makeEncoder('pred', { inputShape: [16, 16, 3], actionSize: 2, seed: 2, filters: 4 } as never) as ConvVae;
  try {
    const shapes = Object.fromEntries(pred.layerShapes(3));
    assert.deepEqual(shapes.head_input, [3, 130]);
    assert.deepEqual(shapes.fc_mu_logvar, [3, 20]);
    assert.deepEqual(shapes.deconv4, [3, 16, 16, 3]);
    const frames = new Uint8Array(3 * 768).fill(100);
    const batch: EncoderBatch = { count: 3, frames, nextFrames: frames, actions: new Float32Array(6) };
    const out = pred.losses(batch);
    assert.deepEqual(Object.keys(out.terms).sort(), ['kl', 'reconstruction']);
    assert.deepEqual(out.latents.shape, [3, 5]);
    assert.deepEqual(out.nextLatents!.shape, [3, 5]);
    // The NLL of both frames: at least 2 frames x D x 0.5 log(2 pi).
    assert.ok(out.terms.reconstruction!.dataSync()[0]! > 2 * 768 * 0.5 * Math.log(2 * Math.PI));
    tf.dispose([...Object.values(out.terms), out.latents, out.nextLatents!]);
    assert.equal(pred.encode(frames, 3).length, 15);
    const stats = trainEncoderStep(pred, batch);
    assert.ok(Number.isFinite(stats.loss) && 'kl' in stats && 'reconstruction' in stats);
  } finally {
    pred.dispose();
  }
});

/** 16x16 RGB frames of a 3x3 white dot on black moving along a line; frame i+1 is the dot one step on. */
function movingDots(count: number, seed: number): EncoderBatch {
  const rng = new Rng(seed);
  const size = 16 * 16 * 3;
  const frames = new Uint8Array(count * size);
  const nextFrames = new Uint8Array(count * size);
  const actions = new Float32Array(count);
  const draw = (out: Uint8Array, i: number, x: number, y: number) => {
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) for (let c = 0; c < 3; c++) out[i * size + ((y + dy) * 16 + x + dx) * 3 + c] = 255;
  };
  for (let i = 0; i < count; i++) {
    const x = rng.integer(0, 12);
    const y = rng.integer(1, 13);
    const a = rng.integer(0, 1);
    actions[i] = a;
    draw(frames, i, x, y);
    draw(nextFrames, i, x + a, y);
  }
  return { count, frames, nextFrames, actions };
}

test('a small vae learns: reconstruction of moving-dot frames improves', () => {
  const vae = new ConvVae('vae', { inputShape: [16, 16, 3], actionSize: 1, seed: 5, filters: 8, latentDim: 3, learningRate: 2e-3 });
  try {
    const held = movingDots(64, 99);
    const before = vae.reconstructionError(held.frames, held.count);
    const first = trainEncoderStep(vae, movingDots(32, 0)).reconstruction!;
    let last = first;
    for (let i = 1; i < 80; i++) last = trainEncoderStep(vae, movingDots(32, i)).reconstruction!;
    const after = vae.reconstructionError(held.frames, held.count);
    assert.ok(last < first, `training reconstruction ${first} -> ${last}`);
    assert.ok(after < 0.5 * before, `held-out MSE ${before} -> ${after}`);
  } finally {
    vae.dispose();
  }
});

test('save/load round trip (weights, batch-norm statistics, optimizer); another architecture refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vae-'));
  const options = { inputShape: [16, 16, 3], actionSize: 1, seed: 7, filters: 4 };
  const a = new ConvVae('vae', options);
  const b = new ConvVae('vae', { ...options, seed: 8 });
  const other = new ConvVae('vae', { ...options, filters: 8 });
  const pred = new ConvVae('pred', options);
  try {
    const batch = movingDots(8, 1);
    trainEncoderStep(a, batch);
    trainEncoderStep(a, batch);
    const path = join(dir, 'vae.json');
    await a.save(path);
    assert.notDeepEqual(Array.from(b.encode(batch.frames, 8)), Array.from(a.encode(batch.frames, 8)));
    await b.load(path);
    assert.deepEqual(Array.from(b.encode(batch.frames, 8)), Array.from(a.encode(batch.frames, 8)));
    await assert.rejects(other.load(path), CheckpointMismatchError);
    await assert.rejects(pred.load(path), CheckpointMismatchError);
  } finally {
    [a, b, other, pred].forEach((e) => e.dispose());
    rmSync(dir, { recursive: true, force: true });
  }
});
