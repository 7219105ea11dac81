/**
 * PPO checkpoints: everything a run needs to continue exactly where it stopped.
 *
 * `saveAgentState(dir, agent)` writes these files into a checkpoint directory (the run's training
 * loop names it, writes it under a temporary name and renames it when complete, so a crash leaves no
 * half checkpoint):
 *   agent.json + agent.weights.bin   policy variables and Adam state (models/serialization), with meta:
 *                                    what the checkpoint fits (env, pipeline, networks), progress,
 *                                    the agent's generator, normaliser statistics, per-env episode
 *                                    bookkeeping, and the sha256 of state.bin
 *   state.bin                        the vector env's state (VectorEnv.getState: structured-cloneable
 *                                    data, written with v8.serialize), the policy's next input, and
 *                                    the latent pipeline's frame replay
 *   encoder.json + .weights.bin      'latent' only: the encoder and its optimiser (Encoder.save)
 * Envs without the state protocol (getState() undefined) resume with freshly reset envs; the caller
 * is told so (`exact: false`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { Rng, deriveSeed } from '../../envs/core/rng.js';
import { writeFileAtomic } from '../../envs/core/files.js';
import type { VectorEnvState } from '../../envs/vector/vector-env.js';
import { ModelFileError } from '../../models/errors.js';
import { loadCheckpoint } from '../../models/compute/serialization.js';
import type { FrameReplayState } from '../../models/encoders/frame-replay.js';
import { CheckpointMismatchError } from '../../models/errors.js';
import { loadModelState, saveModelState } from '../../models/nn/parameter-state.js';
import type { RewardScalerState } from './normalization.js';
import type { NextObservation, Ppo } from './ppo.js';
import type { RunningMeanStdState } from '../../envs/wrappers/running-mean-std.js';

export const CHECKPOINT_KIND = 'latentgym-ppo';

interface AgentMeta {
  kind: typeof CHECKPOINT_KIND;
  version: 1;
  /** What a loading agent must match. */
  compat: Record<string, unknown>;
  iteration: number;
  globalStep: number;
  rng: { seed: number; state: number[] };
  obsNormalizer: RunningMeanStdState | null;
  rewardScaler: RewardScalerState | null;
  nextValid: number[];
  episodeReturns: number[];
  episodeLengths: number[];
  recentReturns: number[];
  /** Whether state.bin holds the envs' state (false: the envs did not support the protocol). */
  envStateSaved: boolean;
  stateSha256: string;
}

interface StateFile {
  envState: VectorEnvState | undefined;
  next: NextObservation;
  replay: FrameReplayState | undefined;
}

/** What a checkpoint must match: env, pipeline, frames, networks, encoder (numEnvs too, for full resume). */
function compatibility(agent: Ppo): Record<string, unknown> {
  const { config } = agent;
  return {
    envId: config.envId,
    pipeline: config.pipeline,
    pixels: config.pipeline === 'state' ? null : config.pixels,
    policy: agent.policy.describe(),
    encoder: agent.encoder?.describe() ?? null,
    numEnvs: config.numEnvs,
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Write the agent's state into the (existing, empty) checkpoint directory `dir`. */
export async function saveAgentState(dir: string, agent: Ppo): Promise<void> {
  const envState = agent.vec.getState();
  const state: StateFile = { envState, next: agent.next, replay: agent.replay?.getState() };
  const stateBytes = serialize(state);
  writeFileAtomic(join(dir, 'state.bin'), stateBytes);
  if (agent.encoder) await agent.encoder.save(join(dir, 'encoder.json'));
  const meta: AgentMeta = {
    kind: CHECKPOINT_KIND, version: 1, compat: compatibility(agent),
    iteration: agent.iteration, globalStep: agent.globalStep,
    rng: { seed: agent.rng.seed, state: [...agent.rng.getState()] },
    obsNormalizer: agent.obsNormalizer?.getState() ?? null,
    rewardScaler: agent.rewardScaler?.getState() ?? null,
    nextValid: Array.from(agent.nextValid),
    episodeReturns: Array.from(agent.episodeReturns),
    episodeLengths: Array.from(agent.episodeLengths),
    recentReturns: [...agent.recentReturns],
    envStateSaved: envState !== undefined,
    stateSha256: sha256(stateBytes),
  };
  await saveModelState(join(dir, 'agent.json'), agent.policy.variables, agent.optimizer, meta as unknown as Record<string, unknown>);
}

/**
 * Refuse progress and bookkeeping values that cannot have been written by a save of this run (the
 * file's digest covers edits; this covers a checkpoint written by a faulty or foreign writer):
 * the error names the file and the field.
 */
function validateMeta(file: string, m: AgentMeta, agent: Ppo): void {
  // The writer's env count (equal to this run's unless only the policy is loaded, for evaluation).
  const n = m.compat.numEnvs as number;
  const rolloutSteps = agent.config.numSteps * n;
  const bad = (field: string, why: string) => new ModelFileError(`${file}: field '${field}' ${why}`);
  const isCount = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  const finiteArray = (x: unknown, length?: number) => Array.isArray(x) && (length === undefined || x.length === length) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!isCount(m.iteration)) throw bad('iteration', `must be a non-negative integer, got ${JSON.stringify(m.iteration)}`);
  if (m.globalStep !== m.iteration * rolloutSteps) throw bad('globalStep', `must be iteration x ${rolloutSteps} steps per rollout = ${m.iteration * rolloutSteps}, got ${JSON.stringify(m.globalStep)}`);
  if (m.rng === null || typeof m.rng !== 'object' || !isCount(m.rng.seed) || m.rng.seed > 2 ** 31 - 1 || !Array.isArray(m.rng.state) || m.rng.state.length !== 4 || !m.rng.state.every((v) => Number.isInteger(v) && (v | 0) === v)) {
    throw bad('rng', `must be {seed: integer in [0, 2^31 - 1], state: 4 int32 values}, got ${JSON.stringify(m.rng)}`);
  }
  if (!Array.isArray(m.nextValid) || m.nextValid.length !== n || !m.nextValid.every((v) => v === 0 || v === 1)) throw bad('nextValid', `must be ${n} values of 0 or 1`);
  if (!finiteArray(m.episodeReturns, n)) throw bad('episodeReturns', `must be ${n} finite numbers`);
  if (!finiteArray(m.episodeLengths, n) || !m.episodeLengths.every(isCount)) throw bad('episodeLengths', `must be ${n} non-negative integers`);
  if (!finiteArray(m.recentReturns) || m.recentReturns.length > 100) throw bad('recentReturns', 'must be at most 100 finite numbers');
  if (typeof m.stateSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.stateSha256)) throw bad('stateSha256', 'must be a sha256 in hex');
}

/** The first field where two compat records differ, described for one line. */
function firstDifference(saved: Record<string, unknown>, current: Record<string, unknown>, skip: readonly string[]): string | undefined {
  for (const key of Object.keys(current)) {
    if (skip.includes(key)) continue;
    const a = JSON.stringify(saved[key] ?? null);
    const b = JSON.stringify(current[key] ?? null);
    if (a !== b) return `${key} is ${a} in the checkpoint but ${b} in this run`;
  }
  return undefined;
}

export interface LoadOptions {
  /** Restore the policy and its input pipeline only (evaluation): envs, optimiser progress and replay are left alone. */
  policyOnly?: boolean;
}

/**
 * Restore `agent` (built with the run's config) from the checkpoint directory `path`. Refuses, with
 * one line and before changing anything, a checkpoint of another env, pipeline or network, and a
 * corrupt one. Returns whether the envs were restored exactly.
 */
export async function loadAgentState(path: string, agent: Ppo, options: LoadOptions = {}): Promise<{ exact: boolean; iteration: number; globalStep: number }> {
  const manifest = join(path, 'agent.json');
  if (!existsSync(manifest)) throw new ModelFileError(`${path} is not a PPO checkpoint (no agent.json)`);
  let meta: AgentMeta | undefined;
  const check = (raw: Record<string, unknown>) => {
    const m = raw as unknown as AgentMeta;
    if (m.kind !== CHECKPOINT_KIND || m.version !== 1) throw new CheckpointMismatchError(`${path}: not a ${CHECKPOINT_KIND} v1 checkpoint (kind ${JSON.stringify(m.kind)})`);
    if (m.compat === null || typeof m.compat !== 'object') throw new ModelFileError(`${manifest}: field 'compat' must be a record of what the checkpoint fits`);
    const diff = firstDifference(m.compat, compatibility(agent), options.policyOnly ? ['numEnvs'] : []);
    if (diff !== undefined) throw new CheckpointMismatchError(`${path} does not fit this run: ${diff}`);
    validateMeta(manifest, m, agent);
    meta = m;
  };
  let state: StateFile | undefined;
  if (!options.policyOnly) {
    // Read and verify state.bin before touching the agent.
    const { meta: peek, groups } = loadCheckpoint(manifest);
    for (const t of Object.values(groups).flat()) t.tensor.dispose();
    check(peek);
    const statePath = join(path, 'state.bin');
    if (!existsSync(statePath)) throw new ModelFileError(`${statePath}: missing`);
    const bytes = readFileSync(statePath);
    if (sha256(bytes) !== meta!.stateSha256) throw new ModelFileError(`${statePath}: contents do not match the sha256 in ${manifest} (corrupt or from another save)`);
    state = deserialize(bytes) as StateFile;
  }
  await loadModelState(manifest, agent.policy.variables, agent.optimizer, 'policy', check);
  const m = meta!;
  if (agent.encoder) await agent.encoder.load(join(path, 'encoder.json'));
  if (agent.obsNormalizer && m.obsNormalizer) agent.obsNormalizer.setState(m.obsNormalizer);
  if (options.policyOnly || !state) return { exact: false, iteration: m.iteration, globalStep: m.globalStep };

  if (agent.rewardScaler && m.rewardScaler) agent.rewardScaler.setState(m.rewardScaler);
  agent.rng = new Rng(m.rng.seed, m.rng.state);
  agent.iteration = m.iteration;
  agent.globalStep = m.globalStep;
  agent.recentReturns = [...m.recentReturns];
  if (state.replay) agent.replay?.setState(state.replay);
  if (state.envState !== undefined) {
    agent.vec.setState(state.envState);
    agent.next = state.next;
    agent.nextValid = Uint8Array.from(m.nextValid);
    agent.episodeReturns.set(m.episodeReturns);
    agent.episodeLengths.set(m.episodeLengths);
    return { exact: true, iteration: m.iteration, globalStep: m.globalStep };
  }
  // No env state: start fresh episodes (seeded from the progress, so a resume is still reproducible).
  const seed = deriveSeed(agent.config.seed, `envs-after-step-${m.globalStep}`, agent.config.numEnvs);
  agent.next = agent.observe(agent.vec.reset({ seed }).observation, true);
  agent.nextValid.fill(1);
  agent.episodeReturns.fill(0);
  agent.episodeLengths.fill(0);
  return { exact: false, iteration: m.iteration, globalStep: m.globalStep };
}
