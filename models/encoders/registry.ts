/** Encoders by name: `registerEncoder('my-vae', factory)`, then `--obs latent --encoder my-vae`. */
import { ModelConfigError } from '../errors.js';
import type { Encoder, EncoderFactory, EncoderOptions } from './encoder.js';

const registry = new Map<string, { factory: EncoderFactory; description: string }>();

export function registerEncoder(name: string, factory: EncoderFactory, description = ''): void {
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
