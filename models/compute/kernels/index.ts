/**
 * The kernels that let the wasm backend train this project's models fast (see each module).
 * Importing @tensorflow/tfjs-backend-wasm registers the backend's kernels; these replace or add
 * to them (the fused Adam update is registered for 'cpu' too).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { matMulKernels } from './mat-mul.js';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { adamUpdateConfigs } from './adam-update.js';
import { tanhConfig } from './tanh.js';
import { inlineSmallWasmKernels } from './inline-small.js';


let registered = false;

/** Register the kernels (once; later calls do nothing). Call before the wasm backend is first set. */
export function registerTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const originals = new Map<string, KernelConfig>();
  const original = (name: string): KernelConfig => {
    const kernel = originals.get(name) ?? getKernel(name, 'wasm');
    if (kernel === undefined) throw new Error(`the wasm backend has no '${name}' kernel to wrap`);
    originals.set(name, kernel);
    return kernel;
  };
  for (const config of [...matMulKernels(original), conv2DBackpropFilterConfig, conv2DBackpropInputConfig, tanhConfig, ...adamUpdateConfigs]) {
    if (getKernel(config.kernelName, config.backendName) !== undefined) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  inlineSmallWasmKernels();
}
