/**
 * `checkEnv`: an active check of an environment against the API, in the spirit of Gymnasium's
 * `check_env`. It resets, seeds, steps and renders the env and throws `EnvContractError` on the
 * first broken rule; legal-but-suspicious findings are returned as warnings.
 */
import { Env, type RenderMode } from './core/env.js';
import { EnvContractError } from './core/errors.js';
import { isNDArray, ndEqual } from './core/ndarray.js';
import { Box } from './spaces/box.js';
import { make } from './registration.js';
import { checkRenderedFrame, checkResetResult, checkSpaces, checkStepResult } from './checker-rules.js';

export interface CheckEnvOptions {
  /** Steps taken per determinism episode (default 30). */
  steps?: number;
  /** Skip re-making the env in each of its render modes. */
  skipRenderCheck?: boolean;
}

type AnyEnv = Env<unknown, unknown>;

/** Deep, bitwise equality for observations (NDArrays, numbers, records, arrays). */
function sameValue(a: unknown, b: unknown): boolean {
  if (isNDArray(a) || isNDArray(b)) return isNDArray(a) && isNDArray(b) && ndEqual(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a === 'object' && a !== null) {
    if (typeof b !== 'object' || b === null) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length
      && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}

function fail(env: AnyEnv, message: string): never {
  throw new EnvContractError(`checkEnv ${env.toString()}: ${message}`);
}

/** One seeded episode prefix: observations, rewards, flags and (if rendering) frames. */
function recordEpisode(env: AnyEnv, seed: number, steps: number): unknown[] {
  const trace: unknown[] = [];
  const { observation, info } = env.reset({ seed });
  trace.push(observation, info);
  if (env.renderMode) trace.push(env.render());
  env.actionSpace.seed(seed);
  for (let t = 0; t < steps; t++) {
    const r = env.step(env.actionSpace.sample());
    trace.push(r.observation, r.reward, r.terminated, r.truncated);
    if (env.renderMode) trace.push(env.render());
    if (r.terminated || r.truncated) break;
  }
  return trace;
}

function checkSeeding(env: AnyEnv, steps: number): void {
  const first = recordEpisode(env, 123, steps);
  const second = recordEpisode(env, 123, steps);
  const index = first.findIndex((x, i) => !sameValue(x, second[i]));
  if (index >= 0 || first.length !== second.length) {
    fail(env, `two episodes with seed 123 and the same actions differ (at trace item ${index}); all randomness must come from env.npRandom`);
  }
  env.reset({ seed: 123 });
  env.reset();
  if (env.unwrapped.npRandom.seed !== 123) fail(env, 'reset() without a seed must continue the random stream, not reseed it');
}

function checkStepping(env: AnyEnv, steps: number, warn: (m: string) => void): void {
  const reset = env.reset({ seed: 0 });
  checkResetResult(env, reset, (m) => fail(env, m));
  env.actionSpace.seed(0);
  for (let t = 0; t < steps; t++) {
    const action = env.actionSpace.sample();
    if (!env.actionSpace.contains(action)) fail(env, 'actionSpace.sample() returned an action outside the space');
    const result = env.step(action);
    checkStepResult(env, result, (m) => fail(env, m));
    if (result.terminated || result.truncated) env.reset();
  }
  if (env.spec?.maxEpisodeSteps === undefined) warn(`${env.toString()}: no maxEpisodeSteps; episodes may never end`);
}

/** A NaN action must be refused with an error, never silently turned into NaN observations. */
function checkNonFiniteActionRejected(env: AnyEnv): void {
  const space = env.actionSpace;
  if (!(space instanceof Box) || !space.dtype.startsWith('float')) return;
  env.reset({ seed: 0 });
  const bad = space.sample();
  bad.data[0] = Number.NaN;
  let threw = false;
  try {
    env.step(bad);
  } catch {
    threw = true;
  }
  if (!threw) fail(env, 'a NaN action was accepted; step() must throw for non-finite actions (make() adds this check to every env)');
}

/**
 * When the env supports the state protocol: a restored snapshot continues exactly like the original
 * (same observations, rewards and flags for the same actions, including the next seeded-less reset).
 */
function checkStateRoundTrip(env: AnyEnv, steps: number): void {
  env.reset({ seed: 7 });
  env.actionSpace.seed(7);
  for (let t = 0; t < 3; t++) {
    const r = env.step(env.actionSpace.sample());
    if (r.terminated || r.truncated) env.reset();
  }
  const snapshot = env.getState();
  if (snapshot === undefined) return;
  const actions = Array.from({ length: steps }, () => env.actionSpace.sample());
  const play = (): unknown[] => {
    const trace: unknown[] = [];
    for (const action of actions) {
      const r = env.step(action);
      trace.push(r.observation, r.reward, r.terminated, r.truncated);
      if (r.terminated || r.truncated) trace.push(env.reset().observation);
    }
    return trace;
  };
  const original = play();
  env.setState(structuredClone(snapshot));
  const replayed = play();
  const index = original.findIndex((x, i) => !sameValue(x, replayed[i]));
  if (index >= 0) fail(env, `after setState(getState()) the env continued differently (at trace item ${index}); getState must capture all state`);
}

function checkRenderModes(env: AnyEnv): void {
  const id = env.spec?.id;
  if (env.renderMode !== undefined) {
    env.reset({ seed: 0 });
    checkRenderedFrame(env, env.render());
  }
  if (id === undefined) return;
  for (const mode of env.metadata.renderModes as readonly RenderMode[]) {
    const options = { ...(env.spec?.options ?? {}), renderMode: mode };
    const other = make(id, options);
    try {
      other.reset({ seed: 0 });
      checkRenderedFrame(other, other.render());
    } finally {
      other.close();
    }
  }
}

/** Check `env` against the API; returns warnings, throws `EnvContractError` on a broken rule. */
export function checkEnv(env: AnyEnv, options: CheckEnvOptions = {}): string[] {
  if (!(env instanceof Env)) throw new EnvContractError(`checkEnv: expected an Env instance, got ${typeof env}`);
  const steps = options.steps ?? 30;
  const warnings: string[] = [];
  const warn = (message: string) => { warnings.push(message); };
  checkSpaces(env, warn);
  checkStepping(env, steps, warn);
  if (!env.spec?.nondeterministic) checkSeeding(env, steps);
  checkStateRoundTrip(env, steps);
  checkNonFiniteActionRejected(env);
  if (!options.skipRenderCheck) checkRenderModes(env);
  return warnings;
}
