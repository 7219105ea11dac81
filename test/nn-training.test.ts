// End to end: a small conv autoencoder trains on the default backend (its loss falls), the
// workload definitions count their FLOPs as documented, and `bench nn` reports JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../models/compute/backend.js';
import { adam } from '../models/compute/adam.js';
import { trainer, trainingFlops, workload } from '../scripts/bench/workloads.js';

test('a conv autoencoder (k4 s2 convs and transposed convs) learns: its loss falls', async () => {
  await initBackend();
  const init = (seed: number) => ({ kernelInitializer: tfl.initializers.glorotUniform({ seed }) });
  const conv = { kernelSize: 4, strides: 2, padding: 'same' as const };
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ ...conv, ...init(1), filters: 8, activation: 'relu', inputShape: [16, 16, 3] }),
      tfl.layers.conv2d({ ...conv, ...init(2), filters: 16, activation: 'relu' }),
      tfl.layers.conv2dTranspose({ ...conv, ...init(3), filters: 8, activation: 'relu' }),
      tfl.layers.conv2dTranspose({ ...conv, ...init(4), filters: 3, activation: 'sigmoid' }),
    ],
  });
  // Smooth, high-contrast images (blurred noise pushed towards 0 and 1): structure to learn.
  const images = tf.tidy(() => tf.sigmoid(tf.mul(tf.sub(tf.avgPool(tf.randomUniform([8, 19, 19, 3], 0, 1, 'float32', 7) as tf.Tensor4D, 4, 1, 'valid'), 0.5), 20)));
  const optimizer = adam(0.01);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  for (let i = 0; i < 60; i++) {
    const loss = optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(images) as tf.Tensor, images))) as tf.Scalar, true, vars)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  const first = losses[0]!;
  const last = Math.min(...losses.slice(-5));
  assert.ok(last < 0.5 * first, `loss fell from ${first} to only ${last}`);
  model.dispose();
  optimizer.dispose();
  images.dispose();
});

test('workload FLOP counts and one training step of W3 without leaking tensors', async () => {
  // W3: 64 x (16*64 + 64*64 + 64*16) multiply-adds forward; 2 FLOPs each; x2 for the first layer
  // (no input gradient) and x3 for the others.
  assert.equal(trainingFlops(workload('W3')), 2 * 64 * (16 * 64 * 2 + 64 * 64 * 3 + 64 * 16 * 3));
  assert.ok(Math.abs(trainingFlops(workload('W1')) / 1e9 - 10.19) < 0.01);
  await initBackend();
  const run = trainer(workload('W3'));
  run.step();
  const before = tf.memory().numTensors;
  const losses = [run.step(), run.step(), run.step()];
  assert.equal(tf.memory().numTensors, before, 'a step leaves no tensors behind');
  assert.ok(losses[2]! < losses[0]!);
  run.dispose();
});

test('bench nn prints the backend and reports JSON for each workload, with the cpu baseline for W3', () => {
  const command = fileURLToPath(new URL('../scripts/cli/bench-nn.js', import.meta.url));
  const driver = `import yargs from 'yargs';
    const { benchNnCommand } = await import(${JSON.stringify(command)});
    await yargs(process.argv.slice(1)).command({ command: 'bench <suite>', builder: (y) => y.command(benchNnCommand), handler: () => {} })
      .strict().fail((msg, err) => { console.error(err ? err.message : msg); process.exit(2); }).parseAsync();`;
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--input-type=module', '-e', driver, ...args], {
    encoding: 'utf8', timeout: 60_000, cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const r = cli('bench', 'nn', '--workload', 'W3', '--steps', '1', '--json', '--torch', '--torch-script', '/no/such/torch_reference.py');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { benchmark: string; backend: { name: string }; results: { workload: string; backend: string; steps: number; msPerStep: number }[]; machine: { peak: { gflops: number | null } }; torch: unknown };
  assert.equal(out.benchmark, 'nn');
  assert.deepEqual(out.results.map((x) => [x.workload, x.backend, x.steps]), [['W3', out.backend.name, 20], ['W3', 'cpu', 20]]);
  assert.ok(out.results.every((x) => x.msPerStep > 0));
  assert.match(r.stderr, /^backend: \w+ \(/m);
  assert.match(r.stderr, /^PyTorch reference skipped: \/no\/such\/torch_reference\.py does not exist$/m);
  const bad = cli('bench', 'nn', '--workload', 'W9');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--workload: unknown workload 'W9'; valid: W1, W2, W3/);
});
