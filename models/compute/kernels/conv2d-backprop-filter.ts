/**
 * Conv2DBackpropFilter for the wasm backend, which has none (so it cannot train a convolution).
 *
 *   dW[ky,kx,c,o] = sum over n,oy,ox of x[n, oy*s + ky - pad, ox*s + kx - pad, c] * dy[n,oy,ox,o]
 *
 * is itself a convolution that XNNPACK runs at full speed: the image batch transposed to
 * [c, H, W, n] (channels as the batch, the batch as channels) convolved, with stride 1, by dy
 * transposed to [oH, oW, n, o] as the filter, dilated by the stride; the [c, kh, kw, o] result is
 * transposed back. This beats im2col + GEMM by about 4x here: the patch matrix is never written,
 * and XNNPACK packs dy (the small operand) rather than the patches.
 */
import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { convGeometry } from './im2col.js';
import { release, run, wasmKernel } from './wasm-heap.js';

const conv2DBackpropFilter: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as BackendWasm;
  const { filterShape, ...geometry } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo) => (temps.push(t), t);
  let x = inputs.x!;
  const dy = inputs.dy!;
  const info = convGeometry(x.shape, filterShape, geometry);
  const { top, left } = info.padInfo;
  // Padding after the image that makes the output exactly kh x kw; negative when the last rows
  // or columns never meet the filter, which are then cut off.
  const bottom = info.filterHeight + (info.outHeight - 1) * info.strideHeight - info.inHeight - top;
  const right = info.filterWidth + (info.outWidth - 1) * info.strideWidth - info.inWidth - left;
  if (bottom < 0 || right < 0) {
    const size = [info.batchSize, info.inHeight + Math.min(bottom, 0), info.inWidth + Math.min(right, 0), info.inChannels];
    x = keep(run(wasmKernel('Slice'), backend, { x }, { begin: [0, 0, 0, 0], size }));
  }
  const transpose = (t: TensorInfo, perm: number[]) => keep(run(wasmKernel('Transpose'), backend, { x: t }, { perm }));
  const images = transpose(x, [3, 1, 2, 0]);
  const filter = transpose(dy, [1, 2, 0, 3]);
  const pad = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]];
  const dilations = [info.strideHeight, info.strideWidth];
  const grad = keep(run(wasmKernel('Conv2D'), backend, { x: images, filter }, { strides: 1, pad, dataFormat: 'NHWC', dilations }));
  const out = run(wasmKernel('Transpose'), backend, { x: grad }, { perm: [1, 2, 0, 3] });
  release(backend, ...temps);
  return out;
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
