/**
 * The action distributions of PPO, as plain TypeScript over flat Float32Arrays (a minibatch is 64
 * samples of a few numbers each: far too small to be worth TensorFlow.js kernels).
 *
 * - DiagGaussian (Box actions): mean per sample from the actor, log std a state-independent
 *   parameter vector (CleanRL's `actor_logstd`, SB3's `log_std`).
 * - Categorical (Discrete actions): one logit per action from the actor.
 *
 * Each distribution gives log-probabilities and entropies per sample and, for the update, the
 * gradients of those with respect to its parameters: PPO's loss is computed on the actor's outputs
 * here and its gradient is backpropagated through the networks by TensorFlow.js (see policy.ts).
 * Shapes: `params` is [batch, paramSize] row-major; `shared` the parameters common to every sample
 * ([actionSize] log stds for the Gaussian, empty for the categorical); actions are [batch, actionSize].
 */
import type { Rng } from '../../envs/core/rng.js';

/** log(sqrt(2 pi)). */
export const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export interface ActionDistribution {
  readonly kind: 'gaussian' | 'categorical';
  /** Numbers per stored action: the action dimension (Gaussian) or 1 (the index, categorical). */
  readonly actionSize: number;
  /** Numbers per sample the actor outputs: means or logits. */
  readonly paramSize: number;
  /** Length of the shared parameter vector (log stds; 0 for categorical). */
  readonly sharedSize: number;
  /** Writes a sampled action for each of `batch` samples into `out` ([batch, actionSize]). */
  sample(params: Float32Array, shared: Float32Array, batch: number, rng: Rng, out: Float32Array): void;
  /** The deterministic action (Gaussian mean, categorical argmax) into `out`. */
  mode(params: Float32Array, batch: number, out: Float32Array): void;
  /** log pi(a | params) per sample into `out` ([batch]). */
  logProb(params: Float32Array, shared: Float32Array, actions: Float32Array, batch: number, out: Float32Array): void;
  /**
   * Per-sample log-probabilities and entropies, and the backward pass: given dL/dlogProb_i and
   * dL/dEntropy_i for every sample, ADDS dL/dparams into `gradParams` ([batch, paramSize]) and
   * dL/dshared into `gradShared`.
   */
  logProbEntropyBackward(
    params: Float32Array, shared: Float32Array, actions: Float32Array, batch: number,
    out: { logProb: Float32Array; entropy: Float32Array },
    dLogProb: Float32Array, dEntropy: Float32Array, gradParams: Float32Array, gradShared: Float32Array,
  ): void;
}

/** A diagonal Gaussian with state-independent log std. */
export class DiagGaussian implements ActionDistribution {
  readonly kind = 'gaussian' as const;
  readonly paramSize: number;
  readonly sharedSize: number;

  constructor(readonly actionSize: number) {
    this.paramSize = actionSize;
    this.sharedSize = actionSize;
  }

  sample(mean: Float32Array, logStd: Float32Array, batch: number, rng: Rng, out: Float32Array): void {
    const d = this.actionSize;
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] = mean[i * d + j]! + Math.exp(logStd[j]!) * rng.normal();
    }
  }

  mode(mean: Float32Array, batch: number, out: Float32Array): void {
    out.set(mean.subarray(0, batch * this.actionSize));
  }

  logProb(mean: Float32Array, logStd: Float32Array, actions: Float32Array, batch: number, out: Float32Array): void {
    const d = this.actionSize;
    for (let i = 0; i < batch; i++) {
      let lp = 0;
      for (let j = 0; j < d; j++) {
        const z = (actions[i * d + j]! - mean[i * d + j]!) / Math.exp(logStd[j]!);
        lp += -0.5 * z * z - logStd[j]! - LOG_SQRT_2PI;
      }
      out[i] = lp;
    }
  }

  /** Entropy of one sample: sum_j (log std_j + 1/2 + log sqrt(2 pi)). */
  entropy(logStd: Float32Array): number {
    let h = 0;
    for (let j = 0; j < this.actionSize; j++) h += logStd[j]! + 0.5 + LOG_SQRT_2PI;
    return h;
  }

  logProbEntropyBackward(
    mean: Float32Array, logStd: Float32Array, actions: Float32Array, batch: number,
    out: { logProb: Float32Array; entropy: Float32Array },
    dLogProb: Float32Array, dEntropy: Float32Array, gradMean: Float32Array, gradLogStd: Float32Array,
  ): void {
    const d = this.actionSize;
    const h = this.entropy(logStd);
    for (let i = 0; i < batch; i++) {
      let lp = 0;
      for (let j = 0; j < d; j++) {
        const std = Math.exp(logStd[j]!);
        const z = (actions[i * d + j]! - mean[i * d + j]!) / std;
        lp += -0.5 * z * z - logStd[j]! - LOG_SQRT_2PI;
        // d logp / d mean = z / std;  d logp / d logStd = z^2 - 1;  d H / d logStd = 1.
        gradMean[i * d + j] = gradMean[i * d + j]! + dLogProb[i]! * z / std;
        gradLogStd[j] = gradLogStd[j]! + dLogProb[i]! * (z * z - 1) + dEntropy[i]!;
      }
      out.logProb[i] = lp;
      out.entropy[i] = h;
    }
  }
}

/** A categorical distribution over `n` actions given by logits. */
export class Categorical implements ActionDistribution {
  readonly kind = 'categorical' as const;
  readonly actionSize = 1;
  readonly paramSize: number;
  readonly sharedSize = 0;
  private readonly logp: Float64Array;

  constructor(readonly n: number) {
    this.paramSize = n;
    this.logp = new Float64Array(n);
  }

  /** log-softmax of sample i's logits into this.logp. */
  private logSoftmax(logits: Float32Array, i: number): Float64Array {
    const n = this.n;
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, logits[i * n + k]!);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += Math.exp(logits[i * n + k]! - max);
    const logZ = max + Math.log(sum);
    for (let k = 0; k < n; k++) this.logp[k] = logits[i * n + k]! - logZ;
    return this.logp;
  }

  sample(logits: Float32Array, _shared: Float32Array, batch: number, rng: Rng, out: Float32Array): void {
    for (let i = 0; i < batch; i++) {
      const logp = this.logSoftmax(logits, i);
      let u = rng.random();
      let k = 0;
      for (; k < this.n - 1; k++) {
        u -= Math.exp(logp[k]!);
        if (u < 0) break;
      }
      out[i] = k;
    }
  }

  mode(logits: Float32Array, batch: number, out: Float32Array): void {
    for (let i = 0; i < batch; i++) {
      let best = 0;
      for (let k = 1; k < this.n; k++) if (logits[i * this.n + k]! > logits[i * this.n + best]!) best = k;
      out[i] = best;
    }
  }

  logProb(logits: Float32Array, _shared: Float32Array, actions: Float32Array, batch: number, out: Float32Array): void {
    for (let i = 0; i < batch; i++) out[i] = this.logSoftmax(logits, i)[actions[i]!]!;
  }

  /** Entropy of each sample: -sum_k p_k log p_k. */
  entropy(logits: Float32Array, batch: number, out: Float32Array): void {
    for (let i = 0; i < batch; i++) {
      const logp = this.logSoftmax(logits, i);
      let h = 0;
      for (let k = 0; k < this.n; k++) h -= Math.exp(logp[k]!) * logp[k]!;
      out[i] = h;
    }
  }

  logProbEntropyBackward(
    logits: Float32Array, _shared: Float32Array, actions: Float32Array, batch: number,
    out: { logProb: Float32Array; entropy: Float32Array },
    dLogProb: Float32Array, dEntropy: Float32Array, gradLogits: Float32Array,
  ): void {
    const n = this.n;
    for (let i = 0; i < batch; i++) {
      const logp = this.logSoftmax(logits, i);
      const a = actions[i]!;
      let h = 0;
      for (let k = 0; k < n; k++) h -= Math.exp(logp[k]!) * logp[k]!;
      for (let k = 0; k < n; k++) {
        const p = Math.exp(logp[k]!);
        // d logp_a / d logit_k = [k = a] - p_k;  d H / d logit_k = -p_k (log p_k + H).
        const g = dLogProb[i]! * ((k === a ? 1 : 0) - p) - dEntropy[i]! * p * (logp[k]! + h);
        gradLogits[i * n + k] = gradLogits[i * n + k]! + g;
      }
      out.logProb[i] = logp[a]!;
      out.entropy[i] = h;
    }
  }
}
