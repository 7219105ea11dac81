import { type Env, type Frame, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';
import { ResetNeededError } from '../core/errors.js';

/**
 * Enforces the call order: reset() before the first step() or render(), and a new reset() after an
 * episode has terminated or been truncated (Gymnasium only checks the first; we check both).
 */
export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private hasReset = false;
  private episodeOver = false;

  constructor(env: Env<O, A>, private readonly disableRenderOrderEnforcing = false) {
    super(env);
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    const result = this.env.reset(args);
    this.hasReset = true;
    this.episodeOver = false;
    return result;
  }

  override step(action: A): StepResult<O> {
    if (!this.hasReset) throw new ResetNeededError(`${this.env.toString()}: call reset() before step()`);
    if (this.episodeOver) {
      throw new ResetNeededError(`${this.env.toString()}: the episode has ended (terminated or truncated); call reset() before step()`);
    }
    const result = this.env.step(action);
    if (result.terminated || result.truncated) this.episodeOver = true;
    return result;
  }

  override render(): Frame | undefined {
    if (!this.disableRenderOrderEnforcing && !this.hasReset) {
      throw new ResetNeededError(`${this.env.toString()}: call reset() before render()`);
    }
    return this.env.render();
  }

  protected override ownState(): unknown {
    return { hasReset: this.hasReset, episodeOver: this.episodeOver };
  }

  protected override restoreOwnState(own: unknown): void {
    ({ hasReset: this.hasReset, episodeOver: this.episodeOver } = own as { hasReset: boolean; episodeOver: boolean });
  }

  get hasBeenReset(): boolean {
    return this.hasReset;
  }
}
