/**
 * The messages between AsyncVectorEnv (main thread) and its workers. Kept free of imports so the
 * worker can load it before anything that might fail, and install its exit hook first.
 *
 * Handshake per command: the main thread sets the worker's flag to PENDING and posts the command;
 * the worker runs it, posts one reply on its reply port, then stores READY and notifies. A worker
 * that is exiting stores DEAD (after posting why), so a blocked main thread never waits forever.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SlotState } from './autoreset.js';

export const PENDING = 0;
export const READY = 1;
export const DEAD = 2;

/** `workerData` of every vector worker. */
export interface WorkerInit {
  /** Registered env id; the worker builds its env with make(id, options). */
  id: string;
  options: Record<string, unknown>;
  autoresetMode: string;
  /** file:/data: URLs of modules that register user envs, imported before make(). */
  imports: string[];
  /** One Int32 (PENDING/READY/DEAD), shared with the main thread. */
  flag: SharedArrayBuffer;
  /** Replies go here; the main thread reads them synchronously with receiveMessageOnPort. */
  replyPort: MessagePort;
}

export type WorkerCommand =
  | { type: 'reset'; seed: number | undefined; options: Record<string, unknown> | undefined }
  | { type: 'step'; action: unknown }
  | { type: 'render' }
  | { type: 'getState' }
  | { type: 'setState'; state: SlotState }
  | { type: 'close' };

/** An error, flattened so it survives structured cloning with its class name. */
export interface RemoteError {
  name: string;
  message: string;
  stack: string | undefined;
}

export type WorkerReply =
  | { ok: true; value: unknown }
  /** `fatal`: the worker is exiting (it can no longer take commands). */
  | { ok: false; error: RemoteError; fatal: boolean };

export function toRemoteError(error: unknown): RemoteError {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error), stack: undefined };
}
