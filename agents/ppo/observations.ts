/**
 * The three observation pipelines behind PPO's one policy interface, and the envs they need:
 *
 * - 'state':  the env's low-dimensional observation (a Box, flattened; a Discrete, one-hot) feeds
 *             an MLP. Envs with an `observation` option (the incline envs) are made with 'state'.
 * - 'pixels': the env's rgb_array frame (PixelObservation), optionally resized, converted to
 *             grayscale and stacked over the last `frameStack` steps, feeds a CNN. The network
 *             sees one image [H, W, frameStack * channels] (stacked frames side by side in channels).
 * - 'latent': the same frames, mapped by an Encoder to a latent vector that feeds an MLP.
 *
 * An ObservationAdapter turns the vector env's batched observation into the network's layout.
 */
import type { Env } from '../../envs/core/env.js';
import { type NDArray, formatShape } from '../../envs/core/ndarray.js';
import { type MakeOptions, make, spec } from '../../envs/registration.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import type { Space } from '../../envs/core/space.js';
import { FrameStackObservation } from '../../envs/wrappers/frame-stack.js';
import { GrayscaleObservation } from '../../envs/wrappers/grayscale-observation.js';
import { PixelObservation } from '../../envs/wrappers/pixel-observation.js';
import { ResizeObservation } from '../../envs/wrappers/resize-observation.js';
import { makeVec } from '../../envs/vector/index.js';
import { SyncVectorEnv } from '../../envs/vector/sync-vector-env.js';
import type { VectorEnv } from '../../envs/vector/vector-env.js';
import { UnsupportedSpaceError } from '../errors.js';
import type { ObservationPipeline, PixelOptions } from './config.js';

export { OBSERVATION_PIPELINES, DEFAULT_PIXEL_OPTIONS, type ObservationPipeline, type PixelOptions } from './config.js';

/** Which env, seen through which pipeline. */
export interface EnvSetup {
  envId: string;
  pipeline: ObservationPipeline;
  pixels: PixelOptions;
  /** More make() options for the env (plain data). */
  envOptions?: Record<string, unknown>;
}

/** What the agent acts with: a Box (continuous, clipped to its bounds) or a Discrete. */
export type ActionSpec =
  | { kind: 'continuous'; size: number; low: number[]; high: number[]; dtype: 'float32' | 'float64' }
  | { kind: 'discrete'; n: number; start: number };

const usesPixels = (pipeline: ObservationPipeline) => pipeline !== 'state';

/** make() options for the pipeline: 'state' observations where the env offers them, frames at the target size. */
export function makeOptions(setup: EnvSetup, render: boolean): MakeOptions {
  const defaults = spec(setup.envId).defaults;
  const options: MakeOptions = { ...setup.envOptions };
  // Envs with an observation-mode option (incline: 'pixels' | 'state') simulate without drawing in
  // 'state' mode; the pixels pipelines draw through render(), once per step.
  if (defaults.observation !== undefined && defaults.observation !== 'state' && options.observation === undefined) options.observation = 'state';
  if (render || usesPixels(setup.pipeline)) options.renderMode = 'rgb_array';
  if (usesPixels(setup.pipeline) && 'renderWidth' in defaults && 'renderHeight' in defaults) {
    options.renderWidth ??= setup.pixels.frameSize;
    options.renderHeight ??= setup.pixels.frameSize;
  }
  return options;
}

/** The action spec of `space`, or a one-line error naming what is supported. */
export function actionSpec(space: Space<unknown>, envId: string): ActionSpec {
  if (space instanceof Discrete) return { kind: 'discrete', n: space.n, start: space.start };
  if (space instanceof Box && (space.dtype === 'float32' || space.dtype === 'float64')) {
    return { kind: 'continuous', size: space.size, low: Array.from(space.low), high: Array.from(space.high), dtype: space.dtype };
  }
  throw new UnsupportedSpaceError(`PPO acts in Box (float) and Discrete action spaces; ${envId} has ${space.toString()}`);
}

/** Check, on one probe env, that the pipeline can handle the env's spaces (one-line errors). */
export function checkEnvSpaces(setup: EnvSetup): { observationSpace: Space<unknown>; action: ActionSpec } {
  const probe = make(setup.envId, { ...makeOptions({ ...setup, pipeline: 'state' }, false) });
  try {
    const action = actionSpec(probe.actionSpace, setup.envId);
    const obs = probe.observationSpace;
    if (setup.pipeline === 'state' && !(obs instanceof Box) && !(obs instanceof Discrete)) {
      throw new UnsupportedSpaceError(`--obs state needs a Box or Discrete observation space; ${setup.envId} has ${obs.toString()} (try --obs pixels)`);
    }
    if (usesPixels(setup.pipeline) && !probe.metadata.renderModes.includes('rgb_array')) {
      throw new UnsupportedSpaceError(`--obs ${setup.pipeline} needs an env that renders rgb_array frames; ${setup.envId} renders none (try --obs state)`);
    }
    return { observationSpace: obs, action };
  } finally {
    probe.close();
  }
}

/** One env with the pipeline's wrappers (`render`: make it with renderMode 'rgb_array' in any case). */
export function makeEnv(setup: EnvSetup, render = false): Env<unknown, unknown> {
  const env = make(setup.envId, makeOptions(setup, render));
  if (!usesPixels(setup.pipeline)) return env;
  const { frameSize, grayscale, frameStack } = setup.pixels;
  let pixels: Env<NDArray<'uint8'>, unknown> = new PixelObservation(env);
  const [height, width] = (pixels.observationSpace as Box<'uint8'>).shape as [number, number];
  if (height !== frameSize || width !== frameSize) pixels = new ResizeObservation(pixels, [frameSize, frameSize]);
  if (grayscale) pixels = new GrayscaleObservation(pixels, { keepDim: true });
  if (frameStack > 1) pixels = new FrameStackObservation(pixels, frameStack);
  return pixels as Env<unknown, unknown>;
}

/**
 * `numEnvs` copies. 'state' uses makeVec ('async' runs each env in a worker thread); the pixel
 * pipelines wrap envs in this thread, so they run as a SyncVectorEnv.
 */
export function makeVecEnv(setup: EnvSetup, numEnvs: number, vectorization: 'sync' | 'async', imports: readonly string[] = []): VectorEnv {
  if (!usesPixels(setup.pipeline)) {
    return makeVec(setup.envId, { ...makeOptions(setup, false), numEnvs, vectorizationMode: vectorization, imports });
  }
  if (vectorization === 'async') {
    throw new UnsupportedSpaceError(`--vectorization async is for --obs state; the ${setup.pipeline} pipeline wraps its envs in this thread (use sync)`);
  }
  return new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => makeEnv(setup)));
}

/**
 * Converts a batch of env observations (an element of the batched observation space) into the
 * network's layout: float32 [N, features] for 'state', uint8 [N, H, W, stack * C] for frames.
 */
export class ObservationAdapter {
  /** The network input of one sample. */
  readonly inputShape: number[];
  readonly dtype: 'float32' | 'uint8';
  readonly size: number;
  private readonly stack: number;

  constructor(readonly space: Space<unknown>, readonly pipeline: ObservationPipeline, envId: string) {
    if (!usesPixels(pipeline)) {
      this.dtype = 'float32';
      this.stack = 1;
      if (space instanceof Discrete) this.inputShape = [space.n];
      else if (space instanceof Box) this.inputShape = [space.size];
      else throw new UnsupportedSpaceError(`--obs state needs a Box or Discrete observation space; ${envId} has ${space.toString()}`);
    } else {
      if (!(space instanceof Box) || space.dtype !== 'uint8' || (space.shape.length !== 3 && space.shape.length !== 4)) {
        throw new UnsupportedSpaceError(`--obs ${pipeline} needs uint8 frames [H, W, C] or stacks [k, H, W, C]; ${envId} gives ${space.toString()}`);
      }
      const [k, h, w, c] = space.shape.length === 4 ? space.shape : [1, ...space.shape];
      this.dtype = 'uint8';
      this.stack = k!;
      this.inputShape = [h!, w!, k! * c!];
    }
    this.size = this.inputShape.reduce((a, b) => a * b, 1);
  }

  /** The network input of `count` observations, row-major [count, ...inputShape]. */
  convert(observation: unknown, count: number): Float32Array | Uint8Array {
    if (this.space instanceof Discrete) {
      const indices = (observation as NDArray).data;
      const out = new Float32Array(count * this.size);
      for (let i = 0; i < count; i++) out[i * this.size + indices[i]! - this.space.start] = 1;
      return out;
    }
    const data = (observation as NDArray).data;
    if (data.length !== count * this.size) {
      throw new RangeError(`ObservationAdapter: got ${data.length} values for ${count} observations of ${formatShape(this.inputShape)}`);
    }
    if (this.dtype === 'float32') return Float32Array.from(data);
    if (this.stack === 1) return Uint8Array.from(data);
    // [N, k, H, W, C] -> [N, H, W, k * C]: the k frames of a pixel side by side.
    const [h, w, kc] = this.inputShape as [number, number, number];
    const k = this.stack;
    const c = kc / k;
    const pixels = h * w;
    const out = new Uint8Array(count * this.size);
    for (let n = 0; n < count; n++) {
      const base = n * this.size;
      for (let s = 0; s < k; s++) {
        for (let p = 0; p < pixels; p++) {
          for (let ch = 0; ch < c; ch++) out[base + p * kc + s * c + ch] = data[base + (s * pixels + p) * c + ch]!;
        }
      }
    }
    return out;
  }
}
