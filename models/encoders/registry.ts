/** Encoders by name: `registerEncoder('my-vae', factory)`, then `--obs latent --encoder my-vae`. */
import { ModelConfigError } from '../errors.js';
import type { Encoder, EncoderFactory, EncoderOptions } from './encoder.js';

const registry = new Map<string, { factory: EncoderFactory; description: string }>();

/** Register an encoder under `name`; a name already taken is refused unless `replace` is set. */
export function registerEncoder(name: string, factory: EncoderFactory, description = '', options: { replace?: boolean } = {}): void {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) throw new ModelConfigError(`an encoder name must be letters, digits, '_', '.' or '-', got ${JSON.stringify(name)}`);
  if (typeof factory !== 'function') throw new ModelConfigError(`registerEncoder('${name}'): the factory must be a function (options) => Encoder`);
  if (registry.has(name) && !options.replace) throw new ModelConfigError(`encoder '${name}' is already registered; choose another name, or pass { replace: true }`);
  registry.set(name, { factory, description });
}

export function encoderNames(): string[] {
  return [...registry.keys()].sort();
}

export function encoderDescription(name: string): string {
  return registry.get(name)?.description ?? '';
}

/** Build a registered encoder, or a one-line error naming the registered ones. */
export function makeEncoder(name: string, options: EncoderOptions): Encoder {
  const entry = registry.get(name);
  if (!entry) throw new ModelConfigError(`unknown encoder '${name}'; registered: ${encoderNames().join(', ') || '(none)'}`);
  return entry.factory(options);
}
