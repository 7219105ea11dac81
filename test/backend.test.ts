// Backend selection: names, the environment variable, an unavailable native backend, and the
// description stored with results; a process on the threaded wasm backend exits by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_ENV, describeBackend, formatBackend, initBackend, parseBackendChoice, requestedBackend, THREADS_ENV, wasmThreads } from '../models/compute/backend.js';
import { BackendError } from '../models/errors.js';
import { LatentGymError } from '../envs/core/errors.js';

const require = createRequire(import.meta.url);
const NATIVE_INSTALLED = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].some((name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
});
const skipWithNative = { skip: NATIVE_INSTALLED && 'a native TensorFlow package is installed here' };

function withEnv<T>(name: string, value: string | undefined, f: () => T): T {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return f();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

test('backend names: argument, then LATENTGYM_BACKEND, then auto; unknown names are refused', () => {
  assert.equal(withEnv(BACKEND_ENV, undefined, () => requestedBackend()), 'auto');
  assert.equal(withEnv(BACKEND_ENV, 'cpu', () => requestedBackend()), 'cpu');
  assert.equal(withEnv(BACKEND_ENV, 'cpu', () => requestedBackend('wasm')), 'wasm');
  assert.throws(() => parseBackendChoice('gpu'), (e: Error) => e instanceof BackendError && e instanceof LatentGymError
    && e.message === "unknown backend 'gpu'; valid: auto, tensorflow, wasm, cpu");
  assert.throws(() => withEnv(BACKEND_ENV, 'webgl', () => requestedBackend()), /unknown LATENTGYM_BACKEND 'webgl'; valid: auto, tensorflow, wasm, cpu/);
  assert.throws(() => withEnv(THREADS_ENV, 'many', () => wasmThreads()), /LATENTGYM_THREADS must be an integer in \[1, 8\], got many/);
  assert.equal(withEnv(THREADS_ENV, '1', () => wasmThreads()), 1);
});

test("'tensorflow' where the native package is missing: one line naming what is available", skipWithNative, async () => {
  await assert.rejects(initBackend({ backend: 'tensorflow' }), (e: Error) => {
    assert.ok(e instanceof BackendError);
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, /^backend 'tensorflow' is not available \(@tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\); available here: wasm, cpu$/);
    return true;
  });
});

test('auto falls back to wasm; the description is JSON-able and printed as one line', skipWithNative, async () => {
  const d = await initBackend({ backend: 'auto' });
  assert.equal(d.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(d.package, '@tensorflow/tfjs-backend-wasm');
  assert.ok(d.threads >= 1 && typeof d.simd === 'boolean' && d.gpu === false && /^\d+\.\d+\.\d+$/.test(d.version));
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.match(formatBackend(d), /^backend: wasm \(@tensorflow\/tfjs-backend-wasm \d+\.\d+\.\d+, \d+ threads?(, SIMD)?\)$/);
  const cpu = await initBackend({ backend: 'cpu' });
  assert.deepEqual(cpu, describeBackend());
  assert.equal(cpu.name, 'cpu');
  assert.equal(cpu.threads, 1);
});

test('a script on the threaded wasm backend exits when it is done', () => {
  const backend = fileURLToPath(new URL('../models/compute/backend.js', import.meta.url));
  const script = `import * as tf from '@tensorflow/tfjs-core';
    const { initBackend } = await import(${JSON.stringify(backend)});
    const d = await initBackend({ backend: 'wasm', threads: 2 });
    const y = tf.matMul(tf.ones([300, 300]), tf.ones([300, 300]));
    console.log(d.threads, y.dataSync()[0]);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2 300');
});
