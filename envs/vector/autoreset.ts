/**
 * Per-env autoreset bookkeeping. This is the only place the autoreset rules live: SyncVectorEnv keeps
 * one `AutoresettingEnv` per sub-env, and every AsyncVectorEnv worker keeps one for its env, so both
 * vector envs produce the same sequence for the same seeds and actions.
 */
import type { Env, EnvState, Frame, Info, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import { choiceOption } from '../core/validate.js';

/**
 * How a sub-env that ended (terminated or truncated) is reset, after Gymnasium 1.x's AutoresetMode:
 * - `'next-step'` (Gymnasium's NEXT_STEP, the default): the step that ends the episode returns the final
 *   observation as usual; the env's NEXT step() resets it instead of stepping. That step ignores the
 *   env's action and returns the reset observation and reset info with reward 0, terminated=false and
 *   truncated=false.
 * - `'same-step'` (SAME_STEP): the env is reset inside the step that ended it. That step returns the
 *   step's reward and flags, but the reset observation; its info is the reset info plus
 *   `finalObservation` and `finalInfo` (the observation and info the ending step produced).
 */
export type AutoresetMode = 'next-step' | 'same-step';
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step'];

/** Throws a one-line InvalidOptionError unless `mode` is an AutoresetMode. */
export function autoresetModeOption(mode: unknown): AutoresetMode {
  return choiceOption('autoresetMode', mode, AUTORESET_MODES);
}

/** A sub-env's snapshot inside a vector env's state. */
export interface SlotState {
  env: EnvState;
  needsReset: boolean;
}

/** One sub-env of a vector env plus the state autoreset needs (whether it must reset next step). */
export class AutoresettingEnv {
  /** next-step mode only: the previous step ended the episode, so the next step resets. */
  private needsReset = false;

  constructor(readonly env: Env<unknown, unknown>, readonly mode: AutoresetMode) {}

  reset(args: ResetArgs): ResetResult<unknown> {
    const result = this.env.reset(args);
    this.needsReset = false;
    return result;
  }

  step(action: unknown): StepResult<unknown> {
    return this.mode === 'next-step' ? this.stepNextStep(action) : this.stepSameStep(action);
  }

  /** The env's snapshot plus the pending autoreset, or undefined if the env has no state protocol. */
  getState(): SlotState | undefined {
    const env = this.env.getState();
    return env === undefined ? undefined : { env, needsReset: this.needsReset };
  }

  setState(state: SlotState): void {
    this.env.setState(state.env);
    this.needsReset = state.needsReset;
  }

  render(): Frame | undefined {
    return this.env.render();
  }

  close(): void {
    this.env.close();
  }

  private stepNextStep(action: unknown): StepResult<unknown> {
    if (this.needsReset) {
      // The episode ended last step: reset (continuing the env's random stream) and drop the action.
      const { observation, info } = this.reset({});
      return { observation, reward: 0, terminated: false, truncated: false, info };
    }
    const result = this.env.step(action);
    this.needsReset = result.terminated || result.truncated;
    return result;
  }

  private stepSameStep(action: unknown): StepResult<unknown> {
    const result = this.env.step(action);
    if (!result.terminated && !result.truncated) return result;
    const { observation, info } = this.env.reset();
    const merged: Info = { ...info, finalObservation: result.observation, finalInfo: result.info };
    return { ...result, observation, info: merged };
  }
}
