/**
 * The environment contract, after Gymnasium's `Env`:
 *   reset({seed, options}) -> {observation, info}
 *   step(action)           -> {observation, reward, terminated, truncated, info}
 * `terminated` means the MDP reached a terminal state (no bootstrapping); `truncated` means the
 * episode was cut short (time limit, physics failure), so learners should bootstrap from V(obs).
 */
import { Rng } from './rng.js';
import { EnvStateError } from './errors.js';
import type { NDArray } from './ndarray.js';
import type { Space } from './space.js';

export type Info = Record<string, unknown>;

/** `rgb_array`: render() returns one H x W x 3 uint8 frame. Fixed when the env is constructed. */
export type RenderMode = 'rgb_array';
export const RENDER_MODES: readonly RenderMode[] = ['rgb_array'];

/** An RGB frame: `shape` is [height, width, 3], values 0..255. */
export type Frame = NDArray<'uint8'>;

export interface ResetArgs {
  /** Reseeds the env's generator; omit to continue the current random stream. */
  seed?: number;
  /** Env-specific reset options (documented by each env). */
  options?: Record<string, unknown>;
}

export interface ResetResult<O> {
  observation: O;
  info: Info;
}

export interface StepResult<O> {
  observation: O;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info: Info;
}

/**
 * A snapshot of everything that decides an env's future (its simulation state and random stream),
 * as plain structured-cloneable data, for exact checkpoint and resume.
 */
export type EnvState = { readonly [key: string]: unknown };

/** The state of an env's random generator inside an EnvState. */
export interface RandomState {
  seed: number;
  state: readonly number[];
}

export interface EnvMetadata {
  renderModes: readonly RenderMode[];
  /** Frames per second of the simulated time, used when recording videos. */
  renderFps: number;
}

/** Options every env receives from `make`, besides its own. */
export interface CommonEnvOptions {
  renderMode?: RenderMode | undefined;
}

export type EnvFactory<Opts extends object = Record<string, unknown>> =
  (options: Opts & CommonEnvOptions) => Env<any, any>;

/**
 * How a registered env is built (see registration.ts). Declared here, next to Env, because the two
 * refer to each other (`Env.spec`, the factory's result): apart they would form an import cycle.
 */
export interface EnvSpec {
  readonly id: string;
  readonly factory: EnvFactory<any>;
  readonly maxEpisodeSteps: number | undefined;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly rewardThreshold: number | undefined;
  readonly nondeterministic: boolean;
  readonly description: string;
  /** The options `make` was called with (only on the spec attached to a made env). */
  readonly options?: Readonly<Record<string, unknown>>;
}

export abstract class Env<O = unknown, A = unknown> {
  abstract get observationSpace(): Space<O>;
  abstract get actionSpace(): Space<A>;
  abstract get metadata(): EnvMetadata;
  /** Set by the constructor; never changes afterwards. */
  abstract get renderMode(): RenderMode | undefined;
  /** Set by `make`. */
  spec: EnvSpec | undefined = undefined;

  private rng: Rng | undefined;

  /** The env's random generator, created unseeded if reset() was never given a seed. */
  get npRandom(): Rng {
    this.rng ??= new Rng();
    return this.rng;
  }

  /** Call first in reset(): a given seed restarts the random stream, none continues it. */
  protected seedRandom(seed: number | undefined): void {
    if (seed !== undefined || this.rng === undefined) this.rng = new Rng(seed);
  }

  abstract reset(args?: ResetArgs): ResetResult<O>;
  abstract step(action: A): StepResult<O>;

  /**
   * A snapshot for exact checkpoint/resume, or undefined when the env does not support it (the
   * default). Envs that support it override both getState and setState.
   */
  getState(): EnvState | undefined {
    return undefined;
  }

  /** Restore a snapshot taken by getState() of an env made with the same options. */
  setState(_state: EnvState): void {
    throw new EnvStateError(`${this.toString()} does not support setState (its getState() returns undefined)`);
  }

  /** The random stream's state, for getState(). */
  protected randomState(): RandomState {
    return { seed: this.npRandom.seed, state: [...this.npRandom.getState()] };
  }

  /** Restore the random stream saved by randomState(). */
  protected restoreRandomState(saved: unknown): void {
    const r = saved as Partial<RandomState> | undefined;
    if (typeof r?.seed !== 'number' || !Array.isArray(r.state)) {
      throw new EnvStateError(`${this.toString()}: the saved state has no valid random generator state`);
    }
    this.rng = new Rng(r.seed, r.state);
  }

  /** The current frame in `renderMode`, or undefined when the env has no render mode. */
  render(): Frame | undefined {
    return undefined;
  }

  close(): void {}

  /** The innermost env beneath any wrappers. */
  get unwrapped(): Env<unknown, unknown> {
    return this;
  }

  toString(): string {
    return `<${this.constructor.name}${this.spec ? `<${this.spec.id}>` : ''}>`;
  }
}

/**
 * Base of all wrappers: forwards everything to the wrapped env. Subclasses override what they change;
 * a wrapper that changes a space sets it in its constructor through `observationSpace`/`actionSpace`.
 */
export class Wrapper<O = unknown, A = unknown, WO = O, WA = A> extends Env<WO, WA> {
  private obsSpaceOverride: Space<WO> | undefined;
  private actSpaceOverride: Space<WA> | undefined;

  constructor(readonly env: Env<O, A>) {
    super();
    this.spec = env.spec;
  }

  get observationSpace(): Space<WO> {
    return this.obsSpaceOverride ?? (this.env.observationSpace as unknown as Space<WO>);
  }
  set observationSpace(space: Space<WO>) {
    this.obsSpaceOverride = space;
  }
  get actionSpace(): Space<WA> {
    return this.actSpaceOverride ?? (this.env.actionSpace as unknown as Space<WA>);
  }
  set actionSpace(space: Space<WA>) {
    this.actSpaceOverride = space;
  }
  get metadata(): EnvMetadata {
    return this.env.metadata;
  }
  get renderMode(): RenderMode | undefined {
    return this.env.renderMode;
  }
  override get npRandom(): Rng {
    return this.env.npRandom;
  }

  /** The inner env's snapshot plus this wrapper's own (see ownState); undefined if the inner has none. */
  override getState(): EnvState | undefined {
    const inner = this.env.getState();
    return inner === undefined ? undefined : { inner, own: this.ownState() };
  }

  override setState(state: EnvState): void {
    if (typeof state !== 'object' || state === null || !('inner' in state) || !('own' in state)) {
      throw new EnvStateError(`${this.toString()}: the saved state does not come from this wrapper stack`);
    }
    this.env.setState(state['inner'] as EnvState);
    this.restoreOwnState(state['own']);
  }

  /** State kept by this wrapper itself (counters, buffers, statistics); stateless wrappers keep null. */
  protected ownState(): unknown {
    return null;
  }

  protected restoreOwnState(_own: unknown): void {}

  reset(args?: ResetArgs): ResetResult<WO> {
    return this.env.reset(args) as unknown as ResetResult<WO>;
  }
  step(action: WA): StepResult<WO> {
    return this.env.step(action as unknown as A) as unknown as StepResult<WO>;
  }
  override render(): Frame | undefined {
    return this.env.render();
  }
  override close(): void {
    this.env.close();
  }
  override get unwrapped(): Env<unknown, unknown> {
    return this.env.unwrapped;
  }
  override toString(): string {
    return `<${this.constructor.name}${this.env.toString()}>`;
  }
}

/** A wrapper that transforms observations with `observation(obs)` on reset and step. */
export abstract class ObservationWrapper<O, A, WO> extends Wrapper<O, A, WO, A> {
  abstract observation(observation: O): WO;

  override reset(args?: ResetArgs): ResetResult<WO> {
    const { observation, info } = this.env.reset(args);
    return { observation: this.observation(observation), info };
  }
  override step(action: A): StepResult<WO> {
    const r = this.env.step(action);
    return { ...r, observation: this.observation(r.observation) };
  }
}

/** A wrapper that maps the agent's action to the wrapped env's action with `action(a)`. */
export abstract class ActionWrapper<O, A, WA> extends Wrapper<O, A, O, WA> {
  abstract action(action: WA): A;

  override step(action: WA): StepResult<O> {
    return this.env.step(this.action(action));
  }
}

/** A wrapper that transforms rewards with `reward(r)`. */
export abstract class RewardWrapper<O, A> extends Wrapper<O, A> {
  abstract reward(reward: number): number;

  override step(action: A): StepResult<O> {
    const r = this.env.step(action);
    return { ...r, reward: this.reward(r.reward) };
  }
}
