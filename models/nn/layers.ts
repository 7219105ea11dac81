/**
 * Layers built from plain tf.Variables (no tfjs-layers): `variables` has a fixed order for
 * checkpoints and the optimiser, and initialisation comes from init.ts.
 *
 * Layouts are TensorFlow's: dense kernels [in, out]; images NHWC; conv filters [kh, kw, in, out].
 */
import * as tf from '@tensorflow/tfjs-core';
import { type InitOptions, orthogonal, variable } from './init.js';

export type Activation = 'tanh' | 'relu' | 'linear' | 'sigmoid';

/** Anything with trainable variables that maps a batch to a batch. */
export interface Module {
  readonly variables: readonly tf.Variable[];
  apply(x: tf.Tensor): tf.Tensor;
}

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh': return tf.tanh(x);
    case 'relu': return tf.relu(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'linear': return x;
  }
}

/** dL/dz from dL/dh, where h = activation(z) (expressed through h, which is kept). */
export function activationGrad(dh: tf.Tensor, h: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh': return tf.mul(dh, tf.sub(1, tf.square(h)));
    case 'relu': return tf.mul(dh, tf.step(h));
    case 'sigmoid': return tf.mul(dh, tf.mul(h, tf.sub(1, h)));
    case 'linear': return dh;
  }
}

/** y = x W + b, W [in, out], orthogonally initialised. */
export class Dense implements Module {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly inputs: number, readonly units: number, readonly activation: Activation, init: InitOptions) {
    // torch's weight is [out, in]; ours is its transpose.
    const w = orthogonal(units, inputs, init.gain, init.rng);
    const kernel = new Float32Array(inputs * units);
    for (let o = 0; o < units; o++) for (let i = 0; i < inputs; i++) kernel[i * units + o] = w[o * inputs + i]!;
    this.kernel = variable(kernel, [inputs, units], `${init.name ?? 'dense'}_kernel`);
    this.bias = variable(new Float32Array(units), [units], `${init.name ?? 'dense'}_bias`);
  }

  get variables(): tf.Variable[] {
    return [this.kernel, this.bias];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return activate(tf.fused.matMul({ a: x as tf.Tensor2D, b: this.kernel as tf.Tensor2D, bias: this.bias }), this.activation);
  }
}

export interface ConvSpec {
  filters: number;
  kernel: number;
  stride: number;
  padding?: 'valid' | 'same';
}

/** A 2-D convolution (NHWC) with bias and ReLU, orthogonally initialised as torch lays the filter out. */
export class Conv2d implements Module {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly inChannels: number, readonly spec: ConvSpec, readonly activation: 'relu' | 'linear', init: InitOptions) {
    const { filters, kernel: k } = spec;
    // torch's [out, in, kh, kw] flattened to [out, in * kh * kw], mapped to TF's [kh, kw, in, out].
    const w = orthogonal(filters, inChannels * k * k, init.gain, init.rng);
    const values = new Float32Array(k * k * inChannels * filters);
    for (let o = 0; o < filters; o++) {
      for (let c = 0; c < inChannels; c++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) values[((y * k + x) * inChannels + c) * filters + o] = w[o * inChannels * k * k + (c * k + y) * k + x]!;
        }
      }
    }
    this.filter = variable(values, [k, k, inChannels, filters], `${init.name ?? 'conv'}_filter`);
    this.bias = variable(new Float32Array(filters), [filters], `${init.name ?? 'conv'}_bias`);
  }

  get variables(): tf.Variable[] {
    return [this.filter, this.bias];
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.fused.conv2d({
      x: x as tf.Tensor4D, filter: this.filter as tf.Tensor4D, bias: this.bias, activation: this.activation,
      strides: this.spec.stride, pad: this.spec.padding ?? 'valid',
    });
  }

  /** Output [height, width] for an input of [height, width]. */
  outputSize(height: number, width: number): [number, number] {
    const { kernel: k, stride: s, padding = 'valid' } = this.spec;
    return padding === 'same'
      ? [Math.ceil(height / s), Math.ceil(width / s)]
      : [Math.floor((height - k) / s) + 1, Math.floor((width - k) / s) + 1];
  }
}

/**
 * A transposed 2-D convolution (NHWC, 'same' padding: output = input x stride) with bias and an
 * activation, orthogonally initialised as torch lays out ConvTranspose2d ([in, out, kh, kw]).
 */
export class ConvTranspose2d implements Module {
  readonly filter: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly inChannels: number, readonly spec: ConvSpec, readonly activation: Activation, init: InitOptions) {
    const { filters, kernel: k } = spec;
    const w = orthogonal(inChannels, filters * k * k, init.gain, init.rng);
    // TF's conv2dTranspose filter is [kh, kw, out, in].
    const values = new Float32Array(k * k * filters * inChannels);
    for (let c = 0; c < inChannels; c++) {
      for (let o = 0; o < filters; o++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++) values[((y * k + x) * filters + o) * inChannels + c] = w[c * filters * k * k + (o * k + y) * k + x]!;
        }
      }
    }
    this.filter = variable(values, [k, k, filters, inChannels], `${init.name ?? 'deconv'}_filter`);
    this.bias = variable(new Float32Array(filters), [filters], `${init.name ?? 'deconv'}_bias`);
  }

  get variables(): tf.Variable[] {
    return [this.filter, this.bias];
  }

  apply(x: tf.Tensor): tf.Tensor {
    const [n, h, w] = x.shape as [number, number, number, number];
    const s = this.spec.stride;
    const y = tf.conv2dTranspose(x as tf.Tensor4D, this.filter as tf.Tensor4D, [n, h * s, w * s, this.spec.filters], s, 'same');
    return activate(tf.add(y, this.bias), this.activation);
  }
}

/** Dispose of every variable of the modules. */
export function disposeModules(modules: readonly (Module | undefined)[]): void {
  for (const m of modules) if (m) tf.dispose(m.variables as tf.Variable[]);
}
