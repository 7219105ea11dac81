/**
 * Convolution geometry, and col2im for NHWC convolutions: the fallback of Conv2DBackpropInput,
 * dx = col2im(dy · Wᵀ), for geometries its sub-pixel form does not cover.
 *
 * The patch matrix has one row per output position (n, oy, ox) and one column per filter tap
 * (ky, kx, c) - the row-major order of a [kh, kw, inC, outC] filter reshaped to [kh*kw*inC, outC].
 * col2im works on one Float32Array (the wasm heap) with element offsets, so nothing is copied in
 * or out of wasm.
 */
import { backend_util, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';

type ConvInfo = backend_util.Conv2DInfo;

/** Rows and columns of the patch matrix. */
export function patchShape(info: ConvInfo): [number, number] {
  return [info.batchSize * info.outHeight * info.outWidth, info.filterHeight * info.filterWidth * info.inChannels];
}

/**
 * Visit every (patch row, tap) pair whose input pixel lies inside the image: `visit(colStart,
 * pixelStart)` for each run of inChannels contiguous values. Taps over the padding are skipped.
 */
function forEachTapRun(info: ConvInfo, visit: (colStart: number, pixelStart: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const rowLength = filterHeight * filterWidth * c;
  let col = 0;
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight;
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, col += rowLength) {
        for (let ky = 0; ky < filterHeight; ky++) {
          const iy = oy * strideHeight - top + ky * dilationHeight;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kx = 0; kx < filterWidth; kx++) {
            const ix = ox * strideWidth - left + kx * dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            visit(col + (ky * filterWidth + kx) * c, ((image + iy) * inWidth + ix) * c);
          }
        }
      }
    }
  }
}

/** Sum the patch matrix at heap[cols] back into an NHWC image batch at heap[dx] (overwritten). */
export function col2im(heap: Float32Array, cols: number, dx: number, info: ConvInfo): void {
  heap.fill(0, dx, dx + info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  const c = info.inChannels;
  forEachTapRun(info, (col, pixel) => {
    const src = cols + col;
    const dst = dx + pixel;
    for (let i = 0; i < c; i++) heap[dst + i] = heap[dst + i]! + heap[src + i]!;
  });
}

/**
 * Geometry of an undilated 2-D convolution with the attributes of tf.conv2d's kernels. NHWC only,
 * as the wasm backend's own Conv2D (so no model on it can ask for NCHW gradients).
 */
export function convGeometry(
  xShape: number[], filterShape: number[],
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'dimRoundingMode' | 'dataFormat'>,
): ConvInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error("wasm backend convolution gradients support dataFormat 'NHWC' only");
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}
