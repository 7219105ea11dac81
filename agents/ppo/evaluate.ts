/**
 * Evaluation of a PPO agent's deterministic policy (the Gaussian's mean, the categorical's argmax)
 * on fresh envs with frozen normalisation statistics, or of the uniformly random policy measured the
 * same way (same env, seeds and episode count) as the baseline to beat. It leaves the agent's
 * training state alone (no random draws, no statistics updates), so evaluating mid-run does not
 * change training.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Env } from '../../envs/core/env.js';
import type { NDArray } from '../../envs/core/ndarray.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import { RecordEpisodeGif } from '../../envs/wrappers/record-episode-gif.js';
import { removeDeadTemporaries } from '../../envs/core/files.js';
import { type EnvSetup, makeEnv } from './observations.js';
import type { Ppo } from './ppo.js';

const GIF_TEMPORARY = /^\.tmp-gif-(\d+)-/;

export interface EvaluationOptions {
  episodes: number;
  /** Episode k is reset with seed + k. */
  seed: number;
  /** Write the first episode as an animated GIF here. */
  gif?: string;
  /** Act uniformly at random instead (the baseline); the agent is only used for its env setup. */
  random?: boolean;
}

export interface EvaluationResult {
  episodes: number;
  meanReturn: number;
  stdReturn: number;
  minReturn: number;
  maxReturn: number;
  meanLength: number;
  returns: number[];
  policy: 'deterministic' | 'random';
}

/** Mean and (population) standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length);
  return { mean, std: Math.sqrt(variance) };
}

export function evaluate(agent: Ppo, options: EvaluationOptions): EvaluationResult {
  const { config } = agent;
  const setup: EnvSetup = { envId: config.envId, pipeline: config.pipeline, pixels: config.pixels, envOptions: config.envOptions };
  let env: Env<unknown, unknown> = makeEnv(setup, options.gif !== undefined);
  // The recorder goes outermost, so that the pixel wrappers' probing reset is not its episode 0.
  // Recorded into a temporary folder beside the GIF (named by this process, so the next evaluation
  // can clean up what a killed one left), then the first episode is renamed into place.
  if (options.gif !== undefined) removeDeadTemporaries(dirname(options.gif), GIF_TEMPORARY);
  const gifFolder = options.gif === undefined ? undefined : mkdtempSync(join(dirname(options.gif), `.tmp-gif-${process.pid}-`));
  let recorder: RecordEpisodeGif<unknown, unknown> | undefined;
  if (gifFolder !== undefined) env = recorder = new RecordEpisodeGif(env, { folder: gifFolder, namePrefix: 'episode' });
  const returns: number[] = [];
  const lengths: number[] = [];
  try {
    env.actionSpace.seed(options.seed);
    for (let k = 0; k < options.episodes; k++) {
      let { observation } = env.reset({ seed: options.seed + k });
      let total = 0;
      let length = 0;
      for (;;) {
        const action = options.random ? env.actionSpace.sample() : singleAction(env.actionSpace instanceof Discrete, agent.actDeterministic(batched(observation), 1));
        const result = env.step(action);
        total += result.reward;
        length += 1;
        observation = result.observation;
        if (result.terminated || result.truncated) break;
      }
      returns.push(total);
      lengths.push(length);
    }
  } finally {
    env.close(); // writes a recording still open
    if (gifFolder !== undefined) {
      const first = recorder?.recordedPaths[0];
      if (first !== undefined && options.gif !== undefined) renameSync(first, options.gif);
      rmSync(gifFolder, { recursive: true, force: true });
    }
  }
  const { mean, std } = meanStd(returns);
  return {
    episodes: returns.length, meanReturn: mean, stdReturn: std, minReturn: Math.min(...returns), maxReturn: Math.max(...returns),
    meanLength: meanStd(lengths).mean, returns, policy: options.random ? 'random' : 'deterministic',
  };
}

/** One env's observation as a batch of one (the adapter's input). */
export function batched(observation: unknown): unknown {
  return typeof observation === 'number' ? { dtype: 'int32', shape: [1], data: Int32Array.of(observation) } : observation;
}

/** The single action of a batch of one, in the env's action type (a Discrete action is a number). */
export function singleAction(discrete: boolean, actions: NDArray): unknown {
  if (discrete) return actions.data[0]!;
  return { dtype: actions.dtype, shape: actions.shape.slice(1), data: actions.data };
}
