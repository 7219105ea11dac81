/**
 * PPO's loss on one minibatch, computed on the policy's outputs in plain TypeScript, with its
 * gradient with respect to those outputs (the networks backpropagate it, see policy.ts):
 *
 *   loss = policyLoss - entropyCoef * entropy + valueCoef * valueLoss
 *   policyLoss = mean_i max(-A_i r_i, -A_i clip(r_i, 1 - eps, 1 + eps)),  r_i = exp(logp_i - logp_old_i)
 *   valueLoss  = mean_i 0.5 max((v_i - R_i)^2, (v_old_i + clip(v_i - v_old_i, -eps, eps) - R_i)^2)
 *                (0.5 mean (v_i - R_i)^2 without value clipping; the 0.5 is CleanRL's)
 *   entropy    = mean_i H(pi(. | s_i))
 *
 * Statistics as CleanRL logs them: approxKl = mean((r - 1) - log r) (the unbiased, always
 * non-negative k3 estimator), clipFraction = mean(|r - 1| > eps).
 */
import type { ActionDistribution } from './distributions.js';

export interface LossCoefficients {
  /** Clip range eps of the probability ratio (and of the value change when clipValueLoss). */
  clipCoef: number;
  clipValueLoss: boolean;
  valueCoef: number;
  entropyCoef: number;
}

/** The stored side of a minibatch of B transitions (rows of the rollout buffer). */
export interface LossBatch {
  size: number;
  /** [B, actionSize]: the sampled (unclipped) actions. */
  actions: Float32Array;
  /** [B]: log pi_old(a | s) at collection time. */
  logProbs: Float32Array;
  /** [B]: GAE advantages (normalised per minibatch when the config says so). */
  advantages: Float32Array;
  /** [B]: value targets, advantages + V_old. */
  returns: Float32Array;
  /** [B]: V_old(s) at collection time. */
  values: Float32Array;
}

/** What the networks produced for the minibatch (read back from TensorFlow.js). */
export interface PolicyOutputs {
  /** [B, paramSize]: Gaussian means or categorical logits. */
  params: Float32Array;
  /** [sharedSize]: the Gaussian's log std (empty for categorical). */
  shared: Float32Array;
  /** [B]: V(s). */
  values: Float32Array;
}

export interface LossStats {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
}

export interface LossResult extends LossStats {
  /** dLoss / d outputs, same shapes as PolicyOutputs. */
  grad: PolicyOutputs;
}

/** One sample's clipped surrogate loss, max(-A r, -A clip(r)), and its derivative in r. */
export function clippedSurrogate(ratio: number, advantage: number, clipCoef: number): { loss: number; dRatio: number } {
  const clipped = Math.min(Math.max(ratio, 1 - clipCoef), 1 + clipCoef);
  const unclippedLoss = -advantage * ratio;
  const clippedLoss = -advantage * clipped;
  // Where the clipped term wins, r is outside the range and the loss is flat in r.
  return unclippedLoss >= clippedLoss ? { loss: unclippedLoss, dRatio: -advantage } : { loss: clippedLoss, dRatio: 0 };
}

/** One sample's value loss (clipped around the old value when clipCoef is a number) and its derivative in v. */
export function clippedValueLoss(value: number, oldValue: number, target: number, clipCoef: number | null): { loss: number; dValue: number } {
  const unclipped = value - target;
  if (clipCoef === null) return { loss: 0.5 * unclipped * unclipped, dValue: unclipped };
  const change = value - oldValue;
  const inRange = Math.abs(change) <= clipCoef;
  const clipped = oldValue + Math.min(Math.max(change, -clipCoef), clipCoef) - target;
  return unclipped * unclipped >= clipped * clipped
    ? { loss: 0.5 * unclipped * unclipped, dValue: unclipped }
    : { loss: 0.5 * clipped * clipped, dValue: inRange ? clipped : 0 };
}

/** Standardise advantages in place: (A - mean) / (std + 1e-8), std with n - 1 as torch does; size 1 is left alone. */
export function normalizeAdvantages(advantages: Float32Array, size = advantages.length): void {
  if (size < 2) return;
  let mean = 0;
  for (let i = 0; i < size; i++) mean += advantages[i]!;
  mean /= size;
  let squares = 0;
  for (let i = 0; i < size; i++) squares += (advantages[i]! - mean) ** 2;
  const std = Math.sqrt(squares / (size - 1));
  for (let i = 0; i < size; i++) advantages[i] = (advantages[i]! - mean) / (std + 1e-8);
}

/** Scratch arrays reused across minibatches (the loss runs 10^4-10^5 times per run). */
class Scratch {
  logProb = new Float32Array(0);
  entropy = new Float32Array(0);
  dLogProb = new Float32Array(0);
  dEntropy = new Float32Array(0);

  ensure(size: number): this {
    if (this.logProb.length < size) {
      this.logProb = new Float32Array(size);
      this.entropy = new Float32Array(size);
      this.dLogProb = new Float32Array(size);
      this.dEntropy = new Float32Array(size);
    }
    return this;
  }
}

const scratch = new Scratch();

/** PPO's loss, its statistics and its gradient with respect to the networks' outputs. */
export function ppoLoss(dist: ActionDistribution, out: PolicyOutputs, batch: LossBatch, coefs: LossCoefficients): LossResult {
  const n = batch.size;
  const s = scratch.ensure(n);
  const grad: PolicyOutputs = {
    params: new Float32Array(n * dist.paramSize),
    shared: new Float32Array(dist.sharedSize),
    values: new Float32Array(n),
  };
  // First the ratio needs log pi(a|s): run the distribution forward, then fill in the
  // coefficients dL/dlogp and dL/dH and run it again backward (cheap: B x actionSize numbers).
  dist.logProb(out.params, out.shared, batch.actions, n, s.logProb);
  let policyLoss = 0;
  let valueLoss = 0;
  let approxKl = 0;
  let clipped = 0;
  const valueClip = coefs.clipValueLoss ? coefs.clipCoef : null;
  for (let i = 0; i < n; i++) {
    const logRatio = s.logProb[i]! - batch.logProbs[i]!;
    const ratio = Math.exp(logRatio);
    const surrogate = clippedSurrogate(ratio, batch.advantages[i]!, coefs.clipCoef);
    policyLoss += surrogate.loss;
    s.dLogProb[i] = (surrogate.dRatio * ratio) / n; // d r / d logp = r
    s.dEntropy[i] = -coefs.entropyCoef / n;
    approxKl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > coefs.clipCoef) clipped += 1;
    const v = clippedValueLoss(out.values[i]!, batch.values[i]!, batch.returns[i]!, valueClip);
    valueLoss += v.loss;
    grad.values[i] = (coefs.valueCoef * v.dValue) / n;
  }
  dist.logProbEntropyBackward(
    out.params, out.shared, batch.actions, n, { logProb: s.logProb, entropy: s.entropy },
    s.dLogProb, s.dEntropy, grad.params, grad.shared,
  );
  let entropy = 0;
  for (let i = 0; i < n; i++) entropy += s.entropy[i]!;
  policyLoss /= n;
  valueLoss /= n;
  entropy /= n;
  return {
    loss: policyLoss - coefs.entropyCoef * entropy + coefs.valueCoef * valueLoss,
    policyLoss, valueLoss, entropy, approxKl: approxKl / n, clipFraction: clipped / n, grad,
  };
}
