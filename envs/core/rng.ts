/**
 * Seeded random number generation. Every source of randomness in an environment or space goes
 * through an `Rng`, so the same seed reproduces the same episode bit for bit.
 */
import { randomInt } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** The largest seed (seeds are integers in [0, MAX_SEED]). */
export const MAX_SEED = 2 ** 31 - 1;

export class Rng {
  private readonly gen: JumpableRandomGenerator;
  /** The seed this generator was created from (for the run record). */
  readonly seed: number;

  constructor(seed?: number, state?: readonly number[]) {
    if (seed === undefined) seed = randomInt(0, MAX_SEED);
    assertSeed(seed);
    this.seed = seed;
    this.gen = xoroshiro128plusFromState(state ?? expandSeed(seed));
  }

  /** Uniform in [0, 1). */
  random(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * uniformFloat64(this.gen);
  }

  /** Uniform integer in [low, high] (both inclusive). */
  integer(low: number, high: number): number {
    return uniformInt(this.gen, low, high);
  }

  /** Standard normal (Box-Muller on two uniforms; the second variate is discarded for simplicity). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - uniformFloat64(this.gen); // in (0, 1]
    const u2 = uniformFloat64(this.gen);
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Exponential with unit rate. */
  exponential(): number {
    return -Math.log(1 - uniformFloat64(this.gen));
  }

  /** A seed for a child generator, drawn from this one (used to seed sub-spaces and sub-envs). */
  childSeed(): number {
    return uniformInt(this.gen, 0, MAX_SEED);
  }

  /** Internal state, to checkpoint and restore with `new Rng(seed, state)`. */
  getState(): readonly number[] {
    return this.gen.getState();
  }
}

/**
 * The 128-bit xoroshiro state from a 31-bit seed, through SplitMix32 (as the xoroshiro authors
 * advise): seeding the state with the raw seed makes nearby seeds start with nearly equal draws.
 */
export function expandSeed(seed: number): number[] {
  let x = seed | 0;
  return Array.from({ length: 4 }, () => {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  });
}

export function assertSeed(seed: unknown): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer in [0, ${MAX_SEED}], got ${String(seed)}`);
  }
}

/**
 * The seed of the named random stream `stream` of a run seeded `seed` (e.g. 'policy-init',
 * 'evaluation'): each consumer of randomness gets its own stream, derived from the run seed and the
 * stream's name by hashing (FNV-1a of the name, mixed with the seed by SplitMix32), instead of
 * ad-hoc offsets such as seed + 2 that make streams of nearby seeds overlap. The result leaves room
 * below 2^31 - 1 for `reserve` consecutive seeds (a vector env seeds env i with seed + i).
 */
export function deriveSeed(seed: number, stream: string, reserve = 1024): number {
  assertSeed(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  const [mixed] = expandSeed((expandSeed(seed)[0]! ^ hash) | 0);
  return (mixed! >>> 0) % (MAX_SEED - reserve);
}
