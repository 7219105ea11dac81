/** `latentgym bench nn`: training speed of the WORKLOADS.md networks, optionally against PyTorch. */
import type { CommandModule } from 'yargs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { backendOption, formatBackend, initBackend, type BackendDescription } from '../../models/compute/backend.js';
import { WORKLOADS, workload } from '../bench/workloads.js';
import { benchWorkload, peakEstimate, timedSteps, torchReference, WARMUP_STEPS, type NnResult } from '../bench/nn.js';
import { packageVersion } from '../runs/provenance.js';
import { positiveInteger, UsageError } from './support.js';

interface BenchNnArgs {
  backend: string | undefined;
  threads: number | undefined;
  workload: string[];
  steps: number;
  torch: boolean;
  torchScript: string;
  json: boolean;
}

const DEFAULT_TORCH_SCRIPT = fileURLToPath(new URL('../../../../shared/bench/torch_reference.py', import.meta.url));
const WORKLOAD_IDS = WORKLOADS.map((w) => w.id);

/** yargs `coerce` for --workload: known ids only. */
function workloadIds(ids: string[]): string[] {
  const unknown = ids.find((id) => !(WORKLOAD_IDS as string[]).includes(id));
  if (unknown !== undefined) throw new UsageError(`--workload: unknown workload '${unknown}'; valid: ${WORKLOAD_IDS.join(', ')}`);
  return ids;
}

function line(r: NnResult): string {
  const ms = r.msPerStep >= 100 ? r.msPerStep.toFixed(0) : r.msPerStep.toFixed(2);
  return `${r.workload} ${r.name.padEnd(9)} ${r.backend.padEnd(10)} ${ms.padStart(8)} ms/step  ${r.gflops.toFixed(1).padStart(6)} GFLOP/s  (${r.steps} steps, median)`;
}

export const benchNnCommand: CommandModule<object, BenchNnArgs> = {
  command: 'nn',
  describe: 'Training steps of the WORKLOADS.md networks (W1 conv VAE, W2 E2C MLP, W3 PPO MLP): ms per step',
  builder: (y) => y
    .option('backend', backendOption)
    .option('threads', { type: 'number', coerce: (v: unknown) => (v === undefined ? undefined : positiveInteger('threads')(v)), describe: 'wasm threads (default: $LATENTGYM_THREADS, else the cores)' })
    .option('workload', {
      type: 'string', array: true, default: WORKLOAD_IDS, describe: `workloads to time (${WORKLOAD_IDS.join(', ')})`,
      coerce: workloadIds,
    })
    .option('steps', { type: 'number', default: 5, coerce: positiveInteger('steps'), describe: `timed steps after ${WARMUP_STEPS} warm-up steps (W3: 20x as many)` })
    .option('torch', { type: 'boolean', default: false, describe: 'also run the PyTorch reference (/usr/bin/python3 with torch) and print the ratios' })
    .option('torch-script', { type: 'string', default: DEFAULT_TORCH_SCRIPT, describe: 'the PyTorch reference script' })
    .option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const say = (text: string) => (args.json ? process.stderr : process.stdout).write(`${text}\n`);
    const loadBefore = loadavg().map((x) => Number(x.toFixed(2))); // other work on the machine skews timings
    const backend: BackendDescription = await initBackend({ backend: args.backend, threads: args.threads });
    say(formatBackend(backend));
    const results: NnResult[] = [];
    const bench = (id: string) => {
      const spec = workload(id);
      const r = benchWorkload(spec, timedSteps(spec, args.steps));
      results.push(r);
      if (!args.json) say(line(r));
    };
    args.workload.forEach(bench);
    // The pure-JavaScript backend as the baseline, on the workload it can time in seconds.
    if (args.workload.includes('W3') && backend.name !== 'cpu') {
      await initBackend({ backend: 'cpu' });
      bench('W3');
    }
    const peak = peakEstimate();
    if (!args.json) {
      say(`peak: ${peak.cpu}, ${peak.cores} cores at ${peak.ghz ?? '?'} GHz, ${peak.isa}: ${peak.gflops ?? '?'} GFLOP/s FP32; wasm SIMD128 ceiling ${peak.wasmSimdGflops ?? '?'} GFLOP/s`);
    }
    let torch: ReturnType<typeof torchReference> | undefined;
    const ratios: Record<string, number> = {};
    if (args.torch) {
      torch = torchReference(args.torchScript, peak.cores);
      if ('unavailable' in torch) {
        say(torch.unavailable);
      } else {
        const parts: string[] = [];
        for (const r of results.filter((x) => x.backend === backend.name)) {
          const reference = torch.ms[r.workload];
          if (reference === undefined) continue;
          ratios[r.workload] = Number((r.msPerStep / reference).toFixed(3));
          parts.push(`${r.workload} ${reference} ms (${backend.name}/torch ${ratios[r.workload]})`);
        }
        say(`torch ${torch.torch} (${torch.threads} threads): ${parts.join(', ')}`);
      }
    }
    if (args.json) {
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: peak.cores, loadavg: loadBefore, peak };
      console.log(JSON.stringify({ benchmark: 'nn', version: packageVersion(), machine, backend, results, torch: torch ?? null, ratios }, null, 2));
    }
  },
};
