/**
 * The benchmark workloads (W1 conv VAE, W2 E2C MLP, W3 PPO MLP; torch_reference.py builds the same
 * networks with PyTorch) as data: each network is written once as a list of layer specs, from which
 * workloads.ts builds the tfjs-layers model and trainingFlops counts its work. No TensorFlow.js here,
 * so `latentgym bench nn --help` can list the workloads without loading it.
 */

/** Steps taken before timing starts (compilation, allocation). */
export const WARMUP_STEPS = 2;

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

/** One layer of a workload network; convolutions are k4 s2 'same' (height and width halve or double). */
export type LayerSpec =
  | { kind: 'conv' | 'deconv'; filters: number; activation: Activation }
  | { kind: 'dense'; units: number; activation: Activation }
  | { kind: 'flatten' }
  | { kind: 'reshape'; shape: number[] };

export interface WorkloadSpec {
  id: 'W1' | 'W2' | 'W3';
  name: string;
  /** Shape of one input example (the batch axis excluded). */
  inputShape: number[];
  batch: number;
  layers: LayerSpec[];
}

export const KERNEL = 4;
export const STRIDE = 2;

const conv = (kind: 'conv' | 'deconv', filters: number, activation: Activation = 'relu'): LayerSpec => ({ kind, filters, activation });
const dense = (units: number, activation: Activation = 'relu'): LayerSpec => ({ kind: 'dense', units, activation });

export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'W1', name: 'conv VAE', inputShape: [64, 64, 3], batch: 32,
    layers: [
      conv('conv', 32), conv('conv', 64), conv('conv', 128), conv('conv', 256),
      { kind: 'flatten' }, dense(16, 'linear'), dense(4096), { kind: 'reshape', shape: [4, 4, 256] },
      conv('deconv', 128), conv('deconv', 64), conv('deconv', 32), conv('deconv', 3, 'sigmoid'),
    ],
  },
  {
    id: 'W2', name: 'E2C MLP', inputShape: [4608], batch: 128,
    layers: [dense(800), dense(800), dense(5, 'linear'), dense(800), dense(800), dense(4608, 'sigmoid')],
  },
  {
    id: 'W3', name: 'PPO MLP', inputShape: [16], batch: 64,
    layers: [dense(64, 'tanh'), dense(64, 'tanh'), dense(16, 'linear')],
  },
];

export function workload(id: string): WorkloadSpec {
  const spec = WORKLOADS.find((w) => w.id === id);
  if (!spec) throw new RangeError(`unknown workload '${id}'; valid: ${WORKLOADS.map((w) => w.id).join(', ')}`);
  return spec;
}

/**
 * Floating-point operations of one training step: 2 per multiply-add of the forward pass, of
 * the weight gradients and of the input gradients (all layers but the first, whose input needs
 * none). Element-wise work (activations, loss, Adam) is left out; it is small beside these.
 */
export function trainingFlops(spec: WorkloadSpec): number {
  let shape = spec.inputShape;
  let macs = 0;
  spec.layers.forEach((l, i) => {
    let layerMacs = 0;
    switch (l.kind) {
      case 'conv': {
        const [h, w, c] = shape as [number, number, number];
        shape = [Math.ceil(h / STRIDE), Math.ceil(w / STRIDE), l.filters];
        layerMacs = shape[0]! * shape[1]! * l.filters * KERNEL * KERNEL * c;
        break;
      }
      case 'deconv': {
        const [h, w, c] = shape as [number, number, number];
        layerMacs = h * w * c * KERNEL * KERNEL * l.filters;
        shape = [h * STRIDE, w * STRIDE, l.filters];
        break;
      }
      case 'dense':
        layerMacs = shape[shape.length - 1]! * l.units;
        shape = [...shape.slice(0, -1), l.units];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      case 'reshape':
        shape = l.shape;
        break;
    }
    macs += layerMacs * (i === 0 ? 2 : 3);
  });
  return 2 * macs * spec.batch;
}
