/**
 * The environment registry: `register(id, factory, {...})` and `make(id, options)`.
 * `make` wraps the env in PassiveEnvChecker, then TimeLimit, then OrderEnforcing. Gymnasium puts the
 * time limit outermost; we put order enforcement there so it also refuses a step after truncation,
 * and so its caller-side checks (reset arguments, well-formed finite actions, render mode, use
 * after close) run first, for every env.
 */
import type { CommonEnvOptions, EnvFactory, EnvSpec } from './core/env.js';
import { Env, RENDER_MODES } from './core/env.js';
import { describe } from './core/describe.js';
import { InvalidOptionError, RegistrationError } from './core/errors.js';
import { optionsRecord, rejectUnknownOptions } from './core/validate.js';
import { PassiveEnvChecker } from './wrappers/passive-env-checker.js';
import { OrderEnforcing } from './wrappers/order-enforcing.js';
import { TimeLimit } from './wrappers/time-limit.js';

export interface RegisterOptions<Opts extends object> {
  /** Episodes are truncated after this many steps (TimeLimit); omit for no limit. */
  maxEpisodeSteps?: number;
  /** Default values of the env's own options; their keys are the only options `make` accepts. */
  defaults?: Opts;
  rewardThreshold?: number;
  /** Whether the same seed can give different episodes (then the checker skips determinism). */
  nondeterministic?: boolean;
  description?: string;
}

export interface MakeOptions extends CommonEnvOptions {
  /** Overrides the registered limit (a positive integer); null removes the TimeLimit. */
  maxEpisodeSteps?: number | null;
  /** Skip the passive checker (it only inspects the first reset and step). */
  disableEnvChecker?: boolean;
  [envOption: string]: unknown;
}

const MAKE_OPTIONS = ['renderMode', 'maxEpisodeSteps', 'disableEnvChecker'] as const;
const REGISTER_OPTIONS: readonly (keyof RegisterOptions<object>)[] = [
  'maxEpisodeSteps', 'defaults', 'rewardThreshold', 'nondeterministic', 'description',
];
const ID_PATTERN = /^(?:[\w:.-]+\/)?[A-Za-z][\w:.-]*?(?:-v\d+)$/;

const registry = new Map<string, EnvSpec>();

export function register<Opts extends object = Record<string, unknown>>(
  id: string,
  factory: EnvFactory<Opts>,
  options: RegisterOptions<Opts> = {},
): EnvSpec {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new RegistrationError(`register: id ${typeof id === 'string' ? `'${id}'` : describe(id)} must look like 'Name-vN' (optionally 'namespace/Name-vN')`);
  }
  if (registry.has(id)) throw new RegistrationError(`register: '${id}' is already registered`);
  if (typeof factory !== 'function') throw new RegistrationError(`register: factory for '${id}' must be a function`);
  const where = `register('${id}')`;
  const checked = optionsRecord(where, options, '{ maxEpisodeSteps: 200 }', RegistrationError) as RegisterOptions<Opts>;
  rejectUnknownOptions(where, checked, REGISTER_OPTIONS, 'option', RegistrationError);
  const { maxEpisodeSteps } = checked;
  if (maxEpisodeSteps !== undefined && (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0)) {
    throw new RegistrationError(`register: maxEpisodeSteps for '${id}' must be a positive integer`);
  }
  const defaults = optionsRecord(`${where} defaults`, checked.defaults, '{ bound: 3 }', RegistrationError);
  const spec: EnvSpec = {
    id,
    factory: factory as EnvFactory<any>,
    maxEpisodeSteps,
    defaults: Object.freeze({ ...defaults }),
    rewardThreshold: checked.rewardThreshold,
    nondeterministic: checked.nondeterministic ?? false,
    description: checked.description ?? '',
  };
  registry.set(id, spec);
  return spec;
}

/** Remove a registration (mainly for tests and for re-registering a user env). */
export function deregister(id: string): boolean {
  return registry.delete(id);
}

export function registeredIds(): string[] {
  return [...registry.keys()].sort();
}

export function spec(id: string): EnvSpec {
  if (typeof id !== 'string') {
    throw new RegistrationError(`env id must be a string such as 'Name-vN', got ${describe(id)}; registered: ${registeredIds().join(', ') || '(none)'}`);
  }
  const found = registry.get(id);
  if (found) return found;
  const base = id.replace(/-v\d+$/, '');
  const versions = registeredIds().filter((k) => k.replace(/-v\d+$/, '') === base);
  const hint = versions.length > 0 ? ` (registered versions: ${versions.join(', ')})` : '';
  throw new RegistrationError(`unknown env id '${id}'${hint}; registered: ${registeredIds().join(', ') || '(none)'}`);
}

/**
 * Build a registered env with its standard wrappers. Unknown option names, values whose type
 * differs from the registered default, and a factory that returns no Env are refused by name.
 */
export function make<O = unknown, A = unknown>(id: string, options: MakeOptions = {}): Env<O, A> {
  const envSpec = spec(id);
  const where = `make('${id}')`;
  const checked = optionsRecord(where, options, "{ renderMode: 'rgb_array' }") as MakeOptions;
  rejectUnknownOptions(where, checked, [...MAKE_OPTIONS, ...Object.keys(envSpec.defaults)]);
  const { renderMode, maxEpisodeSteps, disableEnvChecker, ...envOptions } = checked;
  if (renderMode !== undefined && !RENDER_MODES.includes(renderMode)) {
    throw new InvalidOptionError(`${where}: option 'renderMode' must be one of ${RENDER_MODES.join(', ')}, got ${String(renderMode)}`);
  }
  for (const [key, value] of Object.entries(envOptions)) {
    const expected = envSpec.defaults[key];
    if (expected !== undefined && expected !== null && value !== undefined && typeof value !== typeof expected) {
      throw new InvalidOptionError(`${where}: option '${key}' must be a ${typeof expected}, got ${typeof value} ${JSON.stringify(value)}`);
    }
  }
  const limit = maxEpisodeSteps === undefined ? envSpec.maxEpisodeSteps : maxEpisodeSteps ?? undefined;
  if (maxEpisodeSteps !== null && limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) {
    throw new InvalidOptionError(`${where}: option 'maxEpisodeSteps' must be a positive integer, or null for no time limit, got ${String(limit)}`);
  }
  const made: unknown = envSpec.factory({ ...envSpec.defaults, ...envOptions, renderMode });
  if (!(made instanceof Env)) {
    throw new RegistrationError(`${where}: the factory registered for '${id}' returned ${describe(made)}; it must return an instance of a class extending Env`);
  }
  let env: Env<any, any> = made;
  const madeSpec: EnvSpec = { ...envSpec, maxEpisodeSteps: limit, options: { ...checked } };
  env.spec = madeSpec;
  if (!disableEnvChecker) env = new PassiveEnvChecker(env);
  if (limit !== undefined) env = new TimeLimit(env, limit);
  env = new OrderEnforcing(env);
  return env as Env<O, A>;
}
