/**
 * Multi-threaded wasm backend in Node.
 *
 * @tensorflow/tfjs-backend-wasm ships a threaded SIMD build (XNNPACK on a pthreadpool) but never
 * uses it in Node (tfjs issue 3830): its feature probe answers 'no threads' there, it hands the
 * pthread workers a Blob URL that Node's Worker cannot start, and it caps XNNPACK's pool at half
 * the logical cores (it assumes two hyper-threads per core). Emscripten's own Node support for
 * pthreads works, so this module instantiates the threaded build itself (workers start from
 * ./pthread-worker.cjs) and re-registers the 'wasm' backend with it. Kernels are registered per
 * backend name, so every wasm kernel runs unchanged on the threaded module.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadpoolSwitch, type ThreadpoolSwitch } from './threadpool-switch.js';
import { MAX_WASM_THREADS } from '../backend-options.js';

const require = createRequire(import.meta.url);

type WasmModule = BackendWasm['wasm'];

interface FactoryConfig {
  locateFile(path: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
}

/** The subset of the Emscripten module the loader touches besides what BackendWasm declares. */
interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => unknown;
  PThread: { unusedWorkers: { unref(): void }[]; runningWorkers: { unref(): void }[] };
}

const MAIN_SCRIPT = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const WORKER_SCRIPT = fileURLToPath(new URL('./pthread-worker.cjs', import.meta.url));

/**
 * Instantiate the threaded SIMD build with `threads` XNNPACK threads (the caller thread included).
 * The backend computes its thread cap as os.cpus().length / 2 once, while the module starts, so
 * the core count is shown doubled for that moment only.
 */
async function instantiate(threads: number): Promise<WasmModule> {
  const factory = require(MAIN_SCRIPT) as (config: FactoryConfig) => Promise<WasmModule>;
  const cpus = os.cpus;
  const shown = Math.max(threads, cpus().length) * 2;
  os.cpus = () => Array.from({ length: shown }, (_, i) => cpus()[i % cpus().length]!);
  const events = ['uncaughtException', 'unhandledRejection'];
  const emitter: NodeJS.EventEmitter = process;
  const before = events.map((event) => emitter.listeners(event));
  let module: WasmModule;
  try {
    module = await factory({
      locateFile: (path) => (path.endsWith('.worker.js') ? WORKER_SCRIPT : join(dirname(MAIN_SCRIPT), path)),
      mainScriptUrlOrBlob: MAIN_SCRIPT,
    });
  } finally {
    os.cpus = cpus;
    // Emscripten adds process handlers that rethrow every error from inside its minified script,
    // so Node would print 50 kB of it as the error's source line. Node's defaults do the rest.
    events.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[i]!.includes(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
  const threaded = module as unknown as ThreadedModule;
  // The JS side of the bridge, as the package's own init() builds it.
  module.tfjs = {
    init: threaded.cwrap('init', null, []) as () => void,
    initWithThreadsCount: threaded.cwrap('init_with_threads_count', null, ['number']) as (n: number) => void,
    getThreadsCount: threaded.cwrap('get_threads_count', 'number', []) as () => number,
    registerTensor: threaded.cwrap('register_tensor', null, ['number', 'number', 'number']) as (id: number, size: number, offset: number) => void,
    disposeData: threaded.cwrap('dispose_data', null, ['number']) as (id: number) => void,
    dispose: threaded.cwrap('dispose', null, []) as () => void,
  };
  return module;
}

let threadpool: ThreadpoolSwitch | undefined;

/** The switch of the running threaded backend (undefined for the single-threaded build). */
export function activeThreadpoolSwitch(): ThreadpoolSwitch | undefined {
  return threadpool;
}

export { MAX_WASM_THREADS };

/**
 * Register the threaded build as the 'wasm' backend (replacing the package's single-threaded
 * factory). Call before the backend is first used; `threads` counts the calling thread.
 */
export function registerThreadedWasmBackend(threads: number, priority = 2): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new RangeError(`wasm threads must be an integer in [1, ${MAX_WASM_THREADS}], got ${threads}`);
  }
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    const module = await instantiate(threads);
    setThreadsCount(threads);
    const backend = new BackendWasm(module);
    // XNNPACK's pool threads now wait in their workers for work; Emscripten refs a worker while its
    // thread runs, which would keep the process alive for ever after the last line of a script.
    const { PThread } = module as unknown as ThreadedModule;
    for (const worker of [...PThread.runningWorkers, ...PThread.unusedWorkers]) worker.unref();
    const wasmFile = join(dirname(MAIN_SCRIPT), 'tfjs-backend-wasm-threaded-simd.wasm');
    const { wasmMemory } = module as unknown as { wasmMemory: { buffer: ArrayBufferLike } };
    threadpool = threadpoolSwitch(wasmFile, wasmMemory, () => module.tfjs.getThreadsCount());
    return backend;
  }, priority);
}
