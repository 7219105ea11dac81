// The shared encoder training step: weighted sums of named terms, auxiliary terms from callers,
// and clear errors for misuse. Expected values are computed here, independently of the step.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../envs/core/rng.js';
import { initBackend } from '../models/compute/backend.js';
import type { EncoderBatch, LossTerms } from '../models/encoders/encoder.js';
import { makeEncoder, registerEncoder } from '../models/encoders/registry.js';
import { trainEncoderStep } from '../models/encoders/training-step.js';
import '../models/encoders/autoencoder.js';
import { ModelConfigError } from '../models/errors.js';

before(async () => {
  await initBackend();
});

const SHAPE = [8, 8, 3] as const;

function randomBatch(count: number, seed: number): EncoderBatch {
  const rng = new Rng(seed);
  const frames = Uint8Array.from({ length: count * 192 }, () => rng.integer(0, 255));
  return { count, frames, nextFrames: frames, actions: new Float32Array(count) };
}

const meanSquare = (values: Float32Array) => values.reduce((a, v) => a + v * v, 0) / values.length;

test('the step reports each term unweighted and the weighted total, from the same forward pass', () => {
  const encoder = makeEncoder('autoencoder', { inputShape: SHAPE, actionSize: 1, seed: 3, latentDim: 4 });
  try {
    const batch = randomBatch(6, 1);
    // Before the step, compute the two terms independently of trainEncoderStep.
    const reconstruction = tf.tidy(() => encoder.losses(batch).terms.reconstruction!.dataSync()[0]!);
    const latentPenalty = meanSquare(encoder.encode(batch.frames, batch.count));
    const auxiliary = (_b: EncoderBatch, forward: { latents: tf.Tensor2D }): LossTerms => ({ latentNorm: tf.mean(tf.square(forward.latents)) });
    const stats = trainEncoderStep(encoder, batch, { weights: { reconstruction: 2, latentNorm: 0.5 }, auxiliary });
    assert.ok(Math.abs(stats.reconstruction! - reconstruction) < 1e-6, `${stats.reconstruction} vs ${reconstruction}`);
    assert.ok(Math.abs(stats.latentNorm! - latentPenalty) < 1e-5 * Math.max(1, latentPenalty), `${stats.latentNorm} vs ${latentPenalty}`);
    assert.ok(Math.abs(stats.loss - (2 * reconstruction + 0.5 * latentPenalty)) < 1e-5 * Math.max(1, stats.loss));
  } finally {
    encoder.dispose();
  }
});

test('an auxiliary term trains the encoder: a heavily weighted latent penalty shrinks the latents', () => {
  const encoder = makeEncoder('autoencoder', { inputShape: SHAPE, actionSize: 1, seed: 4, latentDim: 4, learningRate: 1e-2 });
  try {
    const batch = randomBatch(16, 2);
    const before = meanSquare(encoder.encode(batch.frames, batch.count));
    const auxiliary = (_b: EncoderBatch, forward: { latents: tf.Tensor2D }): LossTerms => ({ latentNorm: tf.mean(tf.square(forward.latents)) });
    for (let k = 0; k < 30; k++) trainEncoderStep(encoder, batch, { weights: { reconstruction: 0, latentNorm: 1 }, auxiliary });
    const after = meanSquare(encoder.encode(batch.frames, batch.count));
    assert.ok(after < 0.1 * before, `mean squared latent ${before.toFixed(4)} -> ${after.toFixed(6)}`);
  } finally {
    encoder.dispose();
  }
});

test('misuse is one clear error and leaves the parameters unchanged and no tensors behind', () => {
  const tensorsBefore = tf.memory().numTensors;
  const encoder = makeEncoder('autoencoder', { inputShape: SHAPE, actionSize: 1, seed: 5, latentDim: 4 });
  try {
    const afterBuild = tf.memory().numTensors;
    const batch = randomBatch(4, 3);
    const latents = encoder.encode(batch.frames, batch.count);
    const oneLine = (pattern: RegExp) => (error: unknown) => error instanceof ModelConfigError && pattern.test(error.message) && !error.message.includes('\n');
    assert.throws(() => trainEncoderStep(encoder, batch, { weights: { kl: 1 } }), oneLine(/weight is given for loss term 'kl'.*computes only reconstruction/));
    assert.throws(() => trainEncoderStep(encoder, batch, { auxiliary: () => ({ reconstruction: tf.scalar(0) }) }), oneLine(/'reconstruction' clashes/));
    assert.throws(() => trainEncoderStep(encoder, batch, { auxiliary: (_b, f) => ({ raw: tf.square(f.latents) }) }), oneLine(/'raw' must be a scalar, got a tensor of shape \[4, 4\]/));
    assert.throws(() => trainEncoderStep(encoder, { ...batch, count: 0 }), oneLine(/positive whole count of transitions, got 0/));
    assert.deepEqual(encoder.encode(batch.frames, batch.count), latents);
    assert.equal(tf.memory().numTensors, afterBuild, 'refused steps leave no tensors');
  } finally {
    encoder.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'dispose() frees every tensor the encoder made');
});

test('registering an encoder name twice is refused unless replace is asked for', () => {
  assert.throws(() => registerEncoder('autoencoder', () => { throw new Error('unused'); }), /encoder 'autoencoder' is already registered; choose another name, or pass \{ replace: true \}/);
  assert.throws(() => registerEncoder('bad name', () => { throw new Error('unused'); }), /an encoder name must be letters/);
});
