/** `latentgym bench nn`: training speed of the benchmark networks, optionally against PyTorch. */
import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { MAX_WASM_THREADS, backendOption } from '../../models/compute/backend-options.js';
import type { BackendDescription } from '../../models/compute/backend.js';
import { WARMUP_STEPS, WORKLOADS, workload } from '../bench/workload-specs.js';
import type { NnResult } from '../bench/nn.js';
import { blasWarning, describeTorch, OPENBLAS_OVERRIDES, probeTorch, runTorchReference, TORCH_SCRIPT, type TorchReference } from '../bench/torch-reference.js';
import { packageVersion } from '../runs/provenance.js';
import { LIMITS, UsageError, integerOption, valueOption } from './support.js';

interface BenchNnArgs {
  backend: string | undefined;
  threads: number | undefined;
  workload: string[] | undefined;
  steps: number;
  torch: boolean;
  torchScript: string;
  python: string | undefined;
  json: boolean;
}

const WORKLOAD_IDS = WORKLOADS.map((w) => w.id);

/** yargs `coerce` for --workload: known ids only. */
function workloadIds(ids: string[]): string[] {
  const unknown = ids.find((id) => !(WORKLOAD_IDS as string[]).includes(id));
  if (unknown !== undefined) throw new UsageError(`--workload: unknown workload '${unknown}'; valid: ${WORKLOAD_IDS.join(', ')}`);
  return ids;
}

const formatMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));

function line(r: NnResult): string {
  return `${r.workload} ${r.name.padEnd(9)} ${r.backend.padEnd(10)} ${formatMs(r.msPerStep).padStart(8)} ms/step  ${r.gflops.toFixed(1).padStart(6)} GFLOP/s  (${r.steps} steps, median)`;
}

export const benchNnCommand: CommandModule<object, BenchNnArgs> = {
  command: 'nn',
  describe: 'Training steps of the benchmark networks (W1 conv VAE, W2 E2C MLP, W3 PPO MLP): ms per step',
  builder: (y) => y
    .option('backend', backendOption)
    .option('threads', integerOption('threads', 1, MAX_WASM_THREADS, 'wasm threads (default: $LATENTGYM_THREADS, else the cores); --torch gives torch as many threads as the backend'))
    .option('workload', valueOption({
      // No yargs default: an array flag with one would take it when given without values.
      type: 'string', array: true, describe: `workloads to time (${WORKLOAD_IDS.join(', ')}; default all)`,
      coerce: workloadIds,
    }))
    .option('steps', integerOption('steps', 1, LIMITS.benchSteps, `timed steps after ${WARMUP_STEPS} warm-up steps (W3: 20x as many)`, { default: 5 }))
    .option('torch', { type: 'boolean', default: false, describe: 'also time the workloads with PyTorch (python3 with torch) and print the ratios and the BLAS torch uses' })
    .option('python', valueOption({ type: 'string', describe: 'the Python with torch for --torch (default: python3 on PATH, else /usr/bin/python3, the first with torch)' }))
    .option('torch-script', valueOption({ type: 'string', default: TORCH_SCRIPT, describe: 'the PyTorch reference script (the one shipped with latentgym)' }))
    .option('json', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const [{ formatBackend, initBackend }, { benchWorkload, peakEstimate, timedSteps }] = await Promise.all([
      import('../../models/compute/backend.js'), import('../bench/nn.js'),
    ]);
    const say = (text: string) => (args.json ? process.stderr : process.stdout).write(`${text}\n`);
    const loadBefore = loadavg().map((x) => Number(x.toFixed(2))); // other work on the machine skews timings
    const peak = peakEstimate();
    // Before anything else: stop at once where --torch cannot run.
    let python: string | undefined;
    if (args.torch) {
      if (!existsSync(args.torchScript)) throw new UsageError(`--torch-script: file ${args.torchScript} does not exist`);
      python = probeTorch(args.torchScript, args.python).python;
    }
    const backend: BackendDescription = await initBackend({ backend: args.backend, threads: args.threads });
    say(formatBackend(backend));
    const results: NnResult[] = [];
    const bench = (id: string) => {
      const spec = workload(id);
      const r = benchWorkload(spec, timedSteps(spec, args.steps));
      results.push(r);
      if (!args.json) say(line(r));
    };
    const workloads = args.workload ?? WORKLOAD_IDS;
    workloads.forEach(bench);
    // The pure-JavaScript backend as the baseline, on the workload it can time in seconds.
    if (workloads.includes('W3') && backend.name !== 'cpu') {
      await initBackend({ backend: 'cpu' });
      bench('W3');
    }
    if (!args.json) {
      say(`peak: ${peak.cpu}, ${peak.cores} cores at ${peak.ghz ?? '?'} GHz, ${peak.isa}: ${peak.gflops ?? '?'} GFLOP/s FP32; wasm SIMD128 ceiling ${peak.wasmSimdGflops ?? '?'} GFLOP/s`);
    }
    const ratios: Record<string, number> = {};
    let torch: TorchReference | undefined;
    if (python !== undefined) {
      // As many threads as the backend had, for torch and its BLAS.
      torch = runTorchReference(args.torchScript, python, {
        workloads, steps: args.steps, w3Steps: timedSteps(workload('W3'), args.steps), threads: backend.threads,
      });
      say(describeTorch(torch));
      const removed = OPENBLAS_OVERRIDES.filter((name) => process.env[name] !== undefined);
      if (removed.length > 0) say(`torch ran without ${removed.map((name) => `${name}=${process.env[name]}`).join(', ')}, so OpenBLAS picked this processor's kernels`);
      const warning = blasWarning(torch.blas);
      if (warning) say(warning);
      const parts: string[] = [];
      for (const r of results.filter((x) => x.backend === backend.name)) {
        const reference = torch.ms[r.workload];
        if (reference === undefined) continue;
        ratios[r.workload] = Number((r.msPerStep / reference).toFixed(3));
        parts.push(`${r.workload} ${formatMs(reference)} ms (${backend.name}/torch ${ratios[r.workload]!.toFixed(2)})`);
      }
      say(`torch: ${parts.join(', ')}`);
    }
    const loadAfter = loadavg().map((x) => Number(x.toFixed(2)));
    if (!args.json) say(`load average (1, 5, 15 min): ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after`);
    if (args.json) {
      const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: peak.cores, loadavg: loadBefore, loadavgAfter: loadAfter, peak };
      console.log(JSON.stringify({ benchmark: 'nn', version: packageVersion(), machine, backend, results, torch: torch ?? null, ratios }, null, 2));
    }
  },
};
