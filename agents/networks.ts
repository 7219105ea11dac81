/**
 * Networks built from plain tf.Variables (no tfjs-layers): initialisation comes from our own seeded
 * Rng, so a seed gives the same weights on every backend, and `variables` has a fixed order for
 * checkpoints and the optimiser.
 *
 * Layouts are TensorFlow's: dense kernels [in, out]; images NHWC; conv filters [kh, kw, in, out].
 * Initialisation is CleanRL's `layer_init`: orthogonal weights with a gain, zero biases.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../envs/core/rng.js';
import { AgentConfigError } from './errors.js';

export type Activation = 'tanh' | 'relu' | 'linear' | 'sigmoid';

/** Anything with trainable variables that maps a batch to a batch. */
export interface Module {
  readonly variables: readonly tf.Variable[];
  apply(x: tf.Tensor): tf.Tensor;
}

/**
 * A [rows, cols] matrix (row-major, float64) with orthonormal rows or columns, whichever are fewer,
 * times `gain` (torch.nn.init.orthogonal_): the Q of a QR factorisation of a Gaussian matrix, with
 * the signs fixed so that R has a positive diagonal. QR here is modified Gram-Schmidt, twice.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float64Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const q = new Float64Array(m * n); // column j of the tall matrix at q[j * m ...]
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    const cj = q.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const ck = q.subarray(k * m, (k + 1) * m);
        let dot = 0;
        for (let i = 0; i < m; i++) dot += ck[i]! * cj[i]!;
        for (let i = 0; i < m; i++) cj[i] = cj[i]! - dot * ck[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += cj[i]! * cj[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) cj[i] = cj[i]! / norm;
  }
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // Tall (rows >= cols): Q itself; wide: Q transposed.
      out[r * cols + c] = gain * (rows >= cols ? q[c * m + r]! : q[r * m + c]!);
    }
  }
  return out;
}

let nextId = 0;
/** A trainable variable with a name unique in this process (tf.Variable names must be). */
export function variable(values: Float32Array, shape: number[], name: string): tf.Variable {
  return tf.variable(tf.tensor(values, shape, 'float32'), true, `${name}_${nextId++}`);
}

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh': return tf.tanh(x);
    case 'relu': return tf.relu(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'linear': return x;
  }
}

/** dL/dz from dL/dh, where h = activation(z) (expressed through h, which is kept). */
function activationGrad(dh: tf.Tensor, h: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'tanh': return tf.mul(dh, tf.sub(1, tf.square(h)));
    case 'relu': return tf.mul(dh, tf.step(h));
    case 'sigmoid': return tf.mul(dh, tf.mul(h, tf.sub(1, h)));
    case 'linear': return dh;
  }
}

export interface InitOptions {
  /** Orthogonal gain: sqrt(2) for hidden layers, 0.01 for the policy output, 1 for the value output. */
  gain: number;
  rng: Rng;
  name?: string;
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

export interface MlpOptions {
  /** Hidden layer activation; the output layer is linear. */
  activation: 'tanh' | 'relu';
  hiddenGain: number;
  outputGain: number;
  rng: Rng;
  name?: string;
}

/**
 * A multi-layer perceptron with `sizes` = [in, hidden..., out]. Its backward pass is written out
 * (tf.customGrad): for the 64-unit networks of PPO, TensorFlow.js's generic gradients spend more
 * time in per-kernel overhead (reshapes, casts, identities) than in arithmetic, and the written-out
 * pass needs about a third of the kernels. Tests check it against finite differences.
 */
export class Mlp implements Module {
  readonly layers: Dense[];
  private readonly run: (...inputs: tf.Tensor[]) => tf.Tensor;

  constructor(readonly sizes: readonly number[], readonly options: MlpOptions) {
    if (sizes.length < 2) throw new RangeError(`Mlp: needs at least input and output sizes, got [${sizes.join(', ')}]`);
    const last = sizes.length - 2;
    this.layers = sizes.slice(1).map((units, l) => new Dense(sizes[l]!, units, l === last ? 'linear' : options.activation, {
      gain: l === last ? options.outputGain : options.hiddenGain, rng: options.rng, name: `${options.name ?? 'mlp'}_${l}`,
    }));
    const act = options.activation;
    this.run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args[args.length - 1] as tf.GradSaveFunc;
      let h = args[0] as tf.Tensor;
      const inputs: tf.Tensor[] = []; // the input of every layer, kept for the backward pass
      this.layers.forEach((layer, l) => {
        inputs.push(h);
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: layer.kernel as tf.Tensor2D, bias: layer.bias });
        if (l < last) h = activate(h, act);
      });
      save(inputs);
      return {
        value: h,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const grads: tf.Tensor[] = [];
          let delta = dy; // dL/d(pre-activation) of layer l
          for (let l = last; l >= 0; l--) {
            const input = saved[l]!;
            grads.push(tf.sum(delta, 0), tf.matMul(input, delta, true, false)); // bias, then kernel (reversed below)
            delta = tf.matMul(delta, this.layers[l]!.kernel, false, true);
            if (l > 0) delta = activationGrad(delta, input, act);
          }
          return [delta, ...grads.reverse()]; // [dx, dW0, db0, dW1, db1, ...]
        },
      };
    });
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((layer) => layer.variables);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.run(x, ...this.variables);
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

/** The Nature-DQN convolutions (SB3's NatureCNN, CleanRL's Atari PPO), for frames of 36 px or more. */
export const NATURE_CNN: readonly ConvSpec[] = [
  { filters: 32, kernel: 8, stride: 4 },
  { filters: 64, kernel: 4, stride: 2 },
  { filters: 64, kernel: 3, stride: 1 },
];

/**
 * Convolutions, flatten, one dense layer with ReLU: the shared trunk of the pixels policy. Input
 * [B, H, W, C] floats in [0, 1]; output [B, features].
 */
export class CnnTrunk implements Module {
  readonly convs: Conv2d[];
  readonly dense: Dense;
  readonly flatSize: number;

  constructor(readonly inputShape: readonly [number, number, number], convs: readonly ConvSpec[], readonly features: number, rng: Rng) {
    let [h, w, c] = inputShape;
    this.convs = convs.map((spec, i) => {
      const conv = new Conv2d(c, spec, 'relu', { gain: Math.SQRT2, rng, name: `cnn_${i}` });
      [h, w] = conv.outputSize(h, w);
      c = spec.filters;
      if (h < 1 || w < 1) {
        throw new AgentConfigError(`CnnTrunk: frames of ${inputShape[0]}x${inputShape[1]} are too small for convolution ${i + 1} (kernel ${spec.kernel}, stride ${spec.stride}); use larger frames (--frame-size)`);
      }
      return conv;
    });
    this.flatSize = h * w * c;
    this.dense = new Dense(this.flatSize, features, 'relu', { gain: Math.SQRT2, rng, name: 'cnn_dense' });
  }

  get variables(): tf.Variable[] {
    return [...this.convs.flatMap((c) => c.variables), ...this.dense.variables];
  }

  apply(x: tf.Tensor): tf.Tensor {
    let h = x;
    for (const conv of this.convs) h = conv.apply(h);
    return this.dense.apply(tf.reshape(h, [h.shape[0]!, this.flatSize]));
  }
}

/** Dispose of every variable of the modules. */
export function disposeModules(modules: readonly (Module | undefined)[]): void {
  for (const m of modules) if (m) tf.dispose(m.variables as tf.Variable[]);
}
