import type { CommandModule } from 'yargs';
import { cpus } from 'node:os';
import type { ThroughputResult } from '../bench/env-throughput.js';
import { packageVersion } from '../runs/provenance.js';
import { LIMITS, UsageError, commandGroup, envOptionOption, integerOption, numberOption, typeEnvOptions, valueOption } from './support.js';
import { benchNnCommand } from './bench-nn.js';
import { benchPpoCommand } from './bench-ppo.js';

interface BenchEnvsArgs { env: string[] | undefined; seconds: number; size: number; json: boolean; envOption: Record<string, string> | undefined }

/** make() options bench envs sets itself. */
const BENCH_SET_OPTIONS = ['renderWidth', 'renderHeight'];

const benchEnvsCommand: CommandModule<object, BenchEnvsArgs> = {
  command: 'envs',
  describe: 'Steps per second of each env, without rendering and with an RGB frame per step',
  builder: (y) => y
    .option('env', valueOption({ type: 'string', array: true, describe: 'env ids (default: all registered)' }))
    .option('env-option', envOptionOption('make() option of every env measured, KEY=VALUE'))
    .option('seconds', numberOption('seconds', { min: 0, max: LIMITS.benchSeconds, openMin: true }, 'measuring time per figure', { default: 2 }))
    .option('size', integerOption('size', 8, LIMITS.frameSize, 'frame height and width', { default: 64 }))
    .option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const [{ registeredIds, spec }, { benchEnv }, { formatCount, progressBar }] = await Promise.all([
      import('../../envs/registration.js'), import('../bench/env-throughput.js'), import('../runs/progress.js'),
    ]);
    const set = Object.keys(args.envOption ?? {}).find((key) => BENCH_SET_OPTIONS.includes(key));
    if (set !== undefined) throw new UsageError(`--env-option ${set}: bench envs sets the frame size (--size)`);
    const ids = args.env ?? registeredIds().filter((id) => !id.startsWith('test/'));
    const options = new Map(ids.map((id) => [id, typeEnvOptions(id, spec(id).defaults, args.envOption ?? {})])); // unknown ids fail here
    // Without --json each env's rows are its progress; with it (the rows come at the end), a bar on a
    // terminal, else a line per env on stderr.
    const bar = progressBar('bench envs', 'envs', ids.length, 0, !args.json);
    const results: ThroughputResult[] = [];
    ids.forEach((id, i) => {
      bar?.update(i, { env: id });
      for (const r of benchEnv(id, args.seconds, [args.size, args.size], options.get(id))) {
        results.push(r);
        if (!args.json) {
          const what = r.mode === 'step' ? 'no render' : `render ${r.frameSize!.join('x')}`;
          console.log(`${id.padEnd(22)} ${what.padEnd(14)} ${formatCount(r.stepsPerSecond).padStart(12)} steps/s`);
        }
      }
      if (args.json && !bar) process.stderr.write(`bench envs: ${id} (${i + 1}/${ids.length}) done\n`);
    });
    bar?.update(ids.length);
    bar?.stop();
    if (args.json) {
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
      console.log(JSON.stringify({ benchmark: 'envs', version: packageVersion(), machine, results }, null, 2));
    }
  },
};

export const benchCommand = commandGroup('bench', 'benchmark suite', 'Speed benchmarks (suites: envs, nn, ppo)', [benchEnvsCommand, benchNnCommand, benchPpoCommand]);
