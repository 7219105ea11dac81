import { type Env, type Frame, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';
import { checkRenderedFrame, checkResetResult, checkSpaces, checkStepResult } from '../checker-rules.js';

/**
 * Checks the env's first reset, step and render against the API without changing anything:
 * broken contracts (wrong return types) throw, observations outside their space only warn once.
 */
export class PassiveEnvChecker<O, A> extends Wrapper<O, A> {
  private checkedReset = false;
  private checkedStep = false;
  private checkedRender = false;

  constructor(env: Env<O, A>) {
    super(env);
    checkSpaces(env);
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    const result = this.env.reset(args);
    if (!this.checkedReset) {
      this.checkedReset = true;
      checkResetResult(this.env, result, warnOnce);
    }
    return result;
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    if (!this.checkedStep) {
      this.checkedStep = true;
      checkStepResult(this.env, result, warnOnce);
    }
    return result;
  }

  override render(): Frame | undefined {
    const frame = this.env.render();
    if (!this.checkedRender) {
      this.checkedRender = true;
      checkRenderedFrame(this.env, frame);
    }
    return frame;
  }
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { code: 'LATENTGYM_ENV_CHECK' });
}
