/**
 * Neural training speed: the benchmark workloads (workloads.ts) timed on the current backend
 * (median milliseconds per training step after warm-up steps), and the machine's peak
 * floating-point rate for context. The PyTorch reference they are compared with is in
 * torch-reference.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { describeBackend, type BackendName } from '../../models/compute/backend.js';
import { WARMUP_STEPS, trainer, trainingFlops, type WorkloadSpec } from './workloads.js';

export { WARMUP_STEPS };
/** torch_reference.py repeats W3, which takes about a millisecond, 20 times as often. */
const W3_REPEAT = 20;

export interface NnResult {
  workload: WorkloadSpec['id'];
  name: string;
  backend: BackendName;
  batch: number;
  steps: number;
  /** Median over the timed steps. */
  msPerStep: number;
  /** FLOPs of one step (see trainingFlops) and the rate they were done at. */
  flopsPerStep: number;
  gflops: number;
  /** Loss before the first and after the last step: it must fall. */
  firstLoss: number;
  lastLoss: number;
}

/** Steps timed for a workload when `steps` are asked for (W3 scaled up as the reference does). */
export function timedSteps(spec: WorkloadSpec, steps: number): number {
  return spec.id === 'W3' ? steps * W3_REPEAT : steps;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Time `steps` training steps of `spec` after WARMUP_STEPS, on the backend running now. */
export function benchWorkload(spec: WorkloadSpec, steps: number): NnResult {
  const run = trainer(spec);
  try {
    const losses: number[] = [];
    const times: number[] = [];
    for (let i = 0; i < WARMUP_STEPS + steps; i++) {
      const start = performance.now();
      losses.push(run.step());
      if (i >= WARMUP_STEPS) times.push(performance.now() - start);
    }
    const msPerStep = median(times);
    const flopsPerStep = trainingFlops(spec);
    return {
      workload: spec.id, name: spec.name, backend: describeBackend().name, batch: spec.batch, steps,
      msPerStep: round(msPerStep, 3), flopsPerStep, gflops: round(flopsPerStep / msPerStep / 1e6, 2),
      firstLoss: losses[0]!, lastLoss: losses[losses.length - 1]!,
    };
  } finally {
    run.dispose();
  }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** The processor's FP32 peak from /proc/cpuinfo, and the ceiling of WebAssembly's 128-bit SIMD. */
export interface PeakEstimate {
  cpu: string;
  cores: number;
  ghz: number | null;
  /** Widest vector unit found in the flags. */
  isa: 'avx512' | 'avx2-fma' | 'sse' | 'unknown';
  /** FP32 FLOPs per cycle and core: 2 FMA units x lanes x 2 (AVX-512: 64, AVX2: 32). */
  flopsPerCycle: number;
  gflops: number | null;
  /**
   * Ceiling of WebAssembly SIMD128, all that XNNPACK compiled to wasm can use: 4-lane vectors and
   * no FMA (without relaxed SIMD), so at best two multiplies and two adds per cycle, 16 FLOPs per
   * cycle and core: a quarter of AVX-512 FMA.
   */
  wasmSimdGflops: number | null;
}

export function peakEstimate(cpuinfoPath = '/proc/cpuinfo'): PeakEstimate {
  const text = existsSync(cpuinfoPath) ? readFileSync(cpuinfoPath, 'utf8') : '';
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const isa = flags.has('avx512f') ? 'avx512' : flags.has('avx2') && flags.has('fma') ? 'avx2-fma' : flags.has('sse2') ? 'sse' : 'unknown';
  const flopsPerCycle = { avx512: 64, 'avx2-fma': 32, sse: 8, unknown: 0 }[isa];
  const mhz = Number(field('cpu MHz'));
  const ghz = Number.isFinite(mhz) && mhz > 0 ? round(mhz / 1000, 2) : null;
  const cores = availableParallelism();
  return {
    cpu: field('model name') ?? 'unknown', cores, ghz, isa, flopsPerCycle,
    gflops: ghz === null ? null : round(ghz * cores * flopsPerCycle, 1),
    wasmSimdGflops: ghz === null ? null : round(ghz * cores * 16, 1),
  };
}
