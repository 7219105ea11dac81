/** The `latentgym` command line. Every error is one line on stderr and a non-zero exit code. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import '../../envs/index.js';
import { LatentGymError } from '../../envs/core/errors.js';
import { envsCommand } from './envs.js';
import { rolloutCommand } from './rollout.js';
import { benchCommand } from './bench.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { figuresCommand } from './figures.js';
import { importUserModules, packageVersion } from '../runs/provenance.js';
import { UsageError, resolveImports } from './support.js';

function reportAndExit(message: string, code: number): never {
  process.stderr.write(`latentgym: ${message.split('\n')[0]}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName('latentgym')
    .usage('$0 <command> [options]')
    .option('import', {
      type: 'string', array: true, global: true, default: [] as string[],
      describe: 'JS module(s) that register custom envs or encoders, loaded first (also inside worker threads; recorded in run.json)',
    })
    .middleware(async (args) => {
      const urls = resolveImports((args.import as string[] | undefined) ?? []);
      await importUserModules(urls);
      args.importUrls = urls;
    })
    .command(envsCommand)
    .command(rolloutCommand)
    .command(trainCommand)
    .command(evalCommand)
    .command(benchCommand)
    .command(figuresCommand)
    .demandCommand(1, 'name a command: envs, rollout, train, eval, bench, figures')
    .recommendCommands()
    .strict()
    .version(packageVersion())
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // yargs wraps errors thrown by `coerce` in a YError carrying their message.
      const usage = !error || error instanceof UsageError || error.name === 'YError';
      if (!usage && !(error instanceof LatentGymError)) throw error;
      reportAndExit(error ? error.message : `${message} (see --help)`, usage ? 2 : 1);
    })
    .parseAsync();
}

main(hideBin(process.argv)).catch((error: unknown) => {
  if (error instanceof UsageError) reportAndExit(error.message, 2);
  if (error instanceof LatentGymError) reportAndExit(error.message, 1);
  if (process.env.LATENTGYM_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  reportAndExit(`${message} (set LATENTGYM_DEBUG=1 for the stack)`, 1);
});
