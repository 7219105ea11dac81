import { type Env, ObservationWrapper } from '../core/env.js';
import type { DType, NDArray } from '../core/ndarray.js';
import { Box } from '../spaces/box.js';
import { RunningMeanStd, type RunningMeanStdState } from './running-mean-std.js';

/**
 * Standardizes each observation element with a running mean and variance (Gymnasium's
 * NormalizeObservation): `(obs - mean) / sqrt(var + epsilon)` as float32, the statistics being
 * updated with every observation (reset and step) before it is normalized. Learners need inputs of
 * unit scale; set `updateRunningMean = false` to freeze the statistics (evaluation, checkpoints).
 */
export class NormalizeObservation<A, D extends DType = DType> extends ObservationWrapper<NDArray<D>, A, NDArray<'float32'>> {
  /** The running statistics (checkpoint them with `obsRms.getState()`). */
  readonly obsRms: RunningMeanStd;
  /** When false, observations are normalized with the current statistics, which stay unchanged. */
  updateRunningMean = true;

  constructor(env: Env<NDArray<D>, A>, readonly epsilon = 1e-8) {
    super(env);
    const space = env.observationSpace;
    if (!(space instanceof Box)) {
      throw new TypeError(`NormalizeObservation: needs a Box observation space, got ${String(space)}`);
    }
    this.obsRms = new RunningMeanStd(space.shape);
    this.observationSpace = new Box({ low: -Infinity, high: Infinity, shape: space.shape, dtype: 'float32' });
  }

  protected override ownState(): unknown {
    return { obsRms: this.obsRms.getState(), updateRunningMean: this.updateRunningMean };
  }

  protected override restoreOwnState(own: unknown): void {
    const o = own as { obsRms: RunningMeanStdState; updateRunningMean: boolean };
    this.obsRms.setState(o.obsRms);
    this.updateRunningMean = o.updateRunningMean;
  }

  observation(observation: NDArray<D>): NDArray<'float32'> {
    const x = observation.data;
    const rms = this.obsRms;
    if (x.length !== rms.size) {
      throw new RangeError(`NormalizeObservation: observation has ${x.length} elements, the observation space needs ${rms.size}`);
    }
    if (this.updateRunningMean) rms.update(x, 1);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! - rms.mean[i]!) / Math.sqrt(rms.var[i]! + this.epsilon);
    return { dtype: 'float32', shape: rms.shape, data: out };
  }
}
