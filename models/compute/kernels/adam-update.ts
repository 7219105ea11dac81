/**
 * One Adam step of all of an optimiser's variables as a single kernel (for 'wasm' and 'cpu').
 * TensorFlow.js's AdamOptimizer spends about 15 kernels (and scalar uploads) per variable and
 * step, which for the small networks of PPO costs more than the network itself (every kernel has
 * a fixed cost). Inputs value<i>, m<i>, v<i>, gradient<i> for i < count; outputs the new value, m
 * and v of each variable in that order (the caller assigns them).
 */
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { f32Offset, heapF32, makeF32 } from './wasm-heap.js';

export const ADAM_UPDATE = 'LatentGymAdamUpdate';

export interface AdamUpdateAttrs extends NamedAttrMap {
  /** Number of variables. */
  count: number;
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for step t (from 1): the bias corrections. */
  correction1: number;
  correction2: number;
}

/** The update over `n` elements of arrays given as (array, offset) pairs; outputs may not alias inputs. */
function adamLoop(
  n: number, a: AdamUpdateAttrs,
  [p, pi]: [Float32Array, number], [m, mi]: [Float32Array, number], [v, vi]: [Float32Array, number], [g, gi]: [Float32Array, number],
  [pOut, po]: [Float32Array, number], [mOut, mo]: [Float32Array, number], [vOut, vo]: [Float32Array, number],
): void {
  const { beta1, beta2, epsilon } = a;
  const step = a.learningRate / a.correction1;
  const invC2 = 1 / a.correction2;
  for (let i = 0; i < n; i++) {
    const gi_ = g[gi + i]!;
    const m1 = beta1 * m[mi + i]! + (1 - beta1) * gi_;
    const v1 = beta2 * v[vi + i]! + (1 - beta2) * gi_ * gi_;
    mOut[mo + i] = m1;
    vOut[vo + i] = v1;
    pOut[po + i] = p[pi + i]! - (step * m1) / (Math.sqrt(v1 * invC2) + epsilon);
  }
}

const INPUTS = ['value', 'm', 'v', 'gradient'] as const;

/** Input name of `role` of variable `i`. */
export const adamInput = (role: (typeof INPUTS)[number], i: number) => `${role}${i}`;

type Inputs = Record<string, TensorInfo | undefined>;

const wasmAdam: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as BackendWasm;
  const a = attrs as AdamUpdateAttrs;
  const variables = Array.from({ length: a.count }, (_, i) => INPUTS.map((role) => (inputs as Inputs)[adamInput(role, i)]!));
  const outs = variables.map(([value]) => [0, 1, 2].map(() => makeF32(backend, value!.shape)));
  const heap = heapF32(backend); // after the last allocation
  const at = (t: TensorInfo): [Float32Array, number] => [heap, f32Offset(backend, t)];
  variables.forEach(([p, m, v, g], i) => {
    const [pOut, mOut, vOut] = outs[i]!;
    adamLoop(util.sizeFromShape(p!.shape), a, at(p!), at(m!), at(v!), at(g!), at(pOut!), at(mOut!), at(vOut!));
  });
  return outs.flat();
};

const cpuAdam: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as MathBackendCPU;
  const a = attrs as AdamUpdateAttrs;
  const values = (t: TensorInfo): [Float32Array, number] => [backend.data.get(t.dataId)!.values as Float32Array, 0];
  return Array.from({ length: a.count }, (_, i) => {
    const [p, m, v, g] = INPUTS.map((role) => (inputs as Inputs)[adamInput(role, i)]!);
    const n = util.sizeFromShape(p!.shape);
    const outs = [0, 1, 2].map(() => new Float32Array(n));
    adamLoop(n, a, values(p!), values(m!), values(v!), values(g!), [outs[0]!, 0], [outs[1]!, 0], [outs[2]!, 0]);
    return outs.map((out) => backend.makeTensorInfo(p!.shape, 'float32', out));
  }).flat();
};

export const adamUpdateConfigs: KernelConfig[] = [
  { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: wasmAdam },
  { kernelName: ADAM_UPDATE, backendName: 'cpu', kernelFunc: cpuAdam },
];
