import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ndarray, ndEqual } from '../envs/core/ndarray.js';
import { Rng } from '../envs/core/rng.js';
import { Box } from '../envs/spaces/box.js';
import { Discrete } from '../envs/spaces/discrete.js';
import { Dict, Tuple } from '../envs/spaces/composite.js';
import { flatdim, flatten, flattenSpace, unflatten } from '../envs/spaces/flatten.js';
import { batchSpace, concatenate, iterate } from '../envs/spaces/batch.js';

describe('Rng', () => {
  test('the same seed gives the same stream; different seeds differ', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.random());
    const da = draw(a);
    assert.deepEqual(da, draw(b));
    assert.notDeepEqual(da, draw(c));
    assert.ok(da.every((x) => x >= 0 && x < 1));
  });

  test('state round trip continues the stream exactly', () => {
    const a = new Rng(7);
    a.random();
    const copy = new Rng(7, a.getState());
    assert.equal(copy.random(), a.random());
  });

  test('normal draws have mean ~0 and std ~1; integers stay in range', () => {
    const r = new Rng(1);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);
    const ints = Array.from({ length: 1000 }, () => r.integer(2, 4));
    assert.deepEqual([...new Set(ints)].sort(), [2, 3, 4]);
  });

  test('invalid seeds are refused', () => {
    assert.throws(() => new Rng(-1), /seed must be an integer/);
    assert.throws(() => new Rng(1.5), /seed must be an integer/);
  });
});

describe('Box', () => {
  const box = new Box({ low: [-1, 0], high: [1, 10] });

  test('shape and dtype default from the bounds', () => {
    assert.deepEqual(box.shape, [2]);
    assert.equal(box.dtype, 'float32');
    assert.equal(box.toString(), 'Box([-1, 0], [1, 10], [2], float32)');
  });

  test('contains checks shape, dtype castability and bounds', () => {
    assert.ok(box.contains(ndarray([0.5, 3])));
    assert.ok(box.contains(ndarray([1, 10], 'uint8'))); // uint8 casts safely to float32
    assert.equal(box.contains(ndarray([0.5, 3], 'float64')), false); // float64 does not
    assert.match(box.explain(ndarray([2, 3]))!, /element 0 = 2 is outside \[-1, 1\]/);
    assert.match(box.explain(ndarray([0, 1, 2]))!, /shape \[3\] does not match \[2\]/);
    assert.match(box.explain(ndarray([Number.NaN, 1]))!, /NaN/);
    assert.match(box.explain([0, 1])!, /expected an NDArray/);
  });

  test('seeded samples are reproducible and inside the box', () => {
    box.seed(3);
    const a = Array.from({ length: 50 }, () => box.sample());
    box.seed(3);
    const b = Array.from({ length: 50 }, () => box.sample());
    assert.ok(a.every((x, i) => ndEqual(x, b[i]!)));
    assert.ok(a.every((x) => box.contains(x)));
  });

  test('unbounded and half-bounded dimensions sample normal / shifted exponential', () => {
    const half = new Box({ low: [0, -Infinity], high: [Infinity, Infinity] });
    half.seed(0);
    for (let i = 0; i < 100; i++) assert.ok(half.sample().data[0]! >= 0);
    assert.equal(half.isBounded(), false);
  });

  test('integer boxes sample every integer in [low, high]', () => {
    const img = new Box({ low: 0, high: 3, shape: [1000], dtype: 'uint8' });
    img.seed(0);
    const s = img.sample();
    assert.deepEqual([...new Set(s.data)].sort(), [0, 1, 2, 3]);
  });

  test('bad bounds are refused', () => {
    assert.throws(() => new Box({ low: 1, high: 0 }), /exceeds/);
    assert.throws(() => new Box({ low: [0, 0], high: [1], shape: [2] }), /high has 1 values/);
  });
});

describe('Discrete, Dict, Tuple', () => {
  test('Discrete with start', () => {
    const d = new Discrete(3, -1);
    d.seed(0);
    const xs = new Set(Array.from({ length: 200 }, () => d.sample()));
    assert.deepEqual([...xs].sort(), [-1, 0, 1]);
    assert.ok(!d.contains(2));
    assert.ok(!d.contains(0.5));
  });

  test('Dict sorts keys, samples and checks each part', () => {
    const s = new Dict({ velocity: new Box({ low: -1, high: 1, shape: [1] }), mode: new Discrete(2) });
    assert.deepEqual(s.keys, ['mode', 'velocity']);
    s.seed(5);
    const x = s.sample();
    assert.ok(s.contains(x));
    assert.match(s.explain({ mode: 0 })!, /missing key 'velocity'/);
    assert.match(s.explain({ ...x, extra: 1 })!, /unexpected key/);
    s.seed(5);
    assert.deepEqual(s.sample(), x);
  });

  test('Tuple checks length and parts', () => {
    const t = new Tuple([new Discrete(2), new Box({ low: 0, high: 1, shape: [2] })] as const);
    t.seed(1);
    assert.ok(t.contains(t.sample()));
    assert.match(t.explain([0])!, /expected 2 elements/);
    assert.match(t.explain([5, ndarray([0, 0])])!, /\[0\]: 5 is outside/);
  });
});

describe('flatten', () => {
  const space = new Dict({ a: new Discrete(3), b: new Box({ low: 0, high: 255, shape: [2, 2], dtype: 'uint8' }) });

  test('flatdim, flatten and unflatten round trip', () => {
    assert.equal(flatdim(space), 7);
    const x = { a: 2, b: ndarray([1, 2, 3, 4], 'uint8', [2, 2]) };
    const flat = flatten(space, x);
    assert.deepEqual(Array.from(flat.data), [0, 0, 1, 1, 2, 3, 4]);
    assert.equal(flat.dtype, 'int32'); // Discrete (int32) with uint8 promotes to int32
    assert.deepEqual(unflatten(space, flat), x);
  });

  test('flattenSpace bounds: one-hot in [0, 1], Box bounds kept', () => {
    const box = flattenSpace(space);
    assert.deepEqual(Array.from(box.low), [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(box.high), [1, 1, 1, 255, 255, 255, 255]);
  });

  test('unflatten refuses the wrong length', () => {
    assert.throws(() => unflatten(space, [1, 2]), /needs 7/);
  });
});

describe('batching', () => {
  test('batchSpace / concatenate / iterate are inverse for Box and Discrete', () => {
    const box = new Box({ low: -1, high: 1, shape: [2] });
    const batched = batchSpace(box, 3) as Box;
    assert.deepEqual(batched.shape, [3, 2]);
    const items = [ndarray([0.5, -0.5]), ndarray([0, 0]), ndarray([1, -1])];
    const stacked = concatenate(box, items);
    assert.ok(batched.contains(stacked));
    assert.deepEqual(iterate(box, stacked, 3), items);
    const d = new Discrete(4);
    const ds = concatenate(d, [3, 0]);
    assert.deepEqual(iterate(d, ds, 2), [3, 0]);
    assert.throws(() => iterate(box, stacked, 2), /batched NDArray of shape \[2, 2\]/);
  });
});
