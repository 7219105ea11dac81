/**
 * The worker thread behind one AsyncVectorEnv sub-env. It builds its env from the registry with
 * make(id, options), wraps it in the same AutoresettingEnv SyncVectorEnv uses, then answers one reply
 * per command (see protocol.ts for the handshake).
 *
 * Only dependency-free modules are imported statically: the exit hook must be installed before any
 * import that could fail, or a main thread blocked in Atomics.wait would never hear about it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AutoresettingEnv } from './autoreset.js';
import { DEAD, READY, type RemoteError, type WorkerCommand, type WorkerInit, type WorkerReply, toRemoteError } from './protocol.js';

const init = workerData as WorkerInit;
const flag = new Int32Array(init.flag);
const replyPort = init.replyPort;

function reply(message: WorkerReply): void {
  try {
    replyPort.postMessage(message);
  } catch (error) {
    // Typically a DataCloneError: the env returned something structuredClone cannot copy.
    const why = toRemoteError(error);
    replyPort.postMessage({
      ok: false,
      fatal: false,
      error: { ...why, message: `could not send the result to the main thread (observations and infos must be structured-cloneable): ${why.message}` },
    } satisfies WorkerReply);
  }
  Atomics.store(flag, 0, READY);
  Atomics.notify(flag, 0);
}

// An uncaught error (say, from a timer inside an env) ends the worker; report it before dying.
let fatalError: RemoteError | undefined;
process.on('uncaughtException', (error) => {
  fatalError = toRemoteError(error);
  process.exit(1);
});
process.on('exit', (code) => {
  const error = fatalError ?? { name: 'Error', message: `the worker exited with code ${code}`, stack: undefined };
  try {
    replyPort.postMessage({ ok: false, fatal: true, error } satisfies WorkerReply);
  } finally {
    Atomics.store(flag, 0, DEAD);
    Atomics.notify(flag, 0);
  }
});

/** Register the built-in envs and the user's modules, then build the env. */
async function buildEnv(): Promise<AutoresettingEnv> {
  const { make } = await import('../registration.js');
  const { AutoresettingEnv, autoresetModeOption } = await import('./autoreset.js');
  await import('../index.js'); // registers the built-in envs
  for (const url of init.imports) {
    try {
      await import(url);
    } catch (error) {
      const why = toRemoteError(error);
      throw Object.assign(new Error(`importing '${url}' failed: ${why.name}: ${why.message}`), { name: why.name });
    }
  }
  try {
    return new AutoresettingEnv(make(init.id, init.options), autoresetModeOption(init.autoresetMode));
  } catch (error) {
    if (error instanceof Error && error.name === 'RegistrationError') {
      error.message += `. Workers only know the built-in envs and those registered by a module passed in 'imports'`;
    }
    throw error;
  }
}

function run(env: AutoresettingEnv, command: WorkerCommand): unknown {
  switch (command.type) {
    case 'reset':
      return env.reset({ seed: command.seed, options: command.options });
    case 'step':
      return env.step(command.action);
    case 'render':
      return env.render();
    case 'getState':
      return env.getState();
    case 'setState':
      env.setState(command.state);
      return null;
    case 'close':
      env.close();
      return null;
  }
}

async function main(): Promise<void> {
  let env: AutoresettingEnv;
  try {
    env = await buildEnv();
  } catch (error) {
    reply({ ok: false, fatal: true, error: toRemoteError(error) });
    return;
  }
  reply({ ok: true, value: null });
  parentPort!.on('message', (command: WorkerCommand) => {
    try {
      reply({ ok: true, value: run(env, command) });
    } catch (error) {
      reply({ ok: false, fatal: false, error: toRemoteError(error) });
    }
  });
}

void main();
