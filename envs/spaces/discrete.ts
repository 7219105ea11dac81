import { Space } from '../core/space.js';
import { describe } from '../core/describe.js';

/** The integers {start, start + 1, ..., start + n - 1}. */
export class Discrete extends Space<number> {
  constructor(readonly n: number, readonly start = 0) {
    super();
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new RangeError(`Discrete: start must be an integer, got ${start}`);
  }

  sample(): number {
    return this.npRandom.integer(this.start, this.start + this.n - 1);
  }

  explain(value: unknown): string | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `expected an integer, got ${describe(value)}`;
    if (value < this.start || value >= this.start + this.n) {
      return `${value} is outside {${this.start}, ..., ${this.start + this.n - 1}}`;
    }
    return undefined;
  }

  toString(): string {
    return this.start === 0 ? `Discrete(${this.n})` : `Discrete(${this.n}, start=${this.start})`;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Discrete && other.n === this.n && other.start === this.start;
  }
}
