// Saving and loading models and optimiser state: round trip, resuming training exactly, and a
// clear error naming the file on a corrupt, truncated, mismatched or foreign file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../models/compute/backend.js';
import { adam } from '../models/compute/adam.js';
import { ModelFileError } from '../models/errors.js';
import { CHECKPOINT_FORMAT, loadCheckpoint, loadModel, saveModel, weightsPathFor, type Manifest } from '../models/compute/serialization.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-nn-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const x = () => tf.randomUniform([8, 6], 0, 1, 'float32', 5);

function mlp(hidden = 12): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: hidden, activation: 'tanh', inputShape: [6] }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({ units: 6 }),
    ],
  });
}

function trainSteps(model: tfl.LayersModel, optimizer: tf.Optimizer, steps: number): void {
  const input = x();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(input, { training: true }) as tf.Tensor, input))) as tf.Scalar, false, vars);
  }
  input.dispose();
}

const weightsOf = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

test('save, load, and resume training exactly (model weights, batch-norm statistics, Adam state)', async () => {
  await initBackend();
  const path = join(scratch, 'mlp.json');
  const a = mlp();
  const optA = adam(0.01);
  trainSteps(a, optA, 3);
  await saveModel(path, a, optA, { run: 'test', step: 3 });

  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  assert.equal(manifest.format, CHECKPOINT_FORMAT);
  assert.equal(manifest.weights, 'mlp.weights.bin');
  assert.equal(manifest.groups.model!.length, a.weights.length);
  assert.deepEqual(manifest.meta, { run: 'test', step: 3, optimizer: 'Adam' });

  const b = mlp();
  const optB = adam(0.01);
  const meta = await loadModel(path, b, optB);
  assert.equal(meta.step, 3);
  assert.deepEqual(weightsOf(b), weightsOf(a));
  assert.equal(optB.iterations, 3);
  trainSteps(a, optA, 2);
  trainSteps(b, optB, 2);
  assert.deepEqual(weightsOf(b), weightsOf(a), 'the loaded copy continues exactly as the original');
  for (const m of [a, b]) m.dispose();
  for (const o of [optA, optB]) o.dispose();
});

test('corrupt, truncated, mismatched and foreign files are refused with the file named', async () => {
  await initBackend();
  const path = join(scratch, 'm.json');
  const model = mlp();
  await saveModel(path, model);
  const bin = weightsPathFor(path);
  const good = readFileSync(bin);
  const refuses = async (pattern: RegExp, target = mlp(), optimizer?: tf.Optimizer) => {
    await assert.rejects(loadModel(path, target, optimizer), (e: Error) => e instanceof ModelFileError && pattern.test(e.message) && !e.message.includes('\n'));
    target.dispose();
  };

  await refuses(/m\.json: model tensor 0 \('dense_Dense\d+\/kernel'\) has shape \[6,12\] but the model's has shape \[6,13\]/, mlp(13));
  await refuses(/m\.json: holds 8 model tensors but the model has 2/, tfl.sequential({ layers: [tfl.layers.dense({ units: 6, inputShape: [6] })] }));
  await refuses(/m\.json: holds no optimizer state, not Adam state/, mlp(), adam());

  const flipped = Buffer.from(good);
  flipped[10] = flipped[10]! ^ 0xff;
  writeFileSync(bin, flipped);
  await refuses(/m\.weights\.bin: contents do not match the sha256 in .*m\.json \(corrupt or from another save\)/);

  writeFileSync(bin, good.subarray(0, good.length - 4));
  await refuses(/m\.weights\.bin: \d+ bytes, but .*m\.json expects \d+ \(truncated or from another save\)/);
  writeFileSync(bin, good);

  writeFileSync(path, '{"format": "something-else"}');
  assert.throws(() => loadCheckpoint(path), /m\.json: not a latentgym-checkpoint manifest \(format field is "something-else"\)/);
  writeFileSync(path, '{ not json');
  assert.throws(() => loadCheckpoint(path), /m\.json: not a latentgym-checkpoint manifest \(invalid JSON/);
  assert.throws(() => loadCheckpoint(join(scratch, 'missing.json')), /missing\.json: no such checkpoint file/);
  await assert.rejects(saveModel(join(scratch, 'no', 'dir.json'), model), /cannot save '.*dir\.json': directory '.*no' does not exist/);
  model.dispose();
});
