/**
 * Choosing the TensorFlow.js backend that every learner runs on.
 *
 * - 'tensorflow': the native TensorFlow library (@tensorflow/tfjs-node-gpu, else
 *   @tensorflow/tfjs-node). Both are optional dependencies: their install step downloads
 *   libtensorflow from outside the npm registry, so they are missing on machines without internet.
 * - 'wasm': XNNPACK compiled to WebAssembly with SIMD, multi-threaded (./wasm/threaded.ts), with the
 *   kernels that training needs and the package lacks or runs slowly (./kernels/).
 * - 'cpu': TensorFlow.js's pure-JavaScript kernels; slow, but the reference for the others.
 * - 'auto' (the default): 'tensorflow' when it loads, else 'wasm'.
 *
 * The choice comes from an argument (the CLI's --backend), else LATENTGYM_BACKEND, else 'auto'.
 */
import * as tf from '@tensorflow/tfjs-core';
// The Node bundle of tfjs-core leaves out the gradient functions; tfjs-layers registers them all.
import '@tensorflow/tfjs-layers';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { BackendError } from '../errors.js';
import { registerTrainingKernels } from './kernels/index.js';
import { MAX_WASM_THREADS, registerThreadedWasmBackend } from './wasm/threaded.js';
import { BACKEND_CHOICES, BACKEND_ENV, THREADS_ENV, type BackendChoice, type BackendName } from './backend-options.js';

export { BACKEND_CHOICES, BACKEND_ENV, THREADS_ENV, backendOption, type BackendChoice, type BackendName } from './backend-options.js';

/** The native packages, best first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** What a run's results record about the backend that produced them. */
export interface BackendDescription {
  name: BackendName;
  /** The package that provides it. */
  package: string;
  version: string;
  /** Threads its kernels use (for 'tensorflow': the cores TensorFlow's pools may use). */
  threads: number;
  simd: boolean;
  /** Whether kernels run on a GPU (only 'tensorflow' from @tensorflow/tfjs-node-gpu). */
  gpu: boolean;
}

/** Validate a backend name from the CLI or the environment (`source` names where it came from). */
export function parseBackendChoice(value: string, source = 'backend'): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new BackendError(`unknown ${source} '${value}'; valid: ${BACKEND_CHOICES.join(', ')}`);
}

/** The requested backend: `explicit`, else $LATENTGYM_BACKEND, else 'auto'. */
export function requestedBackend(explicit?: string): BackendChoice {
  if (explicit !== undefined) return parseBackendChoice(explicit);
  const fromEnv = process.env[BACKEND_ENV];
  return fromEnv ? parseBackendChoice(fromEnv, BACKEND_ENV) : 'auto';
}

/** Threads for the wasm backend: `explicit`, else $LATENTGYM_THREADS, else the cores (at most 8). */
export function wasmThreads(explicit?: number): number {
  const fromEnv = process.env[THREADS_ENV];
  const n = explicit ?? (fromEnv ? Number(fromEnv) : Math.min(availableParallelism(), MAX_WASM_THREADS));
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new BackendError(`${explicit === undefined ? THREADS_ENV : 'threads'} must be an integer in [1, ${MAX_WASM_THREADS}], got ${explicit ?? fromEnv}`);
  }
  return n;
}

interface NativeModule {
  version: { 'tfjs-node': string };
}

let native: { package: string; module: NativeModule } | undefined;
let nativeFailure: string | undefined;

/** Load the native backend once; false (with the reason kept) when neither package loads. */
async function loadNative(): Promise<boolean> {
  if (native) return true;
  if (nativeFailure) return false;
  const reasons: string[] = [];
  for (const name of NATIVE_PACKAGES) {
    try {
      native = { package: name, module: (await import(name)) as NativeModule };
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      reasons.push((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' ? `${name} is not installed` : `${name}: ${message}`);
    }
  }
  nativeFailure = reasons.join('; ');
  return false;
}

let wasmThreadCount: number | undefined;
let wasmSimd = false;

/** Register the wasm backend (threaded when `threads` > 1) with the training kernels. */
async function setUpWasm(threads: number): Promise<void> {
  if (wasmThreadCount === threads) return;
  if (wasmThreadCount !== undefined) {
    throw new BackendError(`the wasm backend already runs ${wasmThreadCount} threads in this process; it cannot change to ${threads}`);
  }
  // The threaded build needs SIMD; without it the package's own single-threaded build loads.
  wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  if (threads > 1 && wasmSimd) registerThreadedWasmBackend(threads);
  wasmThreadCount = threads;
}

async function activate(name: BackendName): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new BackendError(`backend '${name}' failed to start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!ok) throw new BackendError(`backend '${name}' failed to start`);
  if (name === 'cpu') {
    // Its first write prints a multi-line banner recommending the native backend; the choice is
    // reported (and explained) by describeBackend() instead.
    (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  }
}

let current: { requested: BackendChoice; description: BackendDescription } | undefined;

/**
 * Select and start the backend (`options.backend` as for requestedBackend) and describe it.
 * Asking again for the backend already running returns at once.
 */
export async function initBackend(options: { backend?: string; threads?: number } = {}): Promise<BackendDescription> {
  const requested = requestedBackend(options.backend);
  registerTrainingKernels();
  if (current && current.requested === requested && options.threads === undefined) return current.description;
  let name: BackendName;
  if (requested === 'tensorflow' || requested === 'auto') {
    if (await loadNative()) name = 'tensorflow';
    else if (requested === 'auto') name = 'wasm';
    else throw new BackendError(`backend 'tensorflow' is not available (${nativeFailure}); available here: wasm, cpu`);
  } else {
    name = requested;
  }
  if (name === 'wasm') await setUpWasm(wasmThreads(options.threads));
  await activate(name);
  current = { requested, description: describeBackend() };
  return current.description;
}

/** The backend TensorFlow.js is running now. */
export function describeBackend(): BackendDescription {
  const name = tf.getBackend();
  switch (name) {
    case 'wasm':
      return {
        name, package: '@tensorflow/tfjs-backend-wasm', version: version_wasm,
        threads: getThreadsCount(), simd: wasmSimd, gpu: false,
      };
    case 'cpu':
      return { name, package: '@tensorflow/tfjs-backend-cpu', version: version_cpu, threads: 1, simd: false, gpu: false };
    case 'tensorflow':
      return {
        name, package: native?.package ?? 'unknown', version: native?.module.version['tfjs-node'] ?? 'unknown',
        threads: availableParallelism(), simd: true, gpu: native?.package === '@tensorflow/tfjs-node-gpu',
      };
    default:
      throw new BackendError(`TensorFlow.js runs backend '${name}', which this project does not support; valid: ${BACKEND_CHOICES.join(', ')}`);
  }
}

/** One line for the log, e.g. "backend: wasm (@tensorflow/tfjs-backend-wasm 4.22.0, 2 threads, SIMD)". */
export function formatBackend(d: BackendDescription): string {
  const features = [`${d.threads} thread${d.threads === 1 ? '' : 's'}`, ...(d.simd ? ['SIMD'] : []), ...(d.gpu ? ['GPU'] : [])];
  return `backend: ${d.name} (${d.package} ${d.version}, ${features.join(', ')})`;
}
