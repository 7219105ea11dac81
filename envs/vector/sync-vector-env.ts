/**
 * Runs its sub-envs one after another in this thread (Gymnasium's SyncVectorEnv). The right choice for
 * cheap envs, where worker messaging would cost more than the step itself, and for debugging.
 */
import type { Env, Frame, ResetResult, StepResult } from '../core/env.js';
import { InvalidOptionError } from '../core/errors.js';
import { type AutoresetMode, AutoresettingEnv, type SlotState } from './autoreset.js';
import { VectorEnv, assertSameSpaces } from './vector-env.js';

export interface SyncVectorEnvOptions {
  /** Default 'next-step' (see AutoresetMode). */
  autoresetMode?: AutoresetMode;
}

export class SyncVectorEnv<O = unknown, A = unknown> extends VectorEnv<O, A> {
  /** The sub-envs, in batch order. */
  readonly envs: readonly Env<unknown, unknown>[];
  private readonly slots: readonly AutoresettingEnv[];

  /** `envFns[i]()` builds env i; all envs must have equal observation and action spaces. */
  constructor(envFns: readonly (() => Env<any, any>)[], options: SyncVectorEnvOptions = {}) {
    if (!Array.isArray(envFns) || envFns.length === 0 || envFns.some((fn) => typeof fn !== 'function')) {
      throw new InvalidOptionError('SyncVectorEnv: envFns must be a non-empty array of functions that each build an env');
    }
    const envs: Env<unknown, unknown>[] = envFns.map((fn) => fn());
    try {
      assertSameSpaces('SyncVectorEnv', envs);
    } catch (error) {
      for (const env of envs) env.close();
      throw error;
    }
    const first = envs[0]!;
    super({
      numEnvs: envs.length,
      singleObservationSpace: first.observationSpace,
      singleActionSpace: first.actionSpace,
      metadata: first.metadata,
      renderMode: first.renderMode,
      autoresetMode: options.autoresetMode,
    });
    this.envs = envs;
    this.slots = envs.map((env) => new AutoresettingEnv(env, this.autoresetMode));
  }

  protected resetEach(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined): ResetResult<unknown>[] {
    return this.slots.map((slot, i) => slot.reset({ seed: seeds[i], options }));
  }

  protected stepEach(actions: readonly unknown[]): StepResult<unknown>[] {
    return this.slots.map((slot, i) => slot.step(actions[i]));
  }

  protected renderEach(): (Frame | undefined)[] {
    return this.slots.map((slot) => slot.render());
  }

  protected getStateEach(): (SlotState | undefined)[] {
    return this.slots.map((slot) => slot.getState());
  }

  protected setStateEach(slots: readonly SlotState[]): void {
    this.slots.forEach((slot, i) => slot.setState(slots[i]!));
  }

  protected closeEach(): void {
    for (const slot of this.slots) slot.close();
  }
}
