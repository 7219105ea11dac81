/**
 * Pieces shared by the CLI commands: the flags' ranges, option builders (every option that takes a
 * value refuses to go without one), argument coercion, command groups, user module paths.
 *
 * Kept light: nothing here (nor in the command files' builders) loads TensorFlow.js, the agents or
 * the plots, so `--help` answers at once; handlers import what they run.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The upper bounds of the count flags (each flag's --help states its range). Seeds stop 2^20 below
 * 2^31 - 1, the largest env seed, because env i of a vector and evaluation episode k are seeded with
 * seed + i and seed + k (at most 1024 envs, 10^6 episodes).
 */
export const LIMITS = {
  /** Environment steps of a rollout or a training run. */
  steps: 1_000_000_000,
  /** Evaluation episodes. */
  episodes: 1_000_000,
  numEnvs: 1024,
  seed: 2 ** 31 - 1 - 2 ** 20,
  /** Vector steps per PPO rollout. */
  numSteps: 1_000_000,
  epochs: 1000,
  minibatchSize: 1_000_000,
  /** Frame height and width, px (make() renders at most 4096). */
  frameSize: 4096,
  frameStack: 64,
  latentDim: 4096,
  encoderUpdates: 10_000,
  encoderBatchSize: 65_536,
  replaySteps: 1_000_000,
  /** Units of an MLP hidden layer. */
  hiddenSize: 65_536,
  /** Training iterations between checkpoints or evaluations. */
  iterations: 1_000_000,
  /** Timed iterations of `bench ppo`. */
  benchIterations: 10_000,
  keepCheckpoints: 1000,
  /** Timed steps of `bench nn`. */
  benchSteps: 10_000,
  /** Seconds of one `bench envs` measurement. */
  benchSeconds: 3600,
} as const;

/** A flag's value as yargs hands it over: a repeated flag arrives as an array. */
function single(name: string, value: unknown): unknown {
  if (Array.isArray(value)) throw new UsageError(`--${name} is given twice (${value.join(', ')}); give it once`);
  return value;
}

/**
 * The text given for `--name` on the command line: yargs hands a number flag's coerce NaN for text
 * that is no number, and the message should quote what was typed.
 */
function given(name: string, value: unknown): string {
  if (!(typeof value === 'number' && Number.isNaN(value))) return String(value);
  const argv = process.argv;
  for (let i = argv.length - 1; i >= 0; i--) {
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
    if (argv[i] === `--${name}` && i + 1 < argv.length) return argv[i + 1]!;
  }
  return 'no number';
}

/** yargs `coerce` for an integer in [min, max]. */
export function integerIn(name: string, min: number, max: number): (value: unknown) => number {
  return (value) => {
    const v = single(name, value);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${given(name, v)}`);
    return n;
  };
}

/** A seed flag's `coerce` (see LIMITS.seed). */
export const seedValue = (name: string) => integerIn(name, 0, LIMITS.seed);

export interface NumberRange {
  min?: number;
  max?: number;
  /** Whether min itself is refused (e.g. a positive rate). */
  openMin?: boolean;
}

const describeRange = ({ min = -Infinity, max = Infinity, openMin = false }: NumberRange) =>
  min === -Infinity && max === Infinity ? 'a finite number'
    : max === Infinity ? `a number ${openMin ? '>' : '>='} ${min}`
      : `a number in ${openMin ? '(' : '['}${min}, ${max}]`;

/** yargs `coerce` for a finite number in a range. */
export function numberIn(name: string, range: NumberRange): (value: unknown) => number {
  const { min = -Infinity, max = Infinity, openMin = false } = range;
  return (value) => {
    const v = single(name, value);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || n < min || (openMin && n === min) || n > max) throw new UsageError(`--${name} must be ${describeRange(range)}, got ${given(name, v)}`);
    return n;
  };
}

/**
 * An option that takes a value (yargs refuses `--flag` with none, naming the flag). An array option
 * must have no yargs default: given without values, it would silently take the default.
 */
export function valueOption<T extends object>(option: T): T & { requiresArg: true } {
  return { ...option, requiresArg: true };
}

/** An integer flag in [min, max], its range in the help; `extra` adds a default and the like. */
export function integerOption<T extends object>(name: string, min: number, max: number, describe: string, extra?: T) {
  return valueOption({ type: 'number' as const, coerce: integerIn(name, min, max), describe: `${describe}; integer in [${min}, ${max}]`, ...extra });
}

/** A real-valued flag in a range, its range in the help. */
export function numberOption<T extends object>(name: string, range: NumberRange, describe: string, extra?: T) {
  return valueOption({ type: 'number' as const, coerce: numberIn(name, range), describe: `${describe}; ${describeRange(range)}`, ...extra });
}

/** A seed flag: the same range on every command. */
export function seedOption<T extends object>(name: string, describe: string, extra?: T) {
  return integerOption(name, 0, LIMITS.seed, describe, extra);
}

/** An output file whose directory must already exist (checked before any work is done). */
export function outputFile(name: string): (value: unknown) => string {
  return (value) => {
    const v = single(name, value);
    if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a file path`);
    const path = resolve(v);
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--${name}: directory ${dir} does not exist`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${name}: ${path} is a directory, expected a file path`);
    return path;
  };
}

/** Resolve user modules (which register their own envs) to file URLs, failing on a missing file. */
export function resolveImports(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const path = resolve(p);
    if (!existsSync(path)) throw new UsageError(`--import: file ${path} does not exist`);
    if (statSync(path).isDirectory()) throw new UsageError(`--import: ${path} is a directory, expected a JavaScript module file`);
    return pathToFileURL(path).href;
  });
}

/** make() options the commands set themselves, with the flag that sets them. */
const COMMAND_SET_OPTIONS: Record<string, string> = { renderMode: 'the command sets the render mode (rollout: --gif; train ppo: --obs)' };

/**
 * `--env-option KEY=VALUE` (repeatable): extra make() options of the env. Values stay strings here;
 * typeEnvOptions types them once the env is known.
 */
export function envOptionOption(describe: string) {
  return valueOption({ type: 'string' as const, array: true as const, coerce: envOptionPairs, describe: `${describe} (repeatable; \`latentgym envs\` lists each env's options)` });
}

/** yargs `coerce` for --env-option: the KEY=VALUE pairs as a record of raw strings. */
export function envOptionPairs(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (Array.isArray(values) ? values : [values]).map(String)) {
    const match = /^([A-Za-z_]\w*)=(.*)$/s.exec(pair);
    if (!match) throw new UsageError(`--env-option must be KEY=VALUE, got ${pair}`);
    const [, key, value] = match as unknown as [string, string, string];
    if (key in out) throw new UsageError(`--env-option ${key} is given twice (${out[key]}, ${value}); give it once`);
    if (COMMAND_SET_OPTIONS[key] !== undefined) throw new UsageError(`--env-option ${key}: ${COMMAND_SET_OPTIONS[key]}`);
    out[key] = value;
  }
  return out;
}

/**
 * --env-option values typed for make(): by the type of the env's default for that option (a string
 * option stays a string, '12' included), else 'true'/'false' as booleans, numbers as numbers, the rest
 * as strings. make() then checks names and ranges (its errors name the option and the valid ones).
 */
export function typeEnvOptions(envId: string, defaults: Readonly<Record<string, unknown>>, raw: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(raw)) {
    const expected = typeof defaults[key];
    const number = text.trim() === '' ? NaN : Number(text);
    if (expected === 'string') out[key] = text;
    else if (expected === 'number') {
      if (!Number.isFinite(number)) throw new UsageError(`--env-option ${key}=${text}: ${envId}'s option '${key}' is a number`);
      out[key] = number;
    } else if (expected === 'boolean') {
      if (text !== 'true' && text !== 'false') throw new UsageError(`--env-option ${key}=${text}: ${envId}'s option '${key}' is true or false`);
      out[key] = text === 'true';
    } else out[key] = text === 'true' ? true : text === 'false' ? false : Number.isFinite(number) ? number : text;
  }
  return out;
}

/** A command with subcommands, built by commandGroup: its name and its subcommands' names. */
export interface CommandGroup extends CommandModule {
  /** What a subcommand is ('benchmark suite', 'algorithm'). */
  readonly noun: string;
  readonly subcommands: readonly string[];
}

/** The first word of a command module's `command` (its name). */
export const commandName = (command: CommandModule<any, any>): string => String(command.command).split(' ')[0]!;

/** The message for a group named without a subcommand. */
export const nameOne = (noun: string, names: readonly string[]) => `name ${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}: ${names.join(', ')}`;

/**
 * `NAME <noun>` whose subcommands are `commands` (`bench envs|nn|ppo`, `train ppo`): naming none or
 * an unknown one is one line listing the valid ones.
 */
export function commandGroup(name: string, noun: string, describe: string, commands: readonly CommandModule<any, any>[]): CommandGroup {
  const names = commands.map(commandName);
  const positional = noun.split(' ').pop()!;
  return {
    command: `${name} <${positional}>`,
    describe,
    noun,
    subcommands: names,
    builder: (y: Argv) => commands.reduce((b, command) => b.command(dryRunnable(command)), y).demandCommand(1, nameOne(noun, names)),
    handler: (args: Record<string, unknown>) => {
      // Reached only when no subcommand matched.
      throw new UsageError(`unknown ${noun} '${String(args[positional])}'; valid: ${names.join(', ')}`);
    },
  };
}

/**
 * The command with --dry-run: once yargs has checked the flags (and the commands' own checks, which
 * run as middleware after the global ones), check the env ids too and stop before the handler runs.
 */
export function dryRunnable<T>(command: CommandModule<any, T>): CommandModule<any, T> {
  const handler = command.handler;
  return {
    ...command,
    handler: async (args) => {
      if (!(args as { dryRun?: boolean }).dryRun) return handler(args);
      const { spec } = await import('../../envs/registration.js');
      for (const id of [(args as { env?: unknown }).env ?? []].flat()) spec(String(id)); // an unknown id fails here, naming the registered ones
      process.stdout.write('latentgym: the command line is valid (--dry-run: nothing was run)\n');
    },
  };
}
