import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../envs/core/rng.js';
import { Categorical, DiagGaussian, LOG_SQRT_2PI } from '../agents/ppo/distributions.js';
import { type LossBatch, type LossCoefficients, type PolicyOutputs, clippedSurrogate, clippedValueLoss, normalizeAdvantages, ppoLoss } from '../agents/ppo/losses.js';

const close = (actual: number, expected: number, tol = 1e-6, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
const f32 = (xs: number[]) => Float32Array.from(xs);

test('clipped surrogate: max(-A r, -A clip(r, 1 - eps, 1 + eps)) and its slope in r', () => {
  // r above the range with A > 0: the clipped term -2 * 1.2 wins and is flat in r.
  assert.deepEqual(clippedSurrogate(1.5, 2, 0.2), { loss: -2.4, dRatio: 0 });
  // r below the range with A > 0: the unclipped term -1 wins (PPO is pessimistic), slope -A.
  assert.deepEqual(clippedSurrogate(0.5, 2, 0.2), { loss: -1, dRatio: -2 });
  // A < 0: above the range the unclipped term wins, below it the clipped one.
  assert.deepEqual(clippedSurrogate(1.5, -1, 0.2), { loss: 1.5, dRatio: 1 });
  const below = clippedSurrogate(0.5, -1, 0.2);
  close(below.loss, 0.8);
  assert.equal(below.dRatio, 0);
  // Inside the range both terms agree.
  const inside = clippedSurrogate(1.1, 3, 0.2);
  close(inside.loss, -3.3);
  assert.equal(inside.dRatio, -3);
});

test('clipped value loss: 0.5 max((v - R)^2, (v_old + clip(v - v_old) - R)^2) and its slope in v', () => {
  // v moved by 1 from v_old = 1 (clip 0.2): the clipped prediction 1.2 is further from R = 3 and wins.
  const moved = clippedValueLoss(2, 1, 3, 0.2);
  close(moved.loss, 0.5 * 1.8 * 1.8);
  assert.equal(moved.dValue, 0);
  // Within the clip range both are (v - R)^2.
  const small = clippedValueLoss(1.1, 1, 3, 0.2);
  close(small.loss, 0.5 * 1.9 * 1.9);
  close(small.dValue, -1.9);
  // The unclipped term wins when v moved towards R past the clip.
  const towards = clippedValueLoss(0, 1, 0.5, 0.2);
  close(towards.loss, 0.125);
  close(towards.dValue, -0.5);
  // Without clipping: plain 0.5 (v - R)^2.
  assert.deepEqual(clippedValueLoss(2, 1, 3, null), { loss: 0.5, dValue: -1 });
});

test('diagonal Gaussian log-prob and entropy match the closed forms', () => {
  const dist = new DiagGaussian(2);
  const mean = f32([0.5, -1]);
  const logStd = f32([Math.log(2), 0]);
  const out = new Float32Array(1);
  dist.logProb(mean, logStd, f32([1.5, 0]), 1, out);
  // log N(1.5; 0.5, 2^2) + log N(0; -1, 1) = (-log 2 - log sqrt(2 pi) - 0.125) + (-log sqrt(2 pi) - 0.5)
  close(out[0]!, -Math.log(2) - 2 * LOG_SQRT_2PI - 0.625, 1e-6, 'log-prob');
  // H = sum_j log std_j + 1/2 + log sqrt(2 pi) = log 2 + 1 + log(2 pi)
  close(dist.entropy(logStd), Math.log(2) + 1 + Math.log(2 * Math.PI), 1e-6, 'entropy');
});

test('categorical log-prob and entropy match the closed forms', () => {
  const dist = new Categorical(3);
  const logits = f32([0, Math.log(2), Math.log(3)]); // p = 1/6, 2/6, 3/6
  const out = new Float32Array(1);
  dist.logProb(logits, new Float32Array(0), f32([2]), 1, out);
  close(out[0]!, Math.log(0.5), 1e-6, 'log-prob');
  dist.entropy(logits, 1, out);
  close(out[0]!, -(1 / 6) * Math.log(1 / 6) - (1 / 3) * Math.log(1 / 3) - 0.5 * Math.log(0.5), 1e-6, 'entropy');
  const mode = new Float32Array(1);
  dist.mode(logits, 1, mode);
  assert.equal(mode[0], 2);
});

test('sampling follows the distribution (seeded)', () => {
  const rng = new Rng(3);
  const gaussian = new DiagGaussian(1);
  const n = 20000;
  const samples = new Float32Array(n);
  gaussian.sample(new Float32Array(n).fill(1.5), f32([Math.log(0.5)]), n, rng, samples);
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  close(mean, 1.5, 0.02, 'mean');
  close(std, 0.5, 0.02, 'std');
  const categorical = new Categorical(3);
  const logits = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) logits.set([0, Math.log(2), Math.log(3)], 3 * i);
  categorical.sample(logits, new Float32Array(0), n, rng, samples);
  const counts = [0, 0, 0];
  for (const k of samples) counts[k]! += 1;
  counts.forEach((c, k) => close(c / n, (k + 1) / 6, 0.02, `p(${k})`));
});

test('advantage normalisation: zero mean, unit (n - 1) std; one sample left alone', () => {
  const a = f32([1, 2, 3, 4]);
  normalizeAdvantages(a);
  const std = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 3);
  [-1.5, -0.5, 0.5, 1.5].forEach((x, i) => close(a[i]!, x / (std + 1e-8), 1e-6));
  const one = f32([5]);
  normalizeAdvantages(one);
  assert.equal(one[0], 5);
});

/** ppoLoss's loss as a function of (params, shared, values), for finite differences. */
function lossOf(dist: DiagGaussian | Categorical, out: PolicyOutputs, batch: LossBatch, coefs: LossCoefficients): number {
  return ppoLoss(dist, out, batch, coefs).loss;
}

function checkGradient(dist: DiagGaussian | Categorical, batch: LossBatch, out: PolicyOutputs, coefs: LossCoefficients) {
  const { grad, loss } = ppoLoss(dist, out, batch, coefs);
  assert.ok(Number.isFinite(loss));
  const eps = 1e-3;
  for (const key of ['params', 'shared', 'values'] as const) {
    out[key].forEach((x, i) => {
      const plus = { ...out, [key]: out[key].slice() };
      plus[key][i] = x + eps;
      const minus = { ...out, [key]: out[key].slice() };
      minus[key][i] = x - eps;
      const numeric = (lossOf(dist, plus, batch, coefs) - lossOf(dist, minus, batch, coefs)) / (2 * eps);
      assert.ok(Math.abs(numeric - grad[key][i]!) < 2e-3, `d loss / d ${key}[${i}]: analytic ${grad[key][i]} vs numeric ${numeric}`);
    });
  }
}

test('ppoLoss: loss terms and statistics on a hand-made minibatch', () => {
  const dist = new DiagGaussian(1);
  const logStd = f32([0]);
  const out: PolicyOutputs = { params: f32([0, 0]), shared: logStd, values: f32([1, 2]) };
  // Actions 0 and 1 under N(0, 1): logp = -log sqrt(2 pi) and -log sqrt(2 pi) - 0.5.
  const lp0 = -LOG_SQRT_2PI;
  const lp1 = -LOG_SQRT_2PI - 0.5;
  const batch: LossBatch = {
    size: 2, actions: f32([0, 1]), logProbs: f32([lp0 - Math.log(1.5), lp1]), advantages: f32([1, -2]), returns: f32([2, 2]), values: f32([1, 2]),
  };
  const coefs = { clipCoef: 0.2, clipValueLoss: true, valueCoef: 0.5, entropyCoef: 0.01 };
  const r = ppoLoss(dist, out, batch, coefs);
  // Sample 0: r = 1.5 > 1.2 with A = 1 -> -1.2; sample 1: r = 1, A = -2 -> 2.
  close(r.policyLoss, (-1.2 + 2) / 2, 1e-6, 'policy loss');
  // Values unchanged: 0.5 (1 - 2)^2 and 0.
  close(r.valueLoss, 0.25, 1e-6, 'value loss');
  close(r.entropy, 0.5 + LOG_SQRT_2PI, 1e-6, 'entropy');
  close(r.loss, r.policyLoss - 0.01 * r.entropy + 0.5 * r.valueLoss, 1e-9, 'total');
  close(r.approxKl, (0.5 - Math.log(1.5)) / 2, 1e-6, 'approx KL');
  assert.equal(r.clipFraction, 0.5);
});

test('ppoLoss gradients match finite differences (Gaussian and categorical, clipped and not)', () => {
  const rng = new Rng(11);
  const n = 6;
  const coefs = { clipCoef: 0.2, clipValueLoss: true, valueCoef: 0.5, entropyCoef: 0.05 };
  const gaussian = new DiagGaussian(2);
  const params = Float32Array.from({ length: n * 2 }, () => rng.normal() * 0.5);
  const shared = f32([-0.3, 0.2]);
  const actions = Float32Array.from({ length: n * 2 }, () => rng.normal());
  const logProbs = new Float32Array(n);
  gaussian.logProb(params, shared, actions, n, logProbs);
  // Old log-probs off by up to +-0.4, so some ratios fall outside [0.8, 1.2] and some inside.
  const old = logProbs.map((lp, i) => lp + [0.05, -0.4, 0.3, -0.02, 0.1, -0.3][i]!);
  const batch: LossBatch = {
    size: n, actions, logProbs: old, advantages: Float32Array.from({ length: n }, () => rng.normal()),
    returns: Float32Array.from({ length: n }, () => rng.normal()), values: Float32Array.from({ length: n }, () => rng.normal()),
  };
  const values = batch.values.map((v, i) => v + [0.05, -0.5, 0.3, 0.1, -0.15, 0.6][i]!);
  checkGradient(gaussian, batch, { params, shared, values }, coefs);
  checkGradient(gaussian, batch, { params, shared, values }, { ...coefs, clipValueLoss: false });

  const categorical = new Categorical(3);
  const logits = Float32Array.from({ length: n * 3 }, () => rng.normal());
  const choices = f32([0, 2, 1, 1, 0, 2]);
  const lp = new Float32Array(n);
  categorical.logProb(logits, new Float32Array(0), choices, n, lp);
  const discrete: LossBatch = { ...batch, actions: choices, logProbs: lp.map((x, i) => x + [0.3, -0.05, 0.1, -0.4, 0, 0.25][i]!) };
  checkGradient(categorical, discrete, { params: logits, shared: new Float32Array(0), values }, coefs);
});
