/**
 * What the wasm kernels written in TypeScript need from BackendWasm: running the backend's own
 * kernels from inside a kernel, and typed views of tensors in the wasm heap (so loops such as
 * im2col read and write the tensors in place, with no copies in and out of the heap).
 */
import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The kernel registered for `name` on 'wasm' right now (throws if there is none). */
export function wasmKernel(name: string): KernelConfig {
  const kernel = getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no '${name}' kernel`);
  return kernel;
}

/** Run a kernel function with the calling kernel's backend, as the engine would. */
export function run(kernel: KernelConfig | KernelFunc, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const kernelFunc = typeof kernel === 'function' ? kernel : kernel.kernelFunc;
  return kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Release intermediate results (tensors the engine never saw). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** A view of the wasm memory; take it after the last allocation, which may grow (move) the heap. */
export function heapF32(backend: BackendWasm): Float32Array {
  // The threaded build's memory is a growable SharedArrayBuffer: only Memory.buffer has the
  // current length. The single-threaded build updates HEAPU8 itself when the heap grows.
  const wasm = backend.wasm as unknown as { wasmMemory?: { buffer: ArrayBufferLike }; HEAPU8: Uint8Array };
  return new Float32Array(wasm.wasmMemory ? wasm.wasmMemory.buffer : wasm.HEAPU8.buffer);
}

/** Index of the first element of a float32 tensor in heapF32(). */
export function f32Offset(backend: BackendWasm, info: TensorInfo): number {
  return backend.dataIdMap.get(info.dataId)!.memoryOffset / Float32Array.BYTES_PER_ELEMENT;
}

/** A float32 output tensor; its heap memory is uninitialised. */
export function makeF32(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** Reshape without copying (the wasm Reshape kernel shares the data). */
export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return run(wasmKernel('Reshape'), backend, { x }, { shape });
}

/** Swap the last two axes (a copy, in wasm). */
export function transposeLast2(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = Array.from({ length: rank }, (_, i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
  return run(wasmKernel('Transpose'), backend, { x }, { perm });
}
