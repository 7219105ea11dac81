/**
 * The backend choices as plain data (no TensorFlow.js), for the CLI's --backend flag and its help;
 * backend.ts, which loads the backends, re-exports them.
 */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** Environment variables: the backend when no argument names one, and the wasm thread count. */
export const BACKEND_ENV = 'LATENTGYM_BACKEND';
export const THREADS_ENV = 'LATENTGYM_THREADS';

/** Emscripten's pthread pool (tfjs links it with 8 pre-started workers): the most wasm threads. */
export const MAX_WASM_THREADS = 8;

/** A yargs option for every command that trains (plain data: no yargs import here). */
export const backendOption = {
  type: 'string',
  requiresArg: true,
  choices: BACKEND_CHOICES as unknown as string[],
  describe: `compute backend (default: $${BACKEND_ENV}, else auto: tensorflow if installed, else wasm)`,
} as const;
