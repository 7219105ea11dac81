/**
 * Entry script of the worker threads behind the multi-threaded wasm backend in Node.
 *
 * Emscripten starts each pthread as `new Worker(locateFile('...worker.js'))`. TensorFlow.js ships
 * the worker's code only as a string (it hands browsers a Blob URL, which Node's Worker cannot
 * load), so this file evaluates that string in the worker's global scope, with the CommonJS
 * `require` and `__filename` it expects.
 */
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
  wasmWorkerContents: string;
};
Object.assign(globalThis, { require, __filename });
// The string's escaped newlines arrive as real ones; re-escape them as TensorFlow.js does.
(0, eval)(wasmWorkerContents.replace(/\n/g, '\\n'));
