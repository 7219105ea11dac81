import { type Env, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';

/** Truncates (never terminates) an episode after `maxEpisodeSteps` steps. */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private elapsedSteps = 0;

  constructor(env: Env<O, A>, readonly maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) {
      throw new RangeError(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
    }
  }

  get elapsed(): number {
    return this.elapsedSteps;
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.elapsedSteps = 0;
    return this.env.reset(args);
  }

  protected override ownState(): unknown {
    return { elapsedSteps: this.elapsedSteps };
  }

  protected override restoreOwnState(own: unknown): void {
    this.elapsedSteps = (own as { elapsedSteps: number }).elapsedSteps;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.elapsedSteps += 1;
    if (this.elapsedSteps >= this.maxEpisodeSteps && !result.truncated) result.truncated = true;
    return result;
  }
}
