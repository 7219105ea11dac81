/**
 * The vector environment contract, after Gymnasium 1.x's `VectorEnv`: `numEnvs` copies of one env,
 * stepped together with batched observations and actions.
 *
 *   reset({seed, options}) -> {observation, infos}
 *   step(actions)          -> {observation, rewards, terminated, truncated, infos}
 *
 * Differences from Gymnasium, on purpose:
 * - Infos are per env: `infos[i]` is the info record env i returned. Gymnasium merges them into one
 *   dict of arrays with `_key` masks; a plain array of records is simpler to read and to type, and
 *   `infos[i].someKey` answers "did env i report someKey" without masks.
 * - Discrete spaces batch to an int32 Box of shape [numEnvs] (see spaces/batch.ts).
 *
 * Subclasses implement four per-env hooks (reset/step/render/close each sub-env); this class does the
 * batching, the seeding rule, argument checks and the closed state, so they exist once.
 */
import type { EnvMetadata, Frame, Info, ResetResult, StepResult, RenderMode } from '../core/env.js';
import { ClosedEnvironmentError, EnvStateError, InvalidOptionError, LatentGymError } from '../core/errors.js';
import { checkResetArgs } from '../core/validate.js';
import { assertSeed } from '../core/rng.js';
import { batchSpace, concatenate, iterate } from '../spaces/batch.js';
import type { Space } from '../core/space.js';
import { type AutoresetMode, type SlotState, autoresetModeOption } from './autoreset.js';

export interface VectorResetArgs {
  /**
   * One seed s seeds env i with s + i (as Gymnasium does); an array gives each env its own seed
   * (`undefined` entries leave that env's random stream alone); omit to leave every env unseeded.
   */
  seed?: number | readonly (number | undefined)[];
  /** Passed unchanged to every sub-env's reset. */
  options?: Record<string, unknown>;
}

export interface VectorResetResult<O> {
  /** Batched observation: an element of `observationSpace`. */
  observation: O;
  /** `infos[i]` is env i's reset info. */
  infos: Info[];
}

export interface VectorStepResult<O> {
  /** Batched observation: an element of `observationSpace`. */
  observation: O;
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  /** `infos[i]` is env i's step info (in same-step mode also `finalObservation`/`finalInfo`). */
  infos: Info[];
}

export interface VectorMetadata extends EnvMetadata {
  autoresetMode: AutoresetMode;
}

/** What a subclass tells the base class about its sub-envs. */
export interface VectorEnvInit {
  numEnvs: number;
  singleObservationSpace: Space<unknown>;
  singleActionSpace: Space<unknown>;
  metadata: EnvMetadata;
  renderMode: RenderMode | undefined;
  autoresetMode?: AutoresetMode | undefined;
}

/** A vector env used after close() (or after a worker died, which closes it): the class single envs use too. */
export { ClosedEnvironmentError };

/** The spaces every sub-env must share. */
export interface EnvSpaces {
  readonly observationSpace: Space<unknown>;
  readonly actionSpace: Space<unknown>;
}

/**
 * Batched spaces only make sense when every sub-env has the same spaces: throw naming the first
 * env (and which space) that differs from env 0.
 */
export function assertSameSpaces(where: string, envs: readonly EnvSpaces[]): void {
  const first = envs[0];
  if (first === undefined) return;
  envs.forEach((env, i) => {
    for (const key of ['observationSpace', 'actionSpace'] as const) {
      if (!env[key].equals(first[key])) {
        throw new LatentGymError(
          `${where}: env ${i} has ${key} ${env[key].toString()} but env 0 has ${first[key].toString()}; all sub-envs must share the same spaces`,
        );
      }
    }
  });
}

/** Gymnasium's seeding rule: s -> [s, s + 1, ...], an array is used as given, undefined -> unseeded. */
export function perEnvSeeds(seed: VectorResetArgs['seed'], numEnvs: number): (number | undefined)[] {
  if (seed === undefined) return new Array<undefined>(numEnvs).fill(undefined);
  if (typeof seed === 'number') {
    assertSeed(seed);
    const seeds = Array.from({ length: numEnvs }, (_, i) => seed + i);
    seeds.forEach((s) => assertSeed(s));
    return seeds;
  }
  if (!Array.isArray(seed) || seed.length !== numEnvs) {
    throw new RangeError(`reset: seed must be a number or an array of ${numEnvs} seeds (one per env), got ${JSON.stringify(seed)}`);
  }
  seed.forEach((s) => { if (s !== undefined) assertSeed(s); });
  return [...seed];
}

/** VectorEnv.getState(): plain, structured-cloneable data. */
export interface VectorEnvState {
  numEnvs: number;
  slots: SlotState[];
}

export abstract class VectorEnv<O = unknown, A = unknown> {
  readonly numEnvs: number;
  readonly singleObservationSpace: Space<unknown>;
  readonly singleActionSpace: Space<unknown>;
  /** `singleObservationSpace` batched over `numEnvs` (batchSpace). */
  readonly observationSpace: Space<O>;
  /** `singleActionSpace` batched over `numEnvs` (batchSpace). */
  readonly actionSpace: Space<A>;
  readonly autoresetMode: AutoresetMode;
  readonly metadata: VectorMetadata;
  readonly renderMode: RenderMode | undefined;
  private isClosed = false;

  protected constructor(init: VectorEnvInit) {
    if (!Number.isInteger(init.numEnvs) || init.numEnvs < 1) {
      throw new RangeError(`${new.target.name}: numEnvs must be a positive integer, got ${init.numEnvs}`);
    }
    this.numEnvs = init.numEnvs;
    this.singleObservationSpace = init.singleObservationSpace;
    this.singleActionSpace = init.singleActionSpace;
    this.observationSpace = batchSpace(init.singleObservationSpace, init.numEnvs) as Space<O>;
    this.actionSpace = batchSpace(init.singleActionSpace, init.numEnvs) as Space<A>;
    this.autoresetMode = autoresetModeOption(init.autoresetMode ?? 'next-step');
    this.metadata = { ...init.metadata, autoresetMode: this.autoresetMode };
    this.renderMode = init.renderMode;
  }

  /** Resets every sub-env; see `VectorResetArgs` for the seeding rule. */
  reset(args: VectorResetArgs = {}): VectorResetResult<O> {
    this.assertUsable('reset');
    // The keys as a single env checks them; the seed (a number or one per env) is checked by perEnvSeeds.
    const isRecord = typeof args === 'object' && args !== null && !Array.isArray(args);
    checkResetArgs(`${this.toString()}: reset()`, isRecord ? { ...args, seed: undefined } : args);
    const seeds = perEnvSeeds(args.seed, this.numEnvs);
    return this.batchReset(this.resetEach(seeds, args.options));
  }

  /** Steps every sub-env with its slice of `actions` (an element of `actionSpace`), autoresetting. */
  step(actions: A): VectorStepResult<O> {
    this.assertUsable('step');
    return this.batchStep(this.stepEach(this.splitActions(actions)));
  }

  /** One frame per sub-env; envs made without a render mode refuse (as a single env does). */
  render(): Frame[] {
    this.assertUsable('render');
    if (this.renderMode === undefined) throw new InvalidOptionError(`${this.toString()}: render() needs a render mode: make the envs with renderMode: 'rgb_array'`);
    return this.renderEach().map((frame, i) => {
      if (frame === undefined) throw new LatentGymError(`${this.toString()}: env ${i} returned no frame in renderMode '${this.renderMode}'`);
      return frame;
    });
  }

  /**
   * Snapshot of every sub-env (and its pending autoreset) for exact checkpoint/resume, or undefined
   * when some env does not support the state protocol (Env.getState).
   */
  getState(): VectorEnvState | undefined {
    this.assertUsable('getState');
    const slots = this.getStateEach();
    return slots.every((s): s is SlotState => s !== undefined) ? { numEnvs: this.numEnvs, slots } : undefined;
  }

  /** Restore a snapshot from getState() of a vector env made the same way. */
  setState(state: VectorEnvState): void {
    this.assertUsable('setState');
    if (state?.numEnvs !== this.numEnvs || !Array.isArray(state.slots) || state.slots.length !== this.numEnvs) {
      throw new EnvStateError(`${this.toString()}: the saved state is for ${String(state?.numEnvs)} envs, this vector env has ${this.numEnvs}`);
    }
    this.setStateEach(state.slots);
  }

  /** Closes every sub-env. Closing twice is allowed; any other use after close throws. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeEach();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  toString(): string {
    return `${this.constructor.name}(${this.singleObservationSpace.toString()}, numEnvs=${this.numEnvs})`;
  }

  protected abstract resetEach(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined): ResetResult<unknown>[];
  protected abstract stepEach(actions: readonly unknown[]): StepResult<unknown>[];
  protected abstract renderEach(): (Frame | undefined)[];
  protected abstract closeEach(): void;
  protected abstract getStateEach(): (SlotState | undefined)[];
  protected abstract setStateEach(slots: readonly SlotState[]): void;

  /** Marks the env closed without calling closeEach (for subclasses that already tore down). */
  protected markClosed(): void {
    this.isClosed = true;
  }

  protected assertUsable(method: string): void {
    if (this.isClosed) throw new ClosedEnvironmentError(`${this.toString()}: ${method}() called after close()`);
  }

  /** The per-env actions of a batched action (copies). */
  protected splitActions(actions: A): unknown[] {
    return iterate(this.singleActionSpace, actions, this.numEnvs);
  }

  protected batchReset(results: readonly ResetResult<unknown>[]): VectorResetResult<O> {
    return {
      observation: concatenate(this.singleObservationSpace, results.map((r) => r.observation)) as O,
      infos: results.map((r) => r.info),
    };
  }

  protected batchStep(results: readonly StepResult<unknown>[]): VectorStepResult<O> {
    return {
      observation: concatenate(this.singleObservationSpace, results.map((r) => r.observation)) as O,
      rewards: Float64Array.from(results, (r) => r.reward),
      terminated: results.map((r) => r.terminated),
      truncated: results.map((r) => r.truncated),
      infos: results.map((r) => r.info),
    };
  }
}
