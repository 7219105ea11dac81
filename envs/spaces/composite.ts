import { Rng } from '../core/rng.js';
import { Space } from '../core/space.js';
import { describe } from '../core/describe.js';

export type ValueOf<S> = S extends Space<infer T> ? T : never;
export type DictValue<S extends Record<string, Space<unknown>>> = { [K in keyof S]: ValueOf<S[K]> };
export type TupleValue<S extends readonly Space<unknown>[]> = { [K in keyof S]: ValueOf<S[K]> };

/** Seeding a composite space seeds each part from a child seed, so parts draw independent streams. */
function seedParts(parts: readonly Space<unknown>[], seed: number | undefined): number[] {
  const parent = new Rng(seed);
  return [parent.seed, ...parts.flatMap((part) => part.seed(parent.childSeed()))];
}

/** A record of named sub-spaces. Keys are sorted, as Gymnasium does for plain dicts. */
export class Dict<S extends Record<string, Space<unknown>> = Record<string, Space<unknown>>> extends Space<DictValue<S>> {
  readonly spaces: S;
  readonly keys: readonly (keyof S & string)[];

  constructor(spaces: S) {
    super();
    this.keys = (Object.keys(spaces) as (keyof S & string)[]).sort();
    for (const key of this.keys) {
      if (!(spaces[key] instanceof Space)) throw new TypeError(`Dict: '${key}' is not a Space`);
    }
    this.spaces = Object.fromEntries(this.keys.map((k) => [k, spaces[k]])) as unknown as S;
  }

  /** The sub-space under `key` (keys come from `this.keys`, so it exists). */
  part(key: string): Space<unknown> {
    return this.spaces[key] as Space<unknown>;
  }

  override seed(seed?: number): number[] {
    return seedParts(this.keys.map((k) => this.part(k)), seed);
  }

  sample(): DictValue<S> {
    return Object.fromEntries(this.keys.map((k) => [k, this.part(k).sample()])) as DictValue<S>;
  }

  /** Why `value` is not a record with exactly this Dict's keys (parts unchecked), or undefined. */
  explainStructure(value: unknown): string | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return `expected an object with keys ${this.keys.join(', ')}, got ${describe(value)}`;
    }
    const extra = Object.keys(value).filter((k) => !(k in this.spaces));
    if (extra.length > 0) return `unexpected key(s) ${extra.join(', ')}; expected ${this.keys.join(', ')}`;
    const missing = this.keys.find((k) => !(k in value));
    return missing === undefined ? undefined : `missing key '${missing}'`;
  }

  explain(value: unknown): string | undefined {
    const structure = this.explainStructure(value);
    if (structure !== undefined) return structure;
    for (const key of this.keys) {
      const why = this.part(key).explain((value as Record<string, unknown>)[key]);
      if (why !== undefined) return `'${key}': ${why}`;
    }
    return undefined;
  }

  toString(): string {
    return `Dict(${this.keys.map((k) => `${k}: ${this.part(k).toString()}`).join(', ')})`;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Dict && other.keys.length === this.keys.length
      && this.keys.every((k) => k in other.spaces && this.part(k).equals(other.part(k)));
  }
}

/** An ordered, fixed-length list of sub-spaces. */
export class Tuple<S extends readonly Space<unknown>[] = readonly Space<unknown>[]> extends Space<TupleValue<S>> {
  /** The sub-spaces as a plain list. */
  readonly parts: readonly Space<unknown>[];

  constructor(readonly spaces: S) {
    super();
    this.parts = spaces as readonly Space<unknown>[];
    spaces.forEach((s, i) => {
      if (!(s instanceof Space)) throw new TypeError(`Tuple: element ${i} is not a Space`);
    });
  }

  override seed(seed?: number): number[] {
    return seedParts(this.parts, seed);
  }

  sample(): TupleValue<S> {
    return this.parts.map((s) => s.sample()) as TupleValue<S>;
  }

  /** Why `value` is not an array of this Tuple's length (parts unchecked), or undefined. */
  explainStructure(value: unknown): string | undefined {
    if (!Array.isArray(value)) return `expected an array of ${this.parts.length} elements, got ${describe(value)}`;
    return value.length === this.parts.length ? undefined : `expected ${this.parts.length} elements, got ${value.length}`;
  }

  explain(value: unknown): string | undefined {
    const structure = this.explainStructure(value);
    if (structure !== undefined) return structure;
    for (let i = 0; i < this.parts.length; i++) {
      const why = this.parts[i]!.explain((value as unknown[])[i]);
      if (why !== undefined) return `[${i}]: ${why}`;
    }
    return undefined;
  }

  toString(): string {
    return `Tuple(${this.parts.map((s) => s.toString()).join(', ')})`;
  }

  equals(other: Space<unknown>): boolean {
    return other instanceof Tuple && other.parts.length === this.parts.length
      && this.parts.every((s, i) => s.equals(other.parts[i]!));
  }
}
