/**
 * The Space contract, after Gymnasium's `Space`. It sits in core, below the concrete spaces of
 * `spaces/` (Box, Discrete, Dict, Tuple), because Env is declared in terms of it.
 */
import { Rng } from './rng.js';

/**
 * A set of values an observation or action can take, with a seeded sampler.
 * `T` is the value type: `NDArray` for Box, `number` for Discrete, records and arrays for Dict and Tuple.
 */
export abstract class Space<T = unknown> {
  private rng: Rng | undefined;

  /** Seeds the sampler; returns the seeds used (composite spaces seed each part). */
  seed(seed?: number): number[] {
    this.rng = new Rng(seed);
    return [this.rng.seed];
  }

  /** The sampler, created unseeded on first use. */
  protected get npRandom(): Rng {
    this.rng ??= new Rng();
    return this.rng;
  }

  /** A uniformly (or, for unbounded Boxes, normally/exponentially) distributed random element. */
  abstract sample(): T;

  /** Why `value` is not an element of this space, or `undefined` if it is. */
  abstract explain(value: unknown): string | undefined;

  contains(value: unknown): value is T {
    return this.explain(value) === undefined;
  }

  /** A short human-readable description such as `Box(-2, 2, [1], float32)`. */
  abstract toString(): string;

  /** Structural equality of two spaces (ignores the sampler state). */
  abstract equals(other: Space<unknown>): boolean;
}
