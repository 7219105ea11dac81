/**
 * A random-policy rollout over a vector env: throughput, episode count and mean return,
 * optionally recording env 0's first episode as frames.
 */
import { type Frame } from '../../envs/core/env.js';
import { makeVec, type VectorEnv } from '../../envs/vector/index.js';

export interface RolloutOptions {
  envId: string;
  /** make() options of the env (plain data: worker threads get a copy). */
  envOptions?: Readonly<Record<string, unknown>>;
  /** Environment transitions to take, summed over the vector's envs (autoreset steps not counted). */
  steps: number;
  seed: number;
  numEnvs: number;
  vectorization: 'sync' | 'async';
  /** Record the frames of env 0's first episode. */
  recordFirstEpisode: boolean;
  imports: string[];
  onProgress?: (stepsDone: number) => void;
}

export interface RolloutResult {
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  episodes: number;
  meanReturn: number | undefined;
  stdReturn: number | undefined;
  frames: Frame[];
}

export function randomRollout(options: RolloutOptions): RolloutResult {
  const vec: VectorEnv<unknown, unknown> = makeVec(options.envId, {
    ...options.envOptions,
    numEnvs: options.numEnvs,
    vectorizationMode: options.vectorization,
    imports: options.imports,
    ...(options.recordFirstEpisode ? { renderMode: 'rgb_array' as const } : {}),
  });
  try {
    vec.reset({ seed: options.seed });
    vec.actionSpace.seed(options.seed);
    const frames: Frame[] = [];
    let recording = options.recordFirstEpisode;
    if (recording) frames.push(vec.render()[0]!);
    const running = new Float64Array(options.numEnvs);
    // Next-step autoreset: the step after an episode ends only resets that env, so it is no transition.
    const resetting = new Array<boolean>(options.numEnvs).fill(false);
    const returns: number[] = [];
    let steps = 0;
    const start = performance.now();
    for (let t = 0; steps < options.steps; t++) {
      const { rewards, terminated, truncated } = vec.step(vec.actionSpace.sample());
      if (recording) frames.push(vec.render()[0]!);
      for (let i = 0; i < options.numEnvs; i++) {
        if (resetting[i]) {
          resetting[i] = false;
          continue;
        }
        steps += 1;
        running[i]! += rewards[i]!;
        if (terminated[i] || truncated[i]) {
          returns.push(running[i]!);
          running[i] = 0;
          resetting[i] = true;
          if (i === 0) recording = false;
        }
      }
      if (options.onProgress && (t & 255) === 255) options.onProgress(steps);
    }
    const seconds = (performance.now() - start) / 1000;
    const mean = returns.length > 0 ? returns.reduce((a, b) => a + b, 0) / returns.length : undefined;
    const std = mean === undefined ? undefined : Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
    return { steps, seconds, stepsPerSecond: steps / seconds, episodes: returns.length, meanReturn: mean, stdReturn: std, frames };
  } finally {
    vec.close();
  }
}
