/**
 * `latentgym figures list | NAME | all`: reproduce published figures (scripts/figures/), training
 * the runs they need or reusing finished ones, into --out (default figures/NAME; `all`: DIR/NAME).
 */
import { join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { FigureContext } from '../figures/figure.js';
import { FIGURES, findFigure } from '../figures/index.js';
import { LIMITS, UsageError, seedValue, valueOption } from './support.js';

export interface FiguresArgs {
  name: string;
  quick: boolean;
  out: string | undefined;
  seeds: number[] | undefined;
}

/** The lines of `figures list`. */
export function listFigures(): string[] {
  return FIGURES.flatMap((f) => [
    `${f.name}  ${f.title}`,
    `  reproduces  ${f.reproduces.paper}, ${f.reproduces.figure}: ${f.reproduces.claim}`,
    `  full        ${f.full.wallTime}; --quick: ${f.quick.wallTime}`,
  ]);
}

/** Run one figure or all; returns the files written. The command's handler, callable from tests. */
export async function runFigures(args: FiguresArgs, say: (text: string) => void = (t) => console.log(t)): Promise<string[]> {
  const names = FIGURES.map((f) => f.name);
  const figures = args.name === 'all' ? FIGURES : [findFigure(args.name)];
  if (figures[0] === undefined) {
    throw new UsageError(`unknown figure '${args.name}'; valid: ${names.join(', ')} (or list, all)`);
  }
  const written: string[] = [];
  for (const figure of figures) {
    if (figure === undefined) continue;
    const out = resolve(args.name === 'all' ? join(args.out ?? 'figures', figure.name) : args.out ?? join('figures', figure.name));
    say(`figure ${figure.name}${args.quick ? ' (quick)' : ''} -> ${relative(process.cwd(), out) || '.'}`);
    const start = performance.now();
    const context = new FigureContext({ out, quick: args.quick, seeds: args.seeds, say: (text) => say(`  ${text}`) });
    await figure.run(context);
    for (const path of context.written) say(`  wrote ${relative(process.cwd(), path)}`);
    say(`  done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
    written.push(...context.written);
  }
  return written;
}

function seedList(value: unknown): number[] {
  const seeds = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map(seedValue('seeds'));
  if (seeds.length === 0) throw new UsageError('--seeds needs a value: one or more seeds');
  if (new Set(seeds).size !== seeds.length) throw new UsageError(`--seeds repeats a seed: ${seeds.join(' ')}`);
  return seeds;
}

export const figuresCommand: CommandModule<object, FiguresArgs> = {
  command: 'figures [name]',
  describe: 'Reproduce a published figure: `figures list`, `figures NAME [--quick] [--out DIR]`, `figures all`',
  builder: (y) => y
    .positional('name', { type: 'string', default: 'list', describe: `list, all, or a figure (${FIGURES.map((f) => f.name).join(', ')})` })
    .option('quick', { type: 'boolean', default: false, describe: 'the quick setting: minutes, a smoke run, not a reproduction' })
    .option('out', valueOption({ type: 'string', describe: 'output directory (default figures/NAME; with `all`, DIR/NAME for each)' }))
    .option('seeds', valueOption({ type: 'string', array: true, coerce: seedList, describe: `seeds instead of the figure's own (e.g. --seeds 1 2 3); each an integer in [0, ${LIMITS.seed}]` })) as never,
  handler: async (args) => {
    if (args.name === 'list') {
      for (const line of listFigures()) console.log(line);
      return;
    }
    await runFigures(args);
  },
};
