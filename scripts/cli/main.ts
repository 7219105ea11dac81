/**
 * The `latentgym` command line. Every error is one line on stderr and a non-zero exit code.
 *
 * Only yargs and the command files load up front (their builders need no TensorFlow.js, agents or
 * plots), so `--help` answers at once; the built-in envs and the --import modules load once a
 * command is going to run, and each handler imports what it runs.
 */
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LatentGymError } from '../../envs/core/errors.js';
import { envsCommand } from './envs.js';
import { rolloutCommand } from './rollout.js';
import { benchCommand } from './bench.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { figuresCommand } from './figures.js';
import { collectCommand } from './collect.js';
import { importUserModules, packageVersion } from '../runs/provenance.js';
import { type CommandGroup, UsageError, commandName, dryRunnable, nameOne, resolveImports } from './support.js';

const COMMANDS: readonly (CommandModule<any, any> | CommandGroup)[] = [envsCommand, rolloutCommand, collectCommand, trainCommand, evalCommand, benchCommand, figuresCommand];
const COMMAND_NAMES = COMMANDS.map(commandName);

function reportAndExit(message: string, code: number): never {
  process.stderr.write(`latentgym: ${message}\n`);
  process.exit(code);
}

/** A message as one line: the lines of a multi-line one joined, nothing dropped. */
const oneLine = (message: string) => message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');

/** yargs's own validation messages, in the words of the CLI's other errors. */
export function usageMessage(message: string): string {
  const missing = /^Not enough arguments following: (\S+)$/.exec(message.trim());
  if (missing) return `--${missing[1]} needs a value`;
  const choices = [...message.matchAll(/Argument: (\S+), Given: (.*), Choices: (.*)/g)];
  if (message.startsWith('Invalid values:') && choices.length > 0) {
    const unquote = (text: string) => text.replace(/"/g, '');
    return choices.map(([, flag, given, valid]) => `--${flag} must be one of ${unquote(valid!)}, got ${unquote(given!)}`).join('; ');
  }
  return oneLine(message);
}

/** A command (or a group's subcommand) missing or unknown at the start of the line: one line naming the valid ones. */
function checkCommandWords(argv: readonly string[]): void {
  const [first, second] = argv;
  if (first === undefined || first.startsWith('-')) return;
  const command = COMMANDS.find((c) => commandName(c) === first);
  if (command === undefined) throw new UsageError(`unknown command '${first}'; valid: ${COMMAND_NAMES.join(', ')}`);
  if (!('subcommands' in command)) return;
  if (second === undefined) throw new UsageError(nameOne(command.noun, command.subcommands));
  if (!second.startsWith('-') && !command.subcommands.includes(second)) {
    throw new UsageError(`unknown ${command.noun} '${second}'; valid: ${command.subcommands.join(', ')}`);
  }
}

export async function main(argv: string[]): Promise<void> {
  checkCommandWords(argv);
  await yargs(argv)
    .scriptName('latentgym')
    .usage('$0 <command> [options]')
    .option('import', {
      type: 'string', array: true, global: true, default: [] as string[], requiresArg: true,
      describe: 'JS module(s) that register custom envs or encoders, loaded first (also inside worker threads; recorded in run.json)',
    })
    .option('dry-run', {
      type: 'boolean', global: true, default: false,
      describe: 'check the command line (flags, their values, env ids, --import modules) and exit without running it',
    })
    .middleware(async (args) => {
      // Built-in envs before the user's modules, which may build on them.
      await import('../../envs/index.js');
      const urls = resolveImports((args.import as string[] | undefined) ?? []);
      await importUserModules(urls);
      args.importUrls = urls;
    })
    .command(COMMANDS.map((c) => ('subcommands' in c ? c : dryRunnable(c))) as CommandModule[])
    .demandCommand(1, `name a command: ${COMMAND_NAMES.join(', ')}`)
    .strict()
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // yargs wraps errors thrown by `coerce` in a YError carrying their message.
      const usage = !error || error instanceof UsageError || error.name === 'YError';
      if (!usage && !(error instanceof LatentGymError)) throw error;
      reportAndExit(error ? usageMessage(error.message) : `${usageMessage(message)} (see --help)`, usage ? 2 : 1);
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  if (error instanceof UsageError) reportAndExit(oneLine(error.message), 2);
  if (error instanceof LatentGymError) reportAndExit(oneLine(error.message), 1);
  if (process.env.LATENTGYM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  reportAndExit(`${message} (set LATENTGYM_DEBUG=1 for the stack)`, 1);
});
