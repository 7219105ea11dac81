/**
 * The individual API rules shared by the passive checker (first reset/step/render of every made env)
 * and `checkEnv` (an active, thorough check). A broken contract throws `EnvContractError`;
 * something legal but suspicious goes to `warn`.
 */
import type { Env, Frame, ResetResult, StepResult } from './core/env.js';
import { RENDER_MODES } from './core/env.js';
import { EnvContractError } from './core/errors.js';
import { isNDArray } from './core/ndarray.js';
import { Box } from './spaces/box.js';
import { Space } from './core/space.js';

export type Warn = (message: string) => void;

function fail(env: Env<unknown, unknown>, message: string): never {
  throw new EnvContractError(`${env.toString()}: ${message}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkSpaces(env: Env<unknown, unknown>, warn?: Warn): void {
  if (!(env.observationSpace instanceof Space)) fail(env, 'observationSpace is not a Space');
  if (!(env.actionSpace instanceof Space)) fail(env, 'actionSpace is not a Space');
  const { renderModes, renderFps } = env.metadata;
  if (!Array.isArray(renderModes) || renderModes.some((m) => !RENDER_MODES.includes(m))) {
    fail(env, `metadata.renderModes must list modes among ${RENDER_MODES.join(', ')}`);
  }
  if (!(typeof renderFps === 'number' && renderFps > 0)) fail(env, 'metadata.renderFps must be a positive number');
  if (env.renderMode !== undefined && !renderModes.includes(env.renderMode)) {
    fail(env, `renderMode '${env.renderMode}' is not in metadata.renderModes [${renderModes.join(', ')}]`);
  }
  const action = env.actionSpace;
  if (warn && action instanceof Box && action.dtype.startsWith('float')) {
    const symmetric = action.low.every((lo, i) => lo === -action.high[i]!);
    if (!symmetric || !action.isBounded()) {
      warn(`${env.toString()}: continuous action space ${action.toString()} is not symmetric and bounded; agents assume [-1, 1]-like spaces (use RescaleAction)`);
    }
  }
}

export function checkObservation(env: Env<unknown, unknown>, observation: unknown, where: string, warn: Warn): void {
  const why = env.observationSpace.explain(observation);
  if (why !== undefined) warn(`${env.toString()}: the observation returned by ${where} is not in the observation space: ${why}`);
}

export function checkResetResult(env: Env<unknown, unknown>, result: ResetResult<unknown>, warn: Warn): void {
  if (!isPlainObject(result) || !('observation' in result) || !('info' in result)) {
    fail(env, 'reset() must return {observation, info}');
  }
  if (!isPlainObject(result.info)) fail(env, `reset() info must be a plain object, got ${typeof result.info}`);
  checkObservation(env, result.observation, 'reset()', warn);
}

export function checkStepResult(env: Env<unknown, unknown>, result: StepResult<unknown>, warn: Warn): void {
  if (!isPlainObject(result)) fail(env, 'step() must return {observation, reward, terminated, truncated, info}');
  for (const key of ['observation', 'reward', 'terminated', 'truncated', 'info'] as const) {
    if (!(key in result)) fail(env, `step() result lacks '${key}'`);
  }
  if (typeof result.reward !== 'number') fail(env, `step() reward must be a number, got ${typeof result.reward}`);
  if (!Number.isFinite(result.reward)) fail(env, `step() reward is ${result.reward}; rewards must be finite`);
  if (typeof result.terminated !== 'boolean') fail(env, `step() terminated must be a boolean, got ${typeof result.terminated}`);
  if (typeof result.truncated !== 'boolean') fail(env, `step() truncated must be a boolean, got ${typeof result.truncated}`);
  if (!isPlainObject(result.info)) fail(env, `step() info must be a plain object, got ${typeof result.info}`);
  checkObservation(env, result.observation, 'step()', warn);
}

export function checkRenderedFrame(env: Env<unknown, unknown>, frame: Frame | undefined): void {
  if (env.renderMode === undefined) {
    if (frame !== undefined) fail(env, 'render() must return undefined when renderMode is undefined');
    return;
  }
  if (!isNDArray(frame) || frame.dtype !== 'uint8' || frame.shape.length !== 3 || frame.shape[2] !== 3) {
    fail(env, `render() in 'rgb_array' mode must return a uint8 NDArray of shape [H, W, 3], got ${isNDArray(frame) ? `${frame.dtype} [${frame.shape.join(', ')}]` : typeof frame}`);
  }
  if (frame.data.length !== frame.shape[0]! * frame.shape[1]! * 3 || frame.shape[0]! <= 0 || frame.shape[1]! <= 0) {
    fail(env, 'render() frame data does not match its shape');
  }
}
