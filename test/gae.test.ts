import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeGae } from '../agents/ppo/gae.js';

const f32 = (xs: number[]) => Float32Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);
const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) =>
  b.forEach((x, i) => assert.ok(Math.abs(a[i]! - x) < tol, `index ${i}: ${a[i]} vs ${x}`));

test('GAE matches a hand computation on one env without episode ends', () => {
  const g = 0.9;
  const l = 0.8;
  const { advantages, returns } = computeGae({
    steps: 3, envs: 1, rewards: f32([1, 2, 3]), values: f32([0.5, 1, 1.5]), terminated: u8([0, 0, 0]),
    valid: u8([1, 1, 1]), lastValues: f32([2]), gamma: g, lambda: l,
  });
  const d2 = 3 + g * 2 - 1.5;
  const d1 = 2 + g * 1.5 - 1;
  const d0 = 1 + g * 1 - 0.5;
  const a2 = d2;
  const a1 = d1 + g * l * a2;
  const a0 = d0 + g * l * a1;
  close(advantages, [a0, a1, a2]);
  close(returns, [a0 + 0.5, a1 + 1, a2 + 1.5]);
});

test('termination does not bootstrap; the reset step after it is skipped and cuts the chain', () => {
  // t0 ends the episode (terminated); t1 is the autoreset step; t2 starts the next episode.
  const { advantages } = computeGae({
    steps: 3, envs: 1, rewards: f32([1, 0, 2]), values: f32([0.5, 7, 1]), terminated: u8([1, 0, 0]),
    valid: u8([1, 0, 1]), lastValues: f32([3]), gamma: 0.9, lambda: 0.95,
  });
  close(advantages, [1 - 0.5, 0, 2 + 0.9 * 3 - 1]);
});

test('truncation bootstraps from V(final observation) seen at the reset step', () => {
  // t0 is truncated (not terminated): its next value is values[1] = V(final obs) = 7.
  const { advantages } = computeGae({
    steps: 3, envs: 1, rewards: f32([1, 0, 2]), values: f32([0.5, 7, 1]), terminated: u8([0, 0, 0]),
    valid: u8([1, 0, 1]), lastValues: f32([3]), gamma: 0.9, lambda: 0.95,
  });
  close(advantages, [1 + 0.9 * 7 - 0.5, 0, 2 + 0.9 * 3 - 1]);
});

test('envs are independent and interleaved as t * N + i', () => {
  const { advantages } = computeGae({
    steps: 2, envs: 2, rewards: f32([1, 10, 1, 10]), values: f32([0, 0, 0, 0]), terminated: u8([0, 0, 0, 1]),
    valid: u8([1, 1, 1, 1]), lastValues: f32([1, 100]), gamma: 0.5, lambda: 1,
  });
  // env 0: a1 = 1 + 0.5*1 = 1.5, a0 = 1 + 0.5*1.5 = 1.75; env 1: a1 = 10 (terminal), a0 = 10 + 0.5*10 = 15
  close(advantages, [1.75, 15, 1.5, 10]);
});

test('shape mismatches are refused', () => {
  assert.throws(() => computeGae({
    steps: 2, envs: 1, rewards: f32([1]), values: f32([0, 0]), terminated: u8([0, 0]), valid: u8([1, 1]),
    lastValues: f32([0]), gamma: 0.9, lambda: 0.9,
  }), /rewards has 1 entries, expected 2 x 1/);
});
