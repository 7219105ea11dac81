// Evaluation of latent spaces: the alignment regressor recovers a known map, distortion is zero for a
// scaled isometry and positive for a warped encoder, over same-group pairs only, and PCA recovers the
// principal directions of a synthetic low-rank data set (fit on one set, project another).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../models/compute/backend.js';
import { Rng } from '../envs/core/rng.js';
import { alignmentError, analyzeLatents, distortion, fitAlignment, fitPca, formatAnalyses, pcaBaseline, symmetricEigen } from '../models/index.js';

before(async () => {
  await initBackend();
});

/** n x s states in [0, 1] and latents z = A s + b (d x s map A). */
function linearData(n: number, rng: Rng, a: number[][], b: number[]) {
  const s = a[0]!.length;
  const d = a.length;
  const states = new Float32Array(n * s);
  const latents = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s; j++) states[i * s + j] = rng.random();
    for (let r = 0; r < d; r++) {
      let z = b[r]!;
      for (let j = 0; j < s; j++) z += a[r]![j]! * states[i * s + j]!;
      latents[i * d + r] = z;
    }
  }
  return { states, latents };
}

test('alignment: the regressor recovers a known linear map (small MAE on held-out data), without leaking tensors', () => {
  const rng = new Rng(3);
  const a = [[1.5, -0.5, 0.2], [0.3, 1.0, -0.8], [-0.7, 0.4, 1.2], [0.5, 0.5, 0.5]];
  const b = [0.1, -0.2, 0.3, 0];
  const train = linearData(2000, rng, a, b);
  const test = linearData(500, rng, a, b);
  const before = tf.memory().numTensors;
  const options = { latentDim: 4, stateDim: 3, seed: 11, hidden: [64, 64], learningRate: 3e-3, iterations: 1500, batchSize: 128, dropout: 0 };
  const regressor = fitAlignment(train.latents, train.states, options);
  const mae = alignmentError(regressor, test.latents, test.states);
  assert.equal(mae.length, 3);
  // A constant prediction (the mean) would score about 0.25 per dimension on U[0, 1].
  for (const e of mae) assert.ok(e < 0.03, `held-out MAE per dimension ${[...mae].map((x) => x.toFixed(4))}`);
  assert.equal(regressor.steps, 1500);
  regressor.dispose();
  assert.equal(tf.memory().numTensors, before);

  // With the default dropout and early stopping on a held-out fifth: still far better than constant.
  const stopped = fitAlignment(train.latents, train.states, { ...options, dropout: 0.2, iterations: 3000, validationFraction: 0.2, validationInterval: 50, patience: 4 });
  const mae2 = alignmentError(stopped, test.latents, test.states);
  for (const e of mae2) assert.ok(e < 0.08, `MAE with dropout ${[...mae2]}`);
  assert.ok(stopped.validationError !== undefined && stopped.validationError < 0.08);
  stopped.dispose();
  assert.equal(tf.memory().numTensors, before);

  // The same seed gives the same regressor.
  const r1 = fitAlignment(train.latents, train.states, { ...options, iterations: 20 });
  const r2 = fitAlignment(train.latents, train.states, { ...options, iterations: 20 });
  assert.deepEqual(r1.predict(test.latents.subarray(0, 40)), r2.predict(test.latents.subarray(0, 40)));
  r1.dispose();
  r2.dispose();
  assert.throws(() => fitAlignment(train.latents.subarray(0, 7), train.states, options), RangeError);
  assert.throws(() => alignmentError(regressor, test.latents, test.states.subarray(0, 30)), RangeError);
});

test('distortion: 0 for a scaled isometry, > 0 for a warped encoder, pairs restricted to one group', () => {
  const rng = new Rng(5);
  const n = 600;
  const s = 3;
  const d = 5;
  const states = new Float64Array(n * s);
  for (let i = 0; i < states.length; i++) states[i] = rng.random();
  // A random 5x3 matrix with orthonormal columns (a rotation into 5-D), times 2.5, plus an offset.
  const q = new Float64Array(d * s);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < s; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += q[r * s + j]! * q[r * s + k]!;
      for (let r = 0; r < d; r++) q[r * s + j] = q[r * s + j]! - dot * q[r * s + k]!;
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * s + j]! ** 2;
    for (let r = 0; r < d; r++) q[r * s + j] = q[r * s + j]! / Math.sqrt(norm);
  }
  const iso = new Float64Array(n * d);
  const warped = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      let z = 0.7 * r;
      for (let j = 0; j < s; j++) z += 2.5 * q[r * s + j]! * states[i * s + j]!;
      iso[i * d + r] = z;
      warped[i * d + r] = Math.exp(z) + (r === 0 ? states[i * s]! ** 3 : 0);
    }
  }
  const options = { latentDim: d, stateDim: s };
  const exact = distortion(iso, states, undefined, options);
  assert.equal(exact.pairs, (500 * 499) / 2); // the first 500 samples by default
  assert.ok(exact.std < 1e-9, `std ${exact.std}`);
  assert.ok(Math.abs(exact.mean - Math.log(2.5)) < 1e-9, `mean ${exact.mean}`);
  const bent = distortion(warped, states, undefined, options);
  assert.ok(bent.std > 0.05, `warped std ${bent.std}`);

  // Groups: only pairs within the same group count.
  const groups = Int32Array.from({ length: n }, (_, i) => i % 3);
  const grouped = distortion(iso, states, groups, { ...options, limit: 30 });
  assert.equal(grouped.pairs, 3 * ((10 * 9) / 2));
  // Shift each group's latents far apart: across-group pairs would spread the ratios, same-group ones do not.
  const rescaled = Float64Array.from(iso, (z, k) => z + 100 * (Math.floor(k / d) % 3) * (k % d === 0 ? 1 : 0));
  const within = distortion(rescaled, states, groups, options);
  assert.ok(within.std < 1e-9, `same-group pairs only: std ${within.std}`);
  assert.equal(within.pairs, 2 * ((167 * 166) / 2) + (166 * 165) / 2); // groups of 167, 167, 166 among the first 500
  assert.ok(distortion(rescaled, states, undefined, options).std > 0.5, 'all pairs, across groups');
  // Columns: the state distance over a subset of dims; the authors' latent-column quirk on request.
  const sub = distortion(iso, states, undefined, { ...options, stateColumns: [0, 1] });
  assert.ok(sub.std > 0.01);
  const quirk = distortion(iso, states, undefined, { ...options, latentColumns: [2, 3, 4] });
  assert.ok(quirk.std > 0.01);
  assert.ok(Number.isNaN(distortion(iso, states, Int32Array.from({ length: n }, (_, i) => i), options).std));
  assert.throws(() => distortion(iso, states, groups.subarray(1), options), RangeError);
  assert.throws(() => distortion(iso, states, undefined, { ...options, stateColumns: [3] }), RangeError);
});

test('PCA: recovers the principal directions of a synthetic low-rank data set; the fit projects other data', () => {
  const rng = new Rng(9);
  const D = 300;
  const n = 400;
  const k = 3;
  // Orthonormal directions u_c and scores with standard deviations 3, 2, 1, plus a mean and tiny noise.
  const u = new Float64Array(k * D);
  for (let i = 0; i < u.length; i++) u[i] = rng.normal();
  for (let c = 0; c < k; c++) {
    for (let e = 0; e < c; e++) {
      let dot = 0;
      for (let x = 0; x < D; x++) dot += u[c * D + x]! * u[e * D + x]!;
      for (let x = 0; x < D; x++) u[c * D + x] = u[c * D + x]! - dot * u[e * D + x]!;
    }
    let norm = 0;
    for (let x = 0; x < D; x++) norm += u[c * D + x]! ** 2;
    for (let x = 0; x < D; x++) u[c * D + x] = u[c * D + x]! / Math.sqrt(norm);
  }
  const sd = [3, 2, 1];
  // Scores with exactly zero mean, zero correlation and the set standard deviations in every sample,
  // so that the sample's principal directions are exactly u (up to the tiny noise).
  const make = (m: number) => {
    const scores = new Float64Array(m * k);
    for (let i = 0; i < scores.length; i++) scores[i] = rng.normal();
    for (let c = 0; c < k; c++) {
      let mean = 0;
      for (let i = 0; i < m; i++) mean += scores[i * k + c]! / m;
      for (let i = 0; i < m; i++) scores[i * k + c] = scores[i * k + c]! - mean;
      for (let e = 0; e < c; e++) {
        let dot = 0;
        let ee = 0;
        for (let i = 0; i < m; i++) { dot += scores[i * k + c]! * scores[i * k + e]!; ee += scores[i * k + e]! ** 2; }
        for (let i = 0; i < m; i++) scores[i * k + c] = scores[i * k + c]! - (dot / ee) * scores[i * k + e]!;
      }
      let ss = 0;
      for (let i = 0; i < m; i++) ss += scores[i * k + c]! ** 2;
      for (let i = 0; i < m; i++) scores[i * k + c] = (scores[i * k + c]! * sd[c]!) / Math.sqrt(ss / m);
    }
    const data = new Float64Array(m * D);
    for (let i = 0; i < m; i++) {
      for (let x = 0; x < D; x++) {
        let v = 0.5 + 0.001 * rng.normal();
        for (let c = 0; c < k; c++) v += scores[i * k + c]! * u[c * D + x]!;
        data[i * D + x] = v;
      }
    }
    return data;
  };
  const data = make(n);
  const model = fitPca(data, { featureSize: D, components: k, seed: 1 });
  for (let c = 0; c < k; c++) {
    let dot = 0;
    for (let x = 0; x < D; x++) dot += model.directions[c * D + x]! * u[c * D + x]!;
    assert.ok(Math.abs(dot) > 0.99999, `component ${c}: |cos| = ${Math.abs(dot)}`);
  }
  assert.ok(model.variances[0]! > model.variances[1]! && model.variances[1]! > model.variances[2]!);
  assert.ok(Math.abs(model.variances[0]! / 9 - 1) < 1e-3, `variance ${model.variances[0]}`);
  // Projections of held-out data: uncorrelated and with the trained variances (roughly).
  const other = make(400);
  const z = model.transform(other);
  assert.equal(z.length, 400 * k);
  let var0 = 0;
  for (let i = 0; i < 400; i++) var0 += z[i * k]! ** 2;
  assert.ok(Math.abs(var0 / 400 / 9 - 1) < 1e-3, `held-out variance ${var0 / 400}`);

  // uint8 frames (scaled to [0, 1]): pcaBaseline keeps 5 components of a rank-2 pattern set.
  const frames = new Uint8Array(200 * 48);
  const pa = Array.from({ length: 48 }, (_, x) => Math.sin(x / 5));
  const pb = Array.from({ length: 48 }, (_, x) => (x % 7 < 3 ? 1 : -1));
  for (let i = 0; i < 200; i++) {
    const sa = rng.uniform(-1, 1);
    const sb = rng.uniform(-0.4, 0.4);
    for (let x = 0; x < 48; x++) frames[i * 48 + x] = Math.round(127 + 60 * sa * pa[x]! + 60 * sb * pb[x]!);
  }
  const baseline = pcaBaseline(frames, 48);
  assert.equal(baseline.components, 5);
  assert.equal(baseline.transform(frames.subarray(0, 48 * 10)).length, 50);
  assert.ok(baseline.variances[1]! > 100 * baseline.variances[2]!, `variances ${[...baseline.variances]}`);
  const norm = Math.hypot(...pa);
  let cos = 0;
  for (let x = 0; x < 48; x++) cos += baseline.directions[x]! * pa[x]! / norm;
  assert.ok(Math.abs(cos) > 0.99, `first component vs the strong pattern: ${cos}`);
  assert.throws(() => fitPca(frames, { featureSize: 47 }), RangeError);

  // The small symmetric eigensolver.
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 5]), 3);
  assert.deepEqual([...values].map((x) => +x.toFixed(12)), [5, 3, 1]);
  assert.ok(Math.abs(Math.abs(vectors[2 * 3 + 0]!) - 1) < 1e-12);
});

test('analyzeLatents scores train and test sets the same way for every method; formatAnalyses puts them side by side', () => {
  const rng = new Rng(21);
  const a = [[1, 0], [0, 1], [0.5, 0.5]];
  const train = linearData(300, rng, a, [0, 0, 0]);
  const test = linearData(100, rng, a, [0, 0, 0]);
  const noise = Float32Array.from(train.latents, () => rng.random());
  const options = { latentDim: 3, stateDim: 2, seed: 4, alignment: { hidden: [16], iterations: 300, learningRate: 1e-2, batchSize: 64, dropout: 0 }, distortion: { limit: 100 } };
  const good = analyzeLatents(train, { random: test }, options);
  const bad = analyzeLatents({ ...train, latents: noise }, { random: { ...test, latents: Float32Array.from(test.latents, () => rng.random()) } }, options);
  assert.deepEqual(Object.keys(good.alignment), ['train', 'random']);
  assert.ok(good.alignment.random![0]! < bad.alignment.random![0]!);
  assert.ok(good.distortion.random!.std < bad.distortion.random!.std);
  assert.equal(good.distortion.train!.pairs, (100 * 99) / 2);
  const table = formatAnalyses({ trained: good, untrained: bad }, ['x', 'v']);
  const lines = table.split('\n');
  assert.match(lines[0]!, /^set\s+measure\s+trained\s+untrained$/);
  assert.equal(lines.length, 1 + 2 * 3);
  assert.match(table, /random\s+distortion std\s+\d\.\d{4}\s+\d\.\d{4}/);
});
