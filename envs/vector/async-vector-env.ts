/**
 * Runs each sub-env in its own worker thread (Gymnasium's AsyncVectorEnv), with the same synchronous
 * API as SyncVectorEnv. The main thread posts a command to every worker, then blocks in Atomics.wait
 * on each worker's shared flag and reads the reply synchronously with receiveMessageOnPort, so
 * reset/step/render stay plain function calls. `stepAsync` + `stepWait` split a step so the caller can
 * work while the envs step.
 *
 * Envs are rebuilt inside each worker from the registry (make(id, options)): only the env id and its
 * options cross the thread boundary, never Space or Env objects. A worker registers envs by importing
 * the package index (the built-in envs) and every module in `imports` (your own envs).
 *
 * Errors:
 * - An exception thrown by env code in a worker (a bad action, step before reset, ...) is re-thrown in
 *   the main thread as an AsyncVectorEnvError naming the env index and the worker's message, after
 *   every worker has replied. The workers stay usable, as a SyncVectorEnv would after an exception.
 * - A worker that dies (uncaught asynchronous error, process.exit) or does not reply within
 *   `timeoutMs` closes the vector env (all workers are terminated); later calls throw
 *   ClosedEnvironmentError.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { Env, Frame, ResetResult, StepResult } from '../core/env.js';
import { InvalidOptionError, LatentGymError } from '../core/errors.js';
import { type MakeOptions, make } from '../registration.js';
import type { AutoresetMode, SlotState } from './autoreset.js';
import { PENDING, READY, type RemoteError, type WorkerCommand, type WorkerInit, type WorkerReply } from './protocol.js';
import { ClosedEnvironmentError, type EnvSpaces, VectorEnv, type VectorStepResult, assertSameSpaces } from './vector-env.js';

/** How one sub-env is built inside its worker: `make(id, options)`. */
export interface AsyncEnvSpec {
  id: string;
  /** Must be structured-cloneable (plain data); it is sent to the worker. */
  options?: MakeOptions;
}

export interface AsyncVectorEnvOptions {
  /** Default 'next-step' (see AutoresetMode). */
  autoresetMode?: AutoresetMode;
  /**
   * Modules each worker imports before building its env, so envs you register in your own modules
   * exist there too. Paths (relative ones are resolved against process.cwd()) or file:/data: URLs.
   */
  imports?: readonly string[];
  /** Longest wait for any worker reply, in ms; a timeout closes the vector env. Default: no limit. */
  timeoutMs?: number;
}

/** An env in a worker threw; `envIndex` says which, `workerErrorName` what the error was. */
export class AsyncVectorEnvError extends LatentGymError {
  override name = 'AsyncVectorEnvError';

  constructor(
    message: string,
    readonly envIndex: number,
    readonly workerErrorName: string,
    readonly workerStack: string | undefined,
  ) {
    super(message);
  }
}

const WORKER_URL = new URL('./worker.js', import.meta.url);
/** How long close() waits for the envs' own close() before terminating the workers anyway. */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * Resolve `imports` to URLs the workers can import, failing here (with the entry's name) when a file
 * does not exist rather than later inside a worker.
 */
export function resolveImports(imports: readonly string[]): string[] {
  if (!Array.isArray(imports)) throw new InvalidOptionError(`AsyncVectorEnv: 'imports' must be an array of module paths or URLs`);
  return imports.map((entry, i) => {
    if (typeof entry !== 'string' || entry === '') {
      throw new InvalidOptionError(`AsyncVectorEnv: imports[${i}] must be a module path or URL, got ${JSON.stringify(entry)}`);
    }
    const isUrl = /^[a-z][a-z\d+.-]*:/i.test(entry) && !path.isAbsolute(entry);
    const url = isUrl ? new URL(entry) : pathToFileURL(path.resolve(process.cwd(), entry));
    if (url.protocol === 'file:' && !existsSync(url)) {
      throw new InvalidOptionError(`AsyncVectorEnv: imports[${i}] '${entry}' does not exist (resolved to ${fileURLToPath(url)})`);
    }
    return url.href;
  });
}

/**
 * The parent's Node.js flags minus those that only make sense for the main script (`-e CODE`,
 * `-p CODE`, `--input-type`): a worker given them dies before running any code, so it could not
 * report its failure, and the main thread would wait for it forever.
 */
function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
      i += 1; // and the code that follows
      continue;
    }
    if (/^--(input-type|eval|print)(=|$)/.test(arg)) continue;
    args.push(arg);
  }
  return args;
}

/** The main thread's end of one worker: posts commands and reads replies synchronously. */
class WorkerChannel {
  private readonly worker: Worker;
  private readonly flag: Int32Array;
  private readonly replies: MessagePort;
  /** A command (initially the start-up) was sent and its reply not read yet. */
  private outstanding = true;

  constructor(init: Omit<WorkerInit, 'flag' | 'replyPort'>) {
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT); // starts PENDING: the start-up reply
    this.flag = new Int32Array(flag);
    this.replies = port1;
    const workerData: WorkerInit = { ...init, flag, replyPort: port2 };
    this.worker = new Worker(WORKER_URL, { workerData, transferList: [port2], execArgv: workerExecArgv() });
    this.worker.unref(); // a forgotten close() must not keep the process alive
    this.worker.on('error', () => {}); // the worker's exit hook reports it through the flag instead
  }

  send(command: WorkerCommand): void {
    // A worker that died while idle left DEAD in the flag: keep it, so receive() reports the death.
    if (Atomics.compareExchange(this.flag, 0, READY, PENDING) === READY) this.worker.postMessage(command);
    this.outstanding = true;
  }

  /** The reply to the last command, or undefined if none came before `deadline` (ms since epoch). */
  receive(deadline: number): WorkerReply | undefined {
    while (Atomics.load(this.flag, 0) === PENDING) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      Atomics.wait(this.flag, 0, PENDING, remaining);
    }
    this.outstanding = false;
    const received = receiveMessageOnPort(this.replies);
    if (received !== undefined) return received.message as WorkerReply;
    const error: RemoteError = { name: 'Error', message: 'the worker exited without replying', stack: undefined };
    return { ok: false, fatal: true, error };
  }

  /** Whether a command was sent whose reply has not been read (it may still be computing). */
  get awaitingReply(): boolean {
    return this.outstanding;
  }

  terminate(): void {
    this.replies.close();
    void this.worker.terminate();
  }
}

export class AsyncVectorEnv<O = unknown, A = unknown> extends VectorEnv<O, A> {
  readonly envSpecs: readonly AsyncEnvSpec[];
  readonly timeoutMs: number | undefined;
  private readonly channels: readonly WorkerChannel[];
  /** stepAsync() was called and stepWait() has not collected the results yet. */
  private stepPending = false;

  constructor(envSpecs: readonly AsyncEnvSpec[], options: AsyncVectorEnvOptions = {}) {
    if (!Array.isArray(envSpecs) || envSpecs.length === 0 || envSpecs.some((s) => typeof s?.id !== 'string')) {
      throw new InvalidOptionError('AsyncVectorEnv: envSpecs must be a non-empty array of {id, options?}');
    }
    const { timeoutMs } = options;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      throw new InvalidOptionError(`AsyncVectorEnv: timeoutMs must be a positive number, got ${String(timeoutMs)}`);
    }
    const imports = resolveImports(options.imports ?? []);
    if (!existsSync(WORKER_URL)) {
      throw new LatentGymError(`AsyncVectorEnv: worker script ${fileURLToPath(WORKER_URL)} not found; use the compiled package`);
    }
    const probe = probeEnvs(envSpecs);
    super({ ...probe, numEnvs: envSpecs.length, autoresetMode: options.autoresetMode });
    this.envSpecs = envSpecs.map((s) => ({ id: s.id, options: { ...s.options } }));
    this.timeoutMs = timeoutMs;
    this.channels = this.envSpecs.map((s) => new WorkerChannel({
      id: s.id, options: s.options ?? {}, autoresetMode: this.autoresetMode, imports,
    }));
    this.collect('start', undefined); // closes the vector env (terminating every worker) if one fails
  }

  /** Sends the step to every worker and returns at once; collect the results with stepWait(). */
  stepAsync(actions: A): void {
    this.assertUsable('stepAsync');
    const perEnv = this.splitActions(actions);
    this.channels.forEach((channel, i) => channel.send({ type: 'step', action: perEnv[i] }));
    this.stepPending = true;
  }

  /** Blocks until every worker has stepped (or `timeoutMs` passed, which closes the vector env). */
  stepWait(timeoutMs: number | undefined = this.timeoutMs): VectorStepResult<O> {
    if (this.closed) throw new ClosedEnvironmentError(`${this.toString()}: stepWait() called after close()`);
    if (!this.stepPending) throw new LatentGymError(`${this.toString()}: stepWait() called without a pending stepAsync()`);
    this.stepPending = false;
    return this.batchStep(this.collect('step', timeoutMs) as StepResult<unknown>[]);
  }

  protected override assertUsable(method: string): void {
    super.assertUsable(method);
    if (this.stepPending) throw new LatentGymError(`${this.toString()}: ${method}() called while a stepAsync() is pending; call stepWait() first`);
  }

  protected resetEach(seeds: readonly (number | undefined)[], options: Record<string, unknown> | undefined): ResetResult<unknown>[] {
    return this.request((i) => ({ type: 'reset', seed: seeds[i], options }), 'reset') as ResetResult<unknown>[];
  }

  protected stepEach(actions: readonly unknown[]): StepResult<unknown>[] {
    return this.request((i) => ({ type: 'step', action: actions[i] }), 'step') as StepResult<unknown>[];
  }

  protected renderEach(): (Frame | undefined)[] {
    return this.request(() => ({ type: 'render' }), 'render') as (Frame | undefined)[];
  }

  /** Lets each env run its own close() (bounded by CLOSE_TIMEOUT_MS), then terminates the workers. */
  protected getStateEach(): (SlotState | undefined)[] {
    return this.request(() => ({ type: 'getState' }), 'getState') as (SlotState | undefined)[];
  }

  protected setStateEach(slots: readonly SlotState[]): void {
    this.request((i) => ({ type: 'setState', state: slots[i]! }), 'setState');
  }

  protected closeEach(): void {
    const deadline = Date.now() + CLOSE_TIMEOUT_MS;
    for (const channel of this.channels) if (channel.awaitingReply) channel.receive(deadline); // drop a pending step
    for (const channel of this.channels) channel.send({ type: 'close' });
    const replies = this.channels.map((channel) => channel.receive(deadline));
    for (const channel of this.channels) channel.terminate();
    this.stepPending = false;
    const failed = replies.findIndex((r) => r !== undefined && !r.ok && !r.fatal);
    const reply = replies[failed];
    if (reply !== undefined && !reply.ok) throw this.workerError(failed, 'close', reply.error);
  }

  private request(command: (envIndex: number) => WorkerCommand, what: string): unknown[] {
    this.channels.forEach((channel, i) => channel.send(command(i)));
    return this.collect(what, this.timeoutMs);
  }

  /**
   * Reads every worker's reply before throwing, so no stale reply is left to be mistaken for the
   * next command's. A dead or silent worker closes the vector env; an env exception does not.
   */
  private collect(what: string, timeoutMs: number | undefined): unknown[] {
    const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
    const replies = this.channels.map((channel) => channel.receive(deadline));
    const lost = replies.findIndex((r) => r === undefined || (!r.ok && r.fatal));
    if (lost >= 0) {
      this.abort();
      const reply = replies[lost];
      if (reply === undefined || reply.ok) {
        throw new AsyncVectorEnvError(
          `AsyncVectorEnv: env ${lost} (${this.describeEnv(lost)}) did not reply to ${what} within ${timeoutMs} ms; the vector env is now closed`,
          lost, 'TimeoutError', undefined,
        );
      }
      throw this.workerError(lost, what, reply.error, '; the vector env is now closed');
    }
    const failed = replies.findIndex((r) => r !== undefined && !r.ok);
    const reply = replies[failed];
    if (reply !== undefined && !reply.ok) {
      const others = replies.flatMap((r, i) => (i !== failed && r !== undefined && !r.ok ? [i] : []));
      throw this.workerError(failed, what, reply.error, others.length > 0 ? ` (envs ${others.join(', ')} failed too)` : '');
    }
    return replies.map((r) => (r as { value: unknown }).value);
  }

  private workerError(envIndex: number, what: string, error: RemoteError, suffix = ''): AsyncVectorEnvError {
    return new AsyncVectorEnvError(
      `AsyncVectorEnv: env ${envIndex} (${this.describeEnv(envIndex)}) failed in ${what}: ${error.name}: ${error.message}${suffix}`,
      envIndex, error.name, error.stack,
    );
  }

  private describeEnv(envIndex: number): string {
    return this.envSpecs[envIndex]?.id ?? '?';
  }

  /** Terminates every worker without asking the envs to close (a worker is dead or hung). */
  private abort(): void {
    for (const channel of this.channels) channel.terminate();
    this.stepPending = false;
    this.markClosed();
  }
}

/**
 * Learn the spaces, metadata and render mode the way Gymnasium's dummy env does: build each distinct
 * (id, options) once in this thread, read it, close it. Checks all sub-envs share the same spaces.
 */
function probeEnvs(envSpecs: readonly AsyncEnvSpec[]) {
  const probes = new Map<string, Env<unknown, unknown>>();
  const perEnv = envSpecs.map((s, i) => {
    let key: string;
    try {
      key = JSON.stringify([s.id, s.options ?? {}]);
    } catch {
      key = `#${i}`;
    }
    let env = probes.get(key);
    if (env === undefined) {
      env = make(s.id, s.options);
      probes.set(key, env);
    }
    return env;
  });
  try {
    const spaces: EnvSpaces[] = perEnv.map((env) => ({ observationSpace: env.observationSpace, actionSpace: env.actionSpace }));
    assertSameSpaces('AsyncVectorEnv', spaces);
    const first = perEnv[0]!;
    return {
      singleObservationSpace: first.observationSpace,
      singleActionSpace: first.actionSpace,
      metadata: first.metadata,
      renderMode: first.renderMode,
    };
  } finally {
    for (const env of probes.values()) env.close();
  }
}
