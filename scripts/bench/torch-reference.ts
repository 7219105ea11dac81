/**
 * The PyTorch reference of `bench nn --torch`: torch_reference.py (beside this file's source, shipped
 * with the package) run by a Python that has torch, in the environment that makes it a fair one.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatentGymError } from '../../envs/core/errors.js';
import type { WorkloadSpec } from './workloads.js';

/** The PyTorch reference cannot run: no Python, no torch, or the script failed. */
export class TorchReferenceError extends LatentGymError {
  override name = 'TorchReferenceError';
}

/** The shipped script (from dist/scripts/bench/ back to the package root). */
export const TORCH_SCRIPT = fileURLToPath(new URL('../../../scripts/bench/torch_reference.py', import.meta.url));
/** Debian's interpreter, where `apt-get install python3-torch` puts torch. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
/** torch_reference.py exits so when torch cannot be imported. */
const NO_TORCH_EXIT = 3;
/** Machine-wide OpenBLAS overrides that pin it to slower kernels; removed for the reference. */
export const OPENBLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;
const INSTALL_TORCH = 'pip install torch, or on Debian apt-get install -y python3-torch libopenblas0-pthread for /usr/bin/python3';

/** The BLAS torch computes with, as the script finds it. */
export interface TorchBlas {
  /** `reference` is the netlib reference BLAS: an unfair, 5-10x slower baseline. */
  kind: 'openblas' | 'mkl' | 'reference' | 'unknown';
  name: string;
  library: string | null;
  /** OpenBLAS: the kernels it picked for this processor (e.g. SkylakeX for AVX-512, Haswell or Zen for AVX2). */
  core: string | null;
  config: string | null;
  threads: number | null;
  /** torch's build setting BLAS_INFO. */
  build: string;
}

/** What torch_reference.py prints; `ms` is empty for a --check run. */
export interface TorchReference {
  python: string;
  python_version: string;
  torch: string;
  threads: number;
  blas: TorchBlas;
  ms: Partial<Record<WorkloadSpec['id'], number>>;
  steps: Partial<Record<WorkloadSpec['id'], number>>;
  loss: Partial<Record<WorkloadSpec['id'], [number, number]>>;
}

/** The child's environment: the parent's without the OpenBLAS overrides. */
export function fairEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const child = { ...env };
  for (const name of OPENBLAS_OVERRIDES) delete child[name];
  return child;
}

function executableOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

type Outcome = { ok: TorchReference } | { noTorch: string };

function runScript(python: string, script: string, args: string[]): Outcome {
  const r = spawnSync(python, [script, ...args], { encoding: 'utf8', env: fairEnvironment(), timeout: 600_000, maxBuffer: 16 << 20 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      throw new TorchReferenceError(`--torch: cannot run the Python interpreter ${python} (${code}); install Python 3 and torch (${INSTALL_TORCH}), or name an interpreter with --python`);
    }
    throw new TorchReferenceError(`--torch: ${python} ${script} failed: ${r.error.message}`);
  }
  const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
  if (r.status === NO_TORCH_EXIT) return { noTorch: python.includes('/') ? python : `${python} (${executableOnPath(python) ?? 'on PATH'})` };
  if (r.status !== 0) {
    throw new TorchReferenceError(`--torch: ${python} ${script} exited with ${r.status ?? r.signal}: ${lastLine(r.stderr) || 'no message'}`);
  }
  try {
    return { ok: JSON.parse(lastLine(r.stdout)) as TorchReference };
  } catch {
    throw new TorchReferenceError(`--torch: ${python} ${script} printed no JSON result: ${lastLine(r.stdout) || 'no output'}`);
  }
}

/**
 * Find the Python to run the reference with and describe its torch (version, threads, BLAS)
 * without timing anything. `python` given: that interpreter only; else `python3` on PATH, then
 * /usr/bin/python3, the first one with torch. Throws TorchReferenceError naming what is missing.
 */
export function probeTorch(script: string, python?: string): TorchReference {
  const candidates = python !== undefined ? [python] : [executableOnPath('python3'), SYSTEM_PYTHON].filter((c): c is string => c !== undefined);
  const tried: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    let real = candidate;
    try {
      real = realpathSync(candidate);
    } catch {
      if (python === undefined) continue; // the default candidates are optional
    }
    if (seen.has(real)) continue;
    seen.add(real);
    const outcome = runScript(candidate, script, ['--check']);
    if ('ok' in outcome) return outcome.ok;
    tried.push(outcome.noTorch);
  }
  if (tried.length === 0) {
    throw new TorchReferenceError(`--torch needs python3 with torch and found no python3 on PATH nor ${SYSTEM_PYTHON}: install Python 3 and torch (${INSTALL_TORCH}), or name an interpreter with --python`);
  }
  throw new TorchReferenceError(`--torch: torch is not installed for ${tried.join(' nor ')}: ${INSTALL_TORCH}${python === undefined ? '' : ', or name another interpreter with --python'}`);
}

/** Time the workloads with PyTorch, with the interpreter probeTorch found. */
export function runTorchReference(script: string, python: string, options: { workloads: string[]; steps: number; w3Steps: number; threads: number }): TorchReference {
  const args = ['--workload', ...options.workloads, '--steps', String(options.steps), '--w3-steps', String(options.w3Steps), '--threads', String(options.threads)];
  const outcome = runScript(python, script, args);
  if ('noTorch' in outcome) throw new TorchReferenceError(`--torch: torch is no longer importable by ${python}`);
  return outcome.ok;
}

/** One line: the interpreter, torch, its threads and its BLAS. */
export function describeTorch(t: TorchReference): string {
  const blas = t.blas;
  const threads = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const details = [blas.core && `${blas.core} kernels`, blas.threads !== null && threads(blas.threads)].filter(Boolean).join(', ');
  return `torch ${t.torch} (${t.python}, Python ${t.python_version}, ${threads(t.threads)}), BLAS: ${blas.name}${details ? ` (${details})` : ''}${blas.library ? ` ${blas.library}` : ''}`;
}

/** A warning where the comparison is unfair to PyTorch, else undefined. */
export function blasWarning(blas: TorchBlas): string | undefined {
  if (blas.kind === 'reference') {
    return `warning: torch uses the netlib reference BLAS (${blas.library}), 5-10x slower than an optimised one, so this comparison is unfair to PyTorch; install OpenBLAS beside it (apt-get install -y libopenblas0-pthread) or use a pip/conda torch`;
  }
  if (blas.kind === 'unknown') {
    return 'warning: could not tell which BLAS torch uses; the comparison is fair only with an optimised one (OpenBLAS or MKL)';
  }
  return undefined;
}
