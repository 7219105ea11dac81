import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSeed } from '../envs/core/rng.js';

test('deriveSeed: named streams are reproducible, distinct, and leave room for consecutive seeds', () => {
  assert.equal(deriveSeed(1, 'policy-init'), deriveSeed(1, 'policy-init'));
  const seeds = new Set<number>();
  for (let seed = 0; seed < 50; seed++) {
    for (const stream of ['policy-init', 'agent', 'encoder-init', 'evaluation']) seeds.add(deriveSeed(seed, stream));
  }
  assert.equal(seeds.size, 200, 'no two (seed, stream) pairs share a seed');
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s <= 2 ** 31 - 1 - 1024);
  assert.ok(deriveSeed(7, 'evaluation', 1_000_000) + 999_999 <= 2 ** 31 - 1);
  assert.throws(() => deriveSeed(-1, 'agent'), /seed must be an integer/);
});
