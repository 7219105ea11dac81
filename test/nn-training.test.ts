// End to end: a small conv autoencoder trains on the default backend (its loss falls), the
// workload definitions count their FLOPs as documented, `bench nn` reports JSON, and `--torch`
// runs the shipped PyTorch reference fairly or stops with one line naming what is missing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../models/compute/backend.js';
import { adam } from '../models/compute/adam.js';
import { trainer, trainingFlops, workload } from '../scripts/bench/workloads.js';
import { blasWarning, fairEnvironment, probeTorch, TORCH_SCRIPT, type TorchBlas, type TorchReference } from '../scripts/bench/torch-reference.js';

const BIN = fileURLToPath(new URL('../../bin/latentgym.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
  const r = cli('bench', 'nn', '--workload', 'W3', '--steps', '1', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { benchmark: string; backend: { name: string }; results: { workload: string; backend: string; steps: number; msPerStep: number }[]; machine: { peak: { gflops: number | null } }; torch: unknown };
  assert.equal(out.benchmark, 'nn');
  assert.deepEqual(out.results.map((x) => [x.workload, x.backend, x.steps]), [['W3', out.backend.name, 20], ['W3', 'cpu', 20]]);
  assert.ok(out.results.every((x) => x.msPerStep > 0));
  assert.match(r.stderr, /^backend: \w+ \(/m);
  const bad = cli('bench', 'nn', '--workload', 'W9');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--workload: unknown workload 'W9'; valid: W1, W2, W3/);
});

/** The CLI as users run it: errors go through its one-line error path. */
function latentgym(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLine(r: ReturnType<typeof latentgym>, code: number, pattern: RegExp) {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '', 'it stops before timing anything');
  assert.deepEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trim(), pattern);
}

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-torch-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const pythonOnPath = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'].map((dir) => join(dir, 'python3')).find((file) => existsSync(file));

test('the PyTorch reference is shipped with the package, and its child environment drops the OpenBLAS overrides', () => {
  assert.ok(existsSync(TORCH_SCRIPT), TORCH_SCRIPT);
  assert.equal(TORCH_SCRIPT, join(ROOT, 'scripts', 'bench', 'torch_reference.py'));
  const env = fairEnvironment({ PATH: '/bin', OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1048576', OPENBLAS_NUM_THREADS: '2' });
  assert.deepEqual(env, { PATH: '/bin', OPENBLAS_NUM_THREADS: '2' });
  const reference: TorchBlas = { kind: 'reference', name: 'netlib reference BLAS', library: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3', core: null, config: null, threads: null, build: 'generic' };
  assert.match(blasWarning(reference) ?? '', /unfair.*apt-get install -y libopenblas0-pthread/);
  assert.equal(blasWarning({ ...reference, kind: 'openblas', name: 'OpenBLAS 0.3.21' }), undefined);
});

test('bench nn --torch without a usable Python or torch: one line naming what is missing, non-zero exit', () => {
  const missing = latentgym(['bench', 'nn', '--workload', 'W3', '--steps', '1', '--torch', '--python', '/no/such/python3']);
  assertOneLine(missing, 1, /^latentgym: --torch: cannot run the Python interpreter \/no\/such\/python3 \(ENOENT\); install Python 3 and torch \(pip install torch, .*python3-torch libopenblas0-pthread/);
  const script = latentgym(['bench', 'nn', '--torch', '--torch-script', '/no/such/torch_reference.py']);
  assertOneLine(script, 2, /^latentgym: --torch-script: file \/no\/such\/torch_reference\.py does not exist$/);
});

test('bench nn --torch with a Python that has no torch: one line naming the interpreter and how to get torch', { skip: !pythonOnPath && 'no python3 on PATH or in /usr/bin' }, () => {
  // The real interpreter without its site packages (-S): a Python without torch on any machine.
  const python = join(scratch, 'python-without-torch');
  writeFileSync(python, `#!/bin/sh\nexec '${pythonOnPath}' -S "$@"\n`);
  chmodSync(python, 0o755);
  const env = { ...process.env };
  delete env.PYTHONPATH;
  const r = latentgym(['bench', 'nn', '--workload', 'W3', '--steps', '1', '--torch', '--python', python], env);
  assertOneLine(r, 1, new RegExp(`^latentgym: --torch: torch is not installed for ${python}: pip install torch, or on Debian apt-get install -y python3-torch libopenblas0-pthread`));
});

const torchSkip = (() => {
  try {
    probeTorch(TORCH_SCRIPT);
    return false;
  } catch (error) {
    return `torch is not importable here (${(error as Error).message})`;
  }
})();

test('bench nn --torch times W3 with PyTorch, reports its BLAS and threads, and runs it without OPENBLAS_CORETYPE', { skip: torchSkip }, () => {
  // Prescott is OpenBLAS's oldest x86 core: were the override passed on, it would be the core used.
  const r = latentgym(['bench', 'nn', '--workload', 'W3', '--steps', '1', '--json', '--torch'], { ...process.env, OPENBLAS_CORETYPE: 'Prescott' });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { torch: TorchReference; ratios: Record<string, number> };
  assert.ok(out.torch.ms.W3! > 0);
  assert.equal(out.torch.steps.W3, 20);
  assert.ok(out.ratios.W3! > 0);
  assert.ok(out.torch.threads >= 1);
  assert.ok(['openblas', 'mkl', 'reference', 'unknown'].includes(out.torch.blas.kind));
  if (out.torch.blas.kind === 'openblas') assert.notEqual(out.torch.blas.core, 'Prescott');
  assert.match(r.stderr, /^torch \S+ \(.*, \d+ threads\), BLAS: /m);
  assert.match(r.stderr, /^torch ran without OPENBLAS_CORETYPE=Prescott, /m);
});
