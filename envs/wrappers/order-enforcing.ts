import {
  type Env, type EnvState, type Frame, RENDER_MODES, type ResetArgs, type ResetResult, type StepResult, Wrapper,
} from '../core/env.js';
import { ClosedEnvironmentError, InvalidOptionError, ResetNeededError } from '../core/errors.js';
import { checkResetArgs } from '../core/validate.js';
import { assertWellFormedAction } from '../spaces/action-checks.js';

/**
 * The caller-side guard `make` puts outermost on every env, so each rule holds for every env
 * whatever the env itself checks:
 * - call order: reset() before the first step() or render(), and a new reset() after an episode
 *   has terminated or been truncated (Gymnasium only checks the first; we check both);
 * - reset() arguments: `{seed, options}` only, seed an integer in [0, 2^31 - 1];
 * - actions: well formed for the action space, and finite (see assertWellFormedAction), before
 *   the env sees them;
 * - render() needs a render mode (Gymnasium warns and returns None; we throw);
 * - nothing but close() after close(); closing again does nothing.
 */
export class OrderEnforcing<O, A> extends Wrapper<O, A> {
  private hasReset = false;
  private episodeOver = false;
  private closed = false;

  constructor(env: Env<O, A>, private readonly disableRenderOrderEnforcing = false) {
    super(env);
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.assertOpen('reset');
    checkResetArgs(`${this.env.toString()}: reset()`, args);
    const result = this.env.reset(args);
    this.hasReset = true;
    this.episodeOver = false;
    return result;
  }

  override step(action: A): StepResult<O> {
    this.assertOpen('step');
    if (!this.hasReset) throw new ResetNeededError(`${this.env.toString()}: call reset() before step()`);
    if (this.episodeOver) {
      throw new ResetNeededError(`${this.env.toString()}: the episode has ended (terminated or truncated); call reset() before step()`);
    }
    assertWellFormedAction(this.env.actionSpace, action);
    const result = this.env.step(action);
    if (result.terminated || result.truncated) this.episodeOver = true;
    return result;
  }

  override render(): Frame | undefined {
    this.assertOpen('render');
    if (this.env.renderMode === undefined) {
      throw new InvalidOptionError(`${this.env.toString()}: render() needs a render mode: make the env with renderMode: ${RENDER_MODES.map((m) => `'${m}'`).join(' or ')}`);
    }
    if (!this.disableRenderOrderEnforcing && !this.hasReset) {
      throw new ResetNeededError(`${this.env.toString()}: call reset() before render()`);
    }
    return this.env.render();
  }

  override getState(): EnvState | undefined {
    this.assertOpen('getState');
    return super.getState();
  }

  override setState(state: EnvState): void {
    this.assertOpen('setState');
    super.setState(state);
  }

  /** Closes the wrapped env once; later calls do nothing. */
  override close(): void {
    if (this.closed) return;
    this.closed = true;
    this.env.close();
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

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(method: string): void {
    if (this.closed) {
      throw new ClosedEnvironmentError(`${this.env.toString()}: ${method}() called after close(); make a new env (close() releases this one for good)`);
    }
  }
}
