/**
 * Wraps every wasm kernel so that one with little work runs on the calling thread only (see
 * ../wasm/threadpool-switch.ts for why). Without a switch (single-threaded module) kernels run
 * unchanged.
 */
import { getKernelsForBackend, registerKernel, unregisterKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { activeThreadpoolSwitch } from '../wasm/threaded.js';

/** Below these, waking the pool costs more than it saves (measured on 2 cores). */
const ELEMENTS_INLINE = 1 << 15;
const MULTIPLY_ADDS_INLINE = 1 << 19;

const MATMULS = new Set(['BatchMatMul', '_FusedMatMul']);
/** Bookkeeping kernels that share data and never reach XNNPACK: not wrapped. */
const NO_COMPUTE = new Set(['Identity', 'Reshape']);
const CONVOLUTIONS = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D']);

const size = (t: TensorInfo | undefined) => (t ? util.sizeFromShape(t.shape) : 0);

/** Whether a kernel call is small enough to run without the pool. */
function small(kernelName: string, inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap | undefined): boolean {
  if (MATMULS.has(kernelName)) {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const shared = attrs?.transposeA ? a.shape[a.shape.length - 2]! : a.shape[a.shape.length - 1]!;
    return (size(a) * size(b)) / shared < MULTIPLY_ADDS_INLINE;
  }
  const convolution = CONVOLUTIONS.has(kernelName);
  let work = convolution ? 1 : 0;
  for (const name in inputs) work = convolution ? work * size(inputs[name]) : Math.max(work, size(inputs[name]));
  return work < (convolution ? MULTIPLY_ADDS_INLINE : ELEMENTS_INLINE);
}

function inlineWhenSmall(kernel: KernelConfig): KernelFunc {
  return (args) => {
    const threadpool = activeThreadpoolSwitch();
    if (threadpool && small(kernel.kernelName, args.inputs, args.attrs)) return threadpool.inline(() => kernel.kernelFunc(args));
    return kernel.kernelFunc(args);
  };
}

/** Wrap all kernels registered for 'wasm' now (call after the last of them is registered). */
export function inlineSmallWasmKernels(): void {
  for (const kernel of getKernelsForBackend('wasm')) {
    if (NO_COMPUTE.has(kernel.kernelName)) continue;
    unregisterKernel(kernel.kernelName, 'wasm');
    registerKernel({ ...kernel, kernelFunc: inlineWhenSmall(kernel) });
  }
}
