import { type Env, type ResetArgs, type ResetResult, type StepResult, Wrapper } from '../core/env.js';
import { RunningMeanStd, type RunningMeanStdState } from './running-mean-std.js';

export interface NormalizeRewardOptions {
  /** Discount of the return whose spread scales the rewards. */
  gamma?: number;
  epsilon?: number;
}

/**
 * Divides rewards by the running standard deviation of the discounted return (Gymnasium's
 * NormalizeReward), so value targets have roughly unit scale whatever the env's reward units.
 * The mean is not subtracted (that would change which behaviour is optimal).
 * Each step: `G = gamma * G + r`, the statistics take `G`, the reward becomes `r / sqrt(var + eps)`;
 * `G` restarts at 0 after a step that terminates or truncates, and on reset().
 */
export class NormalizeReward<O, A> extends Wrapper<O, A> {
  /** Running statistics of the discounted return (checkpoint them with `returnRms.getState()`). */
  readonly returnRms = new RunningMeanStd([]);
  /** When false, rewards are scaled with the current statistics, which stay unchanged. */
  updateRunningMean = true;
  readonly gamma: number;
  readonly epsilon: number;
  private discounted = 0;
  /** One-element buffer for the update (keeps step() allocation-free). */
  private readonly sample = new Float64Array(1);

  constructor(env: Env<O, A>, options: NormalizeRewardOptions = {}) {
    super(env);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.gamma >= 0 && this.gamma <= 1)) throw new RangeError(`NormalizeReward: gamma must be in [0, 1], got ${this.gamma}`);
    if (!(this.epsilon > 0)) throw new RangeError(`NormalizeReward: epsilon must be positive, got ${this.epsilon}`);
  }

  /** The discounted return of the current episode so far. */
  get discountedReturn(): number {
    return this.discounted;
  }

  protected override ownState(): unknown {
    return { returnRms: this.returnRms.getState(), updateRunningMean: this.updateRunningMean, discounted: this.discounted };
  }

  protected override restoreOwnState(own: unknown): void {
    const o = own as { returnRms: RunningMeanStdState; updateRunningMean: boolean; discounted: number };
    this.returnRms.setState(o.returnRms);
    this.updateRunningMean = o.updateRunningMean;
    this.discounted = o.discounted;
  }

  override reset(args?: ResetArgs): ResetResult<O> {
    this.discounted = 0;
    return this.env.reset(args);
  }

  override step(action: A): StepResult<O> {
    const result = this.env.step(action);
    this.discounted = this.discounted * this.gamma + result.reward;
    if (this.updateRunningMean) {
      this.sample[0] = this.discounted;
      this.returnRms.update(this.sample, 1);
    }
    if (result.terminated || result.truncated) this.discounted = 0;
    result.reward /= Math.sqrt(this.returnRms.var[0]! + this.epsilon);
    return result;
  }
}
