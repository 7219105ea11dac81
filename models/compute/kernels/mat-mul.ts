/**
 * BatchMatMul and _FusedMatMul for the wasm backend that always reach XNNPACK's GEMM.
 *
 * The wasm backend sends a product to XNNPACK only when neither operand is transposed and both
 * have batch size 1; every other product, which includes both products of every dense layer's
 * backward pass (dy·Wᵀ and xᵀ·dy), runs a scalar triple loop about 10x slower. XNNPACK computes
 * input·weights and first repacks the weights (the right operand), which costs more per element
 * than a copy; the GEMM itself runs at about 35 GFLOP/s on 2 threads. So each product becomes
 * whichever of these is cheapest in copies and packing (Transpose copies are done by wasm):
 *   direct   op(a)·op(b)        copies a if transposed, b if transposed; packs b
 *   swapped  (op(b)ᵀ·op(a)ᵀ)ᵀ   copies b if not transposed, a if not, and the result; packs a
 * e.g. a dense layer's dx = dy·Wᵀ is computed as (W·dyᵀ)ᵀ, which packs dy instead of W.
 * The batch axes of `a` fold into its rows when `b` is shared; products batched on both sides
 * keep the backend's own loop.
 */
import { BatchMatMul, _FusedMatMul, broadcast_util, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { release, reshape, run, transposeLast2 } from './wasm-heap.js';

interface MatMulAttrs extends NamedAttrMap {
  transposeA: boolean;
  transposeB: boolean;
}

interface MatMulInputs {
  a: TensorInfo;
  b: TensorInfo;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}

/**
 * Rough costs in ns on the wasm backend (2 threads): per element copied by Transpose, per kernel
 * launch, and per weight element packed by XNNPACK.
 */
const COPY_NS = 5;
const LAUNCH_NS = 20_000;
const PACK_NS = 9;

/** Rows and columns of the last two axes, as stored. */
function dims(x: TensorInfo): [number, number] {
  return [x.shape[x.shape.length - 2]!, x.shape[x.shape.length - 1]!];
}

/**
 * Whether to compute the product swapped (see the module comment). A fused bias or activation
 * cannot follow a result computed transposed, so fused products are always direct.
 */
function swapped(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, fused: boolean): boolean {
  // An untransposed product is the backend's own fast case; leave it as it is.
  if (fused || (!transposeA && !transposeB)) return false;
  const sizeA = util.sizeFromShape(a.shape);
  const sizeB = util.sizeFromShape(b.shape);
  const sizeOut = dims(a)[transposeA ? 1 : 0] * dims(b)[transposeB ? 0 : 1];
  const copy = (size: number, needed: boolean) => (needed ? COPY_NS * size + LAUNCH_NS : 0);
  const direct = copy(sizeA, transposeA) + copy(sizeB, transposeB) + PACK_NS * sizeB;
  const swap = copy(sizeA, !transposeA) + copy(sizeB, !transposeB) + copy(sizeOut, true) + PACK_NS * sizeA;
  return swap < direct;
}

/**
 * Wrap the backend's matmul kernel `original`. `fused` marks _FusedMatMul (bias, activation),
 * whose result cannot be computed transposed.
 */
function fastMatMul(original: KernelConfig, fused: boolean): KernelFunc {
  return ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as BackendWasm;
    const { a, b } = inputs as unknown as MatMulInputs;
    const { transposeA, transposeB } = attrs as MatMulAttrs;
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    if (batchB !== 1 || (batchA !== 1 && transposeA)) return run(original, backend, inputs, attrs);

    const temps: TensorInfo[] = [];
    const keep = (x: TensorInfo) => (temps.push(x), x);
    // Fold the batch axes of `a` into its rows (b is shared by every batch entry).
    const [ra, ca] = dims(a);
    const a2 = batchA === 1 ? a : keep(reshape(backend, a, [ra * batchA, ca]));
    const product = (x: TensorInfo, y: TensorInfo) =>
      run(original, backend, { ...inputs, a: x, b: y }, { ...attrs, transposeA: false, transposeB: false });
    // `x` itself, or a transposed copy of it.
    const operand = (x: TensorInfo, copy: boolean) => (copy ? keep(transposeLast2(backend, x)) : x);
    const out = swapped(a2, b, transposeA, transposeB, fused)
      ? transposeLast2(backend, keep(product(operand(b, !transposeB), operand(a2, !transposeA))))
      : product(operand(a2, transposeA), operand(b, transposeB));
    release(backend, ...temps);
    const [rows, cols] = dims(out);
    const batchShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const outShape = [...batchShape, rows / batchA, cols];
    if (util.arraysEqual(out.shape, outShape)) return out;
    const shaped = reshape(backend, out, outShape);
    release(backend, out);
    return shaped;
  };
}

/** Kernel configs replacing the backend's BatchMatMul and _FusedMatMul (`originals` by name). */
export function matMulKernels(originals: (name: string) => KernelConfig): KernelConfig[] {
  return [BatchMatMul, _FusedMatMul].map((kernelName) => {
    const original = originals(kernelName);
    return { ...original, kernelFunc: fastMatMul(original, kernelName === _FusedMatMul) };
  });
}
