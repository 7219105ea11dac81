/**
 * Running per-element mean and (population) variance, merged batch by batch with Chan et al.'s
 * parallel algorithm, as Gymnasium's `RunningMeanStd`. Pure (no env dependency) so the
 * normalization wrappers and learners can share it and checkpoint it with getState()/setState().
 *
 * Starts at mean 0, var 1 and a pseudo-count `epsilon` (1e-4), so the first updates dominate
 * without dividing by zero. Statistics are kept in float64 (Gymnasium uses the observation dtype).
 */
import { formatShape, sizeOf } from '../core/ndarray.js';

/** A JSON-friendly snapshot of a RunningMeanStd. */
export interface RunningMeanStdState {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  readonly shape: readonly number[];
  /** Number of elements of one sample (product of `shape`; 1 for a scalar). */
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  private n: number;

  constructor(shape: readonly number[] = [], epsilon = 1e-4) {
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new RangeError(`RunningMeanStd: epsilon must be a positive finite number, got ${epsilon}`);
    }
    this.shape = [...shape];
    this.size = sizeOf(shape);
    this.mean = new Float64Array(this.size);
    this.var = new Float64Array(this.size).fill(1);
    this.n = epsilon;
  }

  /** Total weight seen so far (samples plus the initial pseudo-count). */
  get count(): number {
    return this.n;
  }

  /**
   * Merge `count` samples given row-major in `batchValues` (`count * size` numbers; one sample of a
   * scalar statistic is just `[x]`). Allocation-free: the batch moments are computed per element.
   */
  update(batchValues: ArrayLike<number>, count = 1): void {
    if (!Number.isInteger(count) || count <= 0) {
      throw new RangeError(`RunningMeanStd.update: count must be a positive integer, got ${count}`);
    }
    if (batchValues.length !== count * this.size) {
      throw new RangeError(
        `RunningMeanStd.update: got ${batchValues.length} values for ${count} sample(s) of shape ${formatShape(this.shape)} (need ${count * this.size})`,
      );
    }
    const total = this.n + count;
    for (let j = 0; j < this.size; j++) {
      let sum = 0;
      for (let i = 0; i < count; i++) sum += batchValues[i * this.size + j]!;
      const batchMean = sum / count;
      let squares = 0;
      for (let i = 0; i < count; i++) {
        const d = batchValues[i * this.size + j]! - batchMean;
        squares += d * d;
      }
      // Chan's merge: M2 = M2_a + M2_b + delta^2 * n_a * n_b / n.
      const delta = batchMean - this.mean[j]!;
      const m2 = this.var[j]! * this.n + squares + delta * delta * this.n * count / total;
      this.mean[j] = this.mean[j]! + delta * count / total;
      this.var[j] = m2 / total;
    }
    this.n = total;
  }

  getState(): RunningMeanStdState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.n };
  }

  /** Restore a snapshot from getState() (of a statistic with the same size). */
  setState(state: RunningMeanStdState): void {
    const { mean, var: variance, count } = state;
    if (mean.length !== this.size || variance.length !== this.size) {
      throw new RangeError(
        `RunningMeanStd.setState: state has ${mean.length} means and ${variance.length} variances, shape ${formatShape(this.shape)} needs ${this.size}`,
      );
    }
    if (!(count > 0) || !Number.isFinite(count)) {
      throw new RangeError(`RunningMeanStd.setState: count must be a positive finite number, got ${count}`);
    }
    for (let j = 0; j < this.size; j++) {
      if (!Number.isFinite(mean[j]!) || !Number.isFinite(variance[j]!) || variance[j]! < 0) {
        throw new RangeError(`RunningMeanStd.setState: element ${j} has mean ${mean[j]} and var ${variance[j]}; need finite values and var >= 0`);
      }
    }
    this.mean.set(mean);
    this.var.set(variance);
    this.n = count;
  }
}
