/**
 * Conv2DBackpropInput for the wasm backend: the input gradient of a convolution and the forward
 * pass of a transposed convolution. The backend's own kernel is a scalar loop, about 10x slower
 * than its convolution.
 *
 * Usual case (equal strides s dividing the image size): sub-pixel convolution. Output pixels
 * (s*q + ay, s*q' + ax) of one phase (ay, ax) receive only the filter taps ky = ry (mod s),
 * kx = rx (mod s), so each phase is a stride-1 convolution of dy with those taps flipped, run by
 * XNNPACK; the s*s phase images are then interleaved into dx (a copy; the backend's
 * DepthToSpace, which could do it, takes ~45 ns per element).
 * Otherwise: dx = col2im(dy · Wᵀ), the product by XNNPACK through the BatchMatMul kernel.
 */
import { Conv2DBackpropInput, type backend_util, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { col2im, convGeometry, patchShape } from './im2col.js';
import { f32Offset, heapF32, makeF32, release, reshape, run, wasmKernel } from './wasm-heap.js';

type ConvInfo = backend_util.Conv2DInfo;

/** One axis of one phase: its first tap, tap count, and the padding of its stride-1 convolution. */
interface AxisPhase {
  firstTap: number;
  taps: number;
  padBefore: number;
  padAfter: number;
}

/**
 * The phases along one axis (image size `size`, filter `k`, stride `s`, padding `pad` before,
 * dy size `dySize`), or undefined when the sub-pixel form does not apply.
 */
function axisPhases(size: number, k: number, s: number, pad: number, dySize: number): AxisPhase[] | undefined {
  if (size % s !== 0 || k < s) return undefined;
  const phases: AxisPhase[] = [];
  for (let a = 0; a < s; a++) {
    const firstTap = (a + pad) % s;
    const shift = (a + pad - firstTap) / s; // dx[s*q + a] takes dy[q + shift - j] * W[firstTap + j*s]
    const taps = Math.ceil((k - firstTap) / s);
    const padBefore = taps - 1 - shift;
    const padAfter = size / s - dySize + shift;
    if (padBefore < 0 || padAfter < 0) return undefined;
    phases.push({ firstTap, taps, padBefore, padAfter });
  }
  return phases;
}

/** Write the flipped taps of phase (py, px) as a [taps_y, taps_x, outC, inC] filter at heap[out]. */
function phaseFilter(heap: Float32Array, w: number, out: number, info: ConvInfo, py: AxisPhase, px: AxisPhase): void {
  const { filterWidth, inChannels, outChannels, strideHeight, strideWidth } = info;
  let o = out;
  for (let ty = 0; ty < py.taps; ty++) {
    const ky = py.firstTap + (py.taps - 1 - ty) * strideHeight;
    for (let tx = 0; tx < px.taps; tx++) {
      const kx = px.firstTap + (px.taps - 1 - tx) * strideWidth;
      const tap = w + (ky * filterWidth + kx) * inChannels * outChannels;
      for (let co = 0; co < outChannels; co++) {
        for (let ci = 0; ci < inChannels; ci++) heap[o++] = heap[tap + ci * outChannels + co]!;
      }
    }
  }
}

function subPixel(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo, rows: AxisPhase[], cols: AxisPhase[]): TensorInfo {
  const phases = rows.flatMap((py) => cols.map((px) => [py, px] as const));
  const filters = phases.map(([py, px]) => makeF32(backend, [py.taps, px.taps, info.outChannels, info.inChannels]));
  const heap = heapF32(backend);
  phases.forEach(([py, px], i) => phaseFilter(heap, f32Offset(backend, filter), f32Offset(backend, filters[i]!), info, py, px));
  const outputs = phases.map(([py, px], i) => run(wasmKernel('Conv2D'), backend, { x: dy, filter: filters[i]! }, {
    strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [py.padBefore, py.padAfter], [px.padBefore, px.padAfter], [0, 0]],
  }));
  release(backend, ...filters);
  if (outputs.length === 1) return outputs[0]!;
  const dx = makeF32(backend, [info.batchSize, info.inHeight, info.inWidth, info.inChannels]);
  const out = heapF32(backend);
  phases.forEach(([py, px], i) => interleave(out, f32Offset(backend, outputs[i]!), f32Offset(backend, dx), info, rows.indexOf(py), cols.indexOf(px)));
  release(backend, ...outputs);
  return dx;
}

/** Copy phase (ay, ax)'s image, [n, H/s, W/s, c] at heap[phase], to pixels (s*q + ay, s*q' + ax) of dx. */
function interleave(heap: Float32Array, phase: number, dx: number, info: ConvInfo, ay: number, ax: number): void {
  const { batchSize, inHeight, inWidth, inChannels: c, strideHeight: s } = info;
  const [hq, wq] = [inHeight / s, inWidth / s];
  let src = phase;
  for (let n = 0; n < batchSize; n++) {
    for (let q = 0; q < hq; q++) {
      let dst = dx + ((n * inHeight + s * q + ay) * inWidth + ax) * c;
      for (let r = 0; r < wq; r++, src += c, dst += s * c) {
        if (c >= 16) heap.copyWithin(dst, src, src + c);
        else for (let k = 0; k < c; k++) heap[dst + k] = heap[src + k]!;
      }
    }
  }
}

function viaCol2im(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: ConvInfo, inputShape: number[]): TensorInfo {
  const [rows, width] = patchShape(info);
  const dy2 = reshape(backend, dy, [rows, info.outChannels]);
  const w2 = reshape(backend, filter, [width, info.outChannels]);
  const cols = run(wasmKernel('BatchMatMul'), backend, { a: dy2, b: w2 }, { transposeA: false, transposeB: true });
  const dx = makeF32(backend, inputShape);
  col2im(heapF32(backend), f32Offset(backend, cols), f32Offset(backend, dx), info);
  release(backend, dy2, w2, cols);
  return dx;
}

const conv2DBackpropInput: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as BackendWasm;
  const { inputShape, ...geometry } = attrs as unknown as Conv2DBackpropInputAttrs;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convGeometry(inputShape, filter.shape, geometry);
  const rows = axisPhases(info.inHeight, info.filterHeight, info.strideHeight, info.padInfo.top, info.outHeight);
  const cols = axisPhases(info.inWidth, info.filterWidth, info.strideWidth, info.padInfo.left, info.outWidth);
  return rows && cols && info.strideHeight === info.strideWidth
    ? subPixel(backend, dy, filter, info, rows, cols)
    : viaCol2im(backend, dy, filter, info, inputShape);
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput,
};
