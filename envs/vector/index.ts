/** Vector environments: many copies of one env stepped together (Gymnasium 1.x's gymnasium.vector). */
import { InvalidOptionError } from '../core/errors.js';
import { choiceOption } from '../core/validate.js';
import { type MakeOptions, make } from '../registration.js';
import type { AutoresetMode } from './autoreset.js';
import { AsyncVectorEnv } from './async-vector-env.js';
import { SyncVectorEnv } from './sync-vector-env.js';
import type { VectorEnv } from './vector-env.js';

export { type AutoresetMode, AUTORESET_MODES, AutoresettingEnv, type SlotState } from './autoreset.js';
export {
  VectorEnv, ClosedEnvironmentError, type VectorEnvInit, type VectorEnvState, type VectorMetadata,
  type VectorResetArgs, type VectorResetResult, type VectorStepResult,
} from './vector-env.js';
export { SyncVectorEnv, type SyncVectorEnvOptions } from './sync-vector-env.js';
export { AsyncVectorEnv, AsyncVectorEnvError, type AsyncEnvSpec, type AsyncVectorEnvOptions } from './async-vector-env.js';

export type VectorizationMode = 'sync' | 'async';

export interface MakeVecOptions extends MakeOptions {
  /** Number of sub-envs; default 1. */
  numEnvs?: number;
  /** 'sync' (default): one thread, envs stepped in turn. 'async': one worker thread per env. */
  vectorizationMode?: VectorizationMode;
  /** Default 'next-step'. */
  autoresetMode?: AutoresetMode;
  /** Async only (ignored by 'sync', whose envs come from this thread's registry): see AsyncVectorEnvOptions. */
  imports?: readonly string[];
  /** Async only: see AsyncVectorEnvOptions. */
  timeoutMs?: number;
}

/**
 * Gymnasium's make_vec: `numEnvs` copies of registered env `id`, each built with make(id, makeOptions).
 * The remaining options are the env's own make() options.
 */
export function makeVec<O = unknown, A = unknown>(id: string, options: MakeVecOptions = {}): VectorEnv<O, A> {
  const { numEnvs = 1, vectorizationMode = 'sync', autoresetMode, imports, timeoutMs, ...makeOptions } = options;
  if (!Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new InvalidOptionError(`makeVec('${id}'): option 'numEnvs' must be a positive integer, got ${String(numEnvs)}`);
  }
  const mode = choiceOption('vectorizationMode', vectorizationMode, ['sync', 'async'] as const);
  if (mode === 'sync') {
    return new SyncVectorEnv<O, A>(Array.from({ length: numEnvs }, () => () => make(id, makeOptions)), { autoresetMode });
  }
  const specs = Array.from({ length: numEnvs }, () => ({ id, options: makeOptions }));
  return new AsyncVectorEnv<O, A>(specs, { autoresetMode, imports, timeoutMs });
}
