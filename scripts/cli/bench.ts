import type { CommandModule } from 'yargs';
import { cpus } from 'node:os';
import { registeredIds, spec } from '../../envs/registration.js';
import { benchEnv, type ThroughputResult } from '../bench/env-throughput.js';
import { formatCount } from '../runs/progress.js';
import { packageVersion } from '../runs/provenance.js';
import { positiveInteger, positiveNumber } from './support.js';
import { benchNnCommand } from './bench-nn.js';
import { benchPpoCommand } from '../bench/ppo.js';

interface BenchEnvsArgs { env: string[] | undefined; seconds: number; size: number; json: boolean }

const benchEnvsCommand: CommandModule<object, BenchEnvsArgs> = {
  command: 'envs',
  describe: 'Steps per second of each env, without rendering and with an RGB frame per step',
  builder: (y) => y
    .option('env', { type: 'string', array: true, describe: 'env ids (default: all registered)' })
    .option('seconds', { type: 'number', default: 2, coerce: positiveNumber('seconds'), describe: 'measuring time per figure' })
    .option('size', { type: 'number', default: 64, coerce: positiveInteger('size'), describe: 'frame height and width' })
    .option('json', { type: 'boolean', default: false }) as never,
  handler: (args) => {
    const ids = args.env ?? registeredIds().filter((id) => !id.startsWith('test/'));
    ids.forEach((id) => spec(id));
    const results: ThroughputResult[] = [];
    for (const id of ids) {
      for (const r of benchEnv(id, args.seconds, [args.size, args.size])) {
        results.push(r);
        if (!args.json) {
          const what = r.mode === 'step' ? 'no render' : `render ${r.frameSize!.join('x')}`;
          console.log(`${id.padEnd(22)} ${what.padEnd(14)} ${formatCount(r.stepsPerSecond).padStart(12)} steps/s`);
        }
      }
    }
    if (args.json) {
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
      console.log(JSON.stringify({ benchmark: 'envs', version: packageVersion(), machine, results }, null, 2));
    }
  },
};

export const benchCommand: CommandModule = {
  command: 'bench <suite>',
  describe: 'Speed benchmarks (suites: envs, nn, ppo)',
  builder: (y) => y.command(benchEnvsCommand).command(benchNnCommand).command(benchPpoCommand)
    .demandCommand(1, 'name a benchmark suite: envs, nn, ppo'),
  handler: () => {},
};
