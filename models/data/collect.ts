/**
 * Collecting a transition dataset: K envs stepped in lockstep (env i reset with seed + i), the
 * rendered frame recorded before and after every step beside the low-dimensional state.
 */
import { make, type MakeOptions } from '../../envs/registration.js';
import { spec as envSpec } from '../../envs/registration.js';
import type { Env } from '../../envs/core/env.js';
import { isNDArray } from '../../envs/core/ndarray.js';
import { deriveSeed } from '../../envs/core/rng.js';
import { ModelConfigError } from '../errors.js';
import { FLAG_EPISODE_START, FLAG_TERMINATED, FLAG_TRUNCATED, TransitionDatasetWriter, type TransitionManifest } from './transitions.js';

/** Chooses the actions of the K envs from their current observations (null: sample the action space). */
export type CollectPolicy = ((observations: readonly unknown[]) => unknown[]) | null;

export interface CollectOptions {
  envId: string;
  envOptions?: Record<string, unknown>;
  steps: number;
  numEnvs?: number;
  seed?: number;
  /** Frame side for envs with renderWidth/renderHeight options (default 64). */
  frameSize?: number;
  /** Env i made as `Prefix-v{i mod 6}` (GeomOnIncline-* / MeshOnIncline-*). */
  mixedObjects?: boolean;
  policy?: CollectPolicy;
  /**
   * Makes env i (id: its env id; options: the env options with renderMode 'rgb_array' and the frame
   * size). Default: make(id, options). A policy that needs wrappers (a pixel pipeline's resize and
   * frame stack) wraps the env here; frames are always rendered by the innermost env.
   */
  makeEnv?: (id: string, index: number, options: Record<string, unknown>) => Env<unknown, unknown>;
  out: string;
  chunkSize?: number;
  meta?: Record<string, unknown>;
  onProgress?: (done: number) => void;
}

/** The env ids of a collection: the same id K times, or XOnIncline-v{i mod 6} with mixed objects. */
export function collectEnvIds(envId: string, numEnvs: number, mixedObjects: boolean): string[] {
  if (!mixedObjects) return Array.from({ length: numEnvs }, () => envId);
  const match = /^(GeomOnIncline|MeshOnIncline)-v\d+$/.exec(envId);
  if (match === null) throw new ModelConfigError(`--mixed-objects needs a GeomOnIncline-vN or MeshOnIncline-vN env, got '${envId}'`);
  return Array.from({ length: numEnvs }, (_, i) => `${match[1]}-v${i % 6}`);
}

function toNumbers(value: unknown, what: string): ArrayLike<number> {
  if (typeof value === 'number') return [value];
  if (isNDArray(value)) return value.data as ArrayLike<number>;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value;
  throw new ModelConfigError(`cannot record the ${what} of this env as numbers (got ${typeof value})`);
}

export function collectTransitions(options: CollectOptions): TransitionManifest {
  const numEnvs = options.numEnvs ?? 1;
  const seed = options.seed ?? 0;
  const frameSize = options.frameSize ?? 64;
  const ids = collectEnvIds(options.envId, numEnvs, options.mixedObjects ?? false);
  const envs: Env<unknown, unknown>[] = [];
  try {
    for (const id of ids) envs.push((() => {
    const defaults = envSpec(id).defaults as Record<string, unknown>;
    const sized = 'renderWidth' in defaults ? { renderWidth: frameSize, renderHeight: frameSize } : {};
    const makeOptions: Record<string, unknown> = { ...options.envOptions, ...sized, renderMode: 'rgb_array' };
    return options.makeEnv ? options.makeEnv(id, envs.length, makeOptions) : make(id, makeOptions as MakeOptions);
  })());
  } catch (error) {
    for (const env of envs) env.close(); // the envs made before the one that failed
    throw error;
  }
  try {
    const render = (env: Env<unknown, unknown>) => {
      const frame = env.unwrapped.render();
      if (!isNDArray(frame) || frame.dtype !== 'uint8') throw new ModelConfigError(`${options.envId} renders no uint8 rgb_array frame`);
      return frame;
    };
    const lowDim = (observation: unknown, info: Record<string, unknown>) =>
      Array.isArray(info['lowDim']) ? (info['lowDim'] as number[]) : toNumbers(observation, 'state (no info.lowDim, and the observation is not a vector)');
    const amlIds = (info: Record<string, unknown>) => {
      const aml = info['aml'] as { objectId?: number; textureId?: number } | undefined;
      return [aml?.objectId ?? -1, aml?.textureId ?? -1];
    };
    const observations: unknown[] = [];
    const infos: Record<string, unknown>[] = [];
    envs.forEach((env, i) => {
      env.actionSpace.seed(deriveSeed(seed, 'collect-actions') + i);
      const { observation, info } = env.reset({ seed: seed + i });
      observations.push(observation);
      infos.push(info as Record<string, unknown>);
    });
    let frames = envs.map(render);
    let states = envs.map((_, i) => Array.from(lowDim(observations[i], infos[i]!)));
    const start = new Array<boolean>(numEnvs).fill(true);
    const episodes = new Array<number>(numEnvs).fill(0);
    const firstAction = toNumbers(envs[0]!.actionSpace.sample(), 'action');
    const writer = new TransitionDatasetWriter(options.out, {
      frame: frames[0]!.shape, actionDim: firstAction.length, stateDim: states[0]!.length,
    }, {
      chunkSize: options.chunkSize,
      meta: {
        envId: options.envId, envIds: ids, envOptions: options.envOptions ?? {}, frameSize, numEnvs, steps: options.steps,
        seeds: { seed, envResetSeeds: ids.map((_, i) => seed + i), actionSampler: `deriveSeed(seed, 'collect-actions') + i` },
        mixedObjects: options.mixedObjects ?? false, ...options.meta,
      },
    });
    let done = 0;
    while (done < options.steps) {
      const actions = options.policy ? options.policy(observations) : envs.map((env) => env.actionSpace.sample());
      for (let i = 0; i < numEnvs && done < options.steps; i++) {
        const env = envs[i]!;
        const result = env.step(actions[i]);
        const info = result.info as Record<string, unknown>;
        const nextFrame = render(env);
        const nextState = Array.from(lowDim(result.observation, info));
        writer.append({
          frame: frames[i]!.data as Uint8Array, nextFrame: nextFrame.data as Uint8Array, action: toNumbers(actions[i], 'action'),
          reward: result.reward, state: states[i]!, nextState, ids: [i, episodes[i]!, ...amlIds(info)],
          flags: (result.terminated ? FLAG_TERMINATED : 0) | (result.truncated ? FLAG_TRUNCATED : 0) | (start[i] ? FLAG_EPISODE_START : 0),
        });
        done++;
        start[i] = false;
        if (result.terminated || result.truncated) {
          const reset = env.reset();
          observations[i] = reset.observation;
          frames[i] = render(env);
          states[i] = Array.from(lowDim(reset.observation, reset.info as Record<string, unknown>));
          start[i] = true;
          episodes[i]!++;
        } else {
          observations[i] = result.observation;
          frames[i] = nextFrame;
          states[i] = nextState;
        }
      }
      options.onProgress?.(done);
    }
    return writer.finish();
  } finally {
    for (const env of envs) env.close();
  }
}
