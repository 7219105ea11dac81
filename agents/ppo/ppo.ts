/**
 * Proximal Policy Optimization (Schulman et al. 2017), told in one file as CleanRL's
 * ppo_continuous_action.py tells it, on latentgym's vector envs and the TensorFlow.js backend.
 *
 * One iteration:
 *   1. anneal the learning rate: lr * (1 - (iteration - 1) / iterations);
 *   2. collect a rollout of numSteps vector steps from numEnvs envs with the current policy
 *      (actions sampled, clipped to the action space for the env, stored unclipped);
 *   3. compute GAE advantages and returns (gae.ts): termination does not bootstrap, truncation
 *      (time limits) bootstraps from V(final observation);
 *   4. for `epochs` passes over the rollout's transitions in shuffled minibatches: normalise the
 *      minibatch's advantages, take the clipped surrogate + clipped value loss - entropy bonus
 *      (losses.ts), clip the gradient's global norm, take an Adam step; stop the epochs early when
 *      the approximate KL passes 1.5 x targetKl (SB3's rule), if a targetKl is set;
 *   5. 'latent' pipeline: train the encoder for a few steps on a replay of the policy's recent frames.
 *
 * Departures from CleanRL, on purpose: the vector envs autoreset on the next step, so the step after
 * an episode end is a reset step that is stored but is no transition (rollout-buffer.ts);
 * observation and reward normalisation live in the agent (normalization.ts) so that they are
 * checkpointed with it; the loss runs in plain TypeScript on the networks' outputs (losses.ts).
 *
 * The configuration (fields, defaults, presets, their checks) is plain data in config.ts, re-exported
 * here, so that the CLI can describe it without loading TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../envs/core/rng.js';
import type { NDArray } from '../../envs/core/ndarray.js';
import type { VectorEnv } from '../../envs/vector/vector-env.js';
import { type FusedAdamOptimizer, adam } from '../../models/compute/adam.js';
import { clipByGlobalNorm } from '../../models/compute/clip.js';
import type { Encoder } from '../../models/encoders/encoder.js';
import type { FrameReplay } from '../../models/encoders/frame-replay.js';
import { OnlineRepresentation } from '../../models/encoders/online.js';
import { makeEncoder } from '../../models/encoders/registry.js';
import '../../models/encoders/autoencoder.js';
import '../../models/encoders/vae.js';
import { TrainingDivergedError } from '../../models/errors.js';
import { type LossStats, normalizeAdvantages, ppoLoss } from './losses.js';
import { ObservationNormalizer, RewardScaler } from './normalization.js';
import { type PpoConfig, validateConfig } from './config.js';
import { type ActionSpec, type EnvSetup, ObservationAdapter, checkEnvSpaces, makeVecEnv } from './observations.js';
import { ActorCritic } from './policy.js';
import { RolloutBuffer } from './rollout-buffer.js';

export { DEFAULT_PPO_CONFIG, PRESETS, PRESET_SUMMARIES, validateConfig, type PpoConfig } from './config.js';

/** One finished episode, in raw (unscaled) reward. */
export interface Episode {
  /** Global step at which it ended. */
  step: number;
  return: number;
  length: number;
}

/** What one iteration reports (the metrics.jsonl row, with the run's own fields added by the caller). */
export interface IterationMetrics {
  iteration: number;
  step: number;
  learningRate: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  explainedVariance: number;
  gradNorm: number;
  /** Gradient steps taken (fewer than epochs x minibatches after a target-KL stop). */
  gradientSteps: number;
  episodes: Episode[];
  /** Mean return of the last 100 episodes (null before the first ends). */
  recentReturn: number | null;
  encoderLoss: number | null;
  rolloutSeconds: number;
  updateSeconds: number;
}

/** What the next rollout starts from: the network input of the envs' current observations. */
export interface NextObservation {
  /** The policy's input (normalised state/latent, or frames). */
  input: Float32Array | Uint8Array;
  /** 'latent' only: the frames the latent came from (for the replay). */
  frames: Uint8Array | undefined;
}

export class Ppo {
  readonly vec: VectorEnv;
  readonly adapter: ObservationAdapter;
  readonly action: ActionSpec;
  readonly policy: ActorCritic;
  readonly optimizer: FusedAdamOptimizer;
  readonly buffer: RolloutBuffer;
  readonly obsNormalizer: ObservationNormalizer | undefined;
  readonly rewardScaler: RewardScaler | undefined;
  /** 'latent' pipeline: the encoder and the replay of the policy's frames it trains on. */
  readonly representation: OnlineRepresentation | undefined;
  /** Action sampling, minibatch shuffling and replay sampling; its state is checkpointed. */
  rng: Rng;
  /** Iterations done, and environment steps taken. */
  iteration = 0;
  globalStep = 0;
  next!: NextObservation;
  /** 0 for envs whose next step is an autoreset step (their episode just ended). */
  nextValid: Uint8Array;
  /** Return and length of each env's running episode. */
  readonly episodeReturns: Float64Array;
  readonly episodeLengths: Float64Array;
  /** Returns of the last 100 episodes. */
  recentReturns: number[] = [];
  private readonly inputSize: number;

  /** Builds the envs, networks and optimiser; `imports` are the user modules async env workers load. */
  constructor(readonly config: PpoConfig, options: { imports?: readonly string[] } = {}) {
    validateConfig(config);
    const setup: EnvSetup = { envId: config.envId, pipeline: config.pipeline, pixels: config.pixels, envOptions: config.envOptions };
    this.action = checkEnvSpaces(setup).action;
    this.vec = makeVecEnv(setup, config.numEnvs, config.vectorization, options.imports);
    try {
      this.adapter = new ObservationAdapter(this.vec.singleObservationSpace, config.pipeline, config.envId);
      if (config.pipeline === 'latent') {
        const encoder = makeEncoder(config.encoder, {
          inputShape: this.adapter.inputShape, actionSize: this.actionSize, seed: this.seedFor('encoder-init'),
          latentDim: config.latentDim, learningRate: config.encoderLearningRate,
        });
        const schedule = { updates: config.encoderUpdates, batchSize: config.encoderBatchSize, replaySteps: config.replaySteps };
        this.representation = new OnlineRepresentation(encoder, schedule, config.numEnvs, this.adapter.size, this.actionSize);
      }
      const inputShape = this.encoder ? [this.encoder.latentDim] : this.adapter.inputShape;
      this.inputSize = inputShape.reduce((a, b) => a * b, 1);
      this.policy = new ActorCritic({
        inputShape, action: this.action, hiddenSizes: config.hiddenSizes, activation: config.activation,
        cnn: config.cnn, logStdInit: config.logStdInit,
      }, this.seedFor('policy-init'));
      this.optimizer = adam(config.learningRate, 0.9, 0.999, 1e-5); // CleanRL's eps
      const vectorInput = config.pipeline !== 'pixels';
      if (vectorInput && config.normalizeObservations) this.obsNormalizer = new ObservationNormalizer(this.inputSize);
      if (config.normalizeRewards) this.rewardScaler = new RewardScaler(config.numEnvs, config.gamma);
      this.buffer = new RolloutBuffer(config.numSteps, config.numEnvs, this.inputSize, vectorInput ? 'float32' : 'uint8', this.actionSize);
    } catch (error) {
      this.vec.close();
      this.representation?.dispose();
      throw error;
    }
    this.rng = new Rng(this.seedFor('agent'));
    this.nextValid = new Uint8Array(config.numEnvs).fill(1);
    this.episodeReturns = new Float64Array(config.numEnvs);
    this.episodeLengths = new Float64Array(config.numEnvs);
    this.next = this.observe(this.vec.reset({ seed: config.seed }).observation, true);
  }

  /**
   * The seed of one of the run's named random streams: 'policy-init' (network weights), 'agent'
   * (action sampling, minibatch shuffling, replay sampling), 'encoder-init', 'evaluation' (episode k
   * of an evaluation resets with this seed + k). The envs are reset with the run seed itself
   * (env i with seed + i), as Gymnasium's vector envs and CleanRL do.
   */
  seedFor(stream: 'policy-init' | 'agent' | 'encoder-init' | 'evaluation'): number {
    return deriveSeed(this.config.seed, stream, stream === 'evaluation' ? 1_000_000 : 1024);
  }

  get encoder(): Encoder | undefined {
    return this.representation?.encoder;
  }

  get replay(): FrameReplay | undefined {
    return this.representation?.replay;
  }

  get actionSize(): number {
    return this.action.kind === 'continuous' ? this.action.size : 1;
  }

  /** Environment steps per rollout. */
  get rolloutSteps(): number {
    return this.config.numSteps * this.config.numEnvs;
  }

  /** Iterations needed for totalSteps (the last one may overshoot, as in SB3). */
  get iterations(): number {
    return Math.ceil(this.config.totalSteps / this.rolloutSteps);
  }

  get done(): boolean {
    return this.iteration >= this.iterations;
  }

  /**
   * The policy's input for a batch of env observations: adapter layout, encoded ('latent') and
   * normalised ('state', 'latent'; `learn` merges the batch into the statistics first, as
   * Gymnasium's NormalizeObservation does).
   */
  observe(observation: unknown, learn: boolean): NextObservation {
    const count = this.config.numEnvs;
    const raw = this.adapter.convert(observation, count);
    const frames = this.encoder ? (raw as Uint8Array) : undefined;
    let input: Float32Array | Uint8Array = this.encoder ? this.encoder.encode(raw as Uint8Array, count) : raw;
    if (this.obsNormalizer) {
      if (learn) this.obsNormalizer.update(input as Float32Array, count);
      input = this.obsNormalizer.normalize(input as Float32Array, count);
    }
    return { input, frames };
  }

  /** Env actions for the stored actions: Box actions clipped to the bounds, Discrete indices shifted by start. */
  envActions(actions: Float32Array, count: number): NDArray {
    const a = this.action;
    if (a.kind === 'discrete') return { dtype: 'int32', shape: [count], data: Int32Array.from(actions.subarray(0, count), (k) => k + a.start) };
    const data = a.dtype === 'float64' ? new Float64Array(count * a.size) : new Float32Array(count * a.size);
    for (let i = 0; i < count * a.size; i++) {
      const j = i % a.size;
      data[i] = Math.min(Math.max(actions[i]!, a.low[j]!), a.high[j]!);
    }
    return { dtype: a.dtype, shape: [count, a.size], data };
  }

  /** One full iteration: rollout, advantages, policy update, encoder update. */
  iterate(): IterationMetrics {
    const { config } = this;
    this.iteration += 1;
    const lr = config.annealLr ? config.learningRate * (1 - (this.iteration - 1) / this.iterations) : config.learningRate;
    this.optimizer.setLearningRate(lr);

    const rolloutStart = performance.now();
    const episodes = this.collectRollout();
    const updateStart = performance.now();
    const stats = this.updatePolicy();
    const encoderLoss = this.updateEncoder();
    const end = performance.now();
    const recent = this.recentReturns;
    return {
      iteration: this.iteration, step: this.globalStep, learningRate: lr, ...stats, episodes,
      recentReturn: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
      encoderLoss, rolloutSeconds: (updateStart - rolloutStart) / 1000, updateSeconds: (end - updateStart) / 1000,
    };
  }

  /** Steps 2-3: fill the buffer with numSteps vector steps, then compute GAE. */
  collectRollout(): Episode[] {
    const { config, buffer, policy, vec } = this;
    const n = config.numEnvs;
    const dist = policy.distribution;
    const logStd = policy.readShared();
    const actions = new Float32Array(n * this.actionSize);
    const logProbs = new Float32Array(n);
    const episodes: Episode[] = [];
    for (let t = 0; t < config.numSteps; t++) {
      const { input, frames } = this.next;
      const { params, values } = policy.forward({ data: input, count: n });
      if (!params.every(Number.isFinite) || !values.every(Number.isFinite)) {
        throw new TrainingDivergedError(`the policy produced non-finite outputs at step ${this.globalStep} (iteration ${this.iteration}); check the observations for NaN or Infinity`);
      }
      dist.sample(params, logStd, n, this.rng, actions);
      dist.logProb(params, logStd, actions, n, logProbs);
      const valid = this.nextValid.slice();
      buffer.storePolicyStep(t, input, actions, logProbs, values, valid);
      this.representation?.record(frames!, actions, valid);

      const result = vec.step(this.envActions(actions, n));
      this.globalStep += n;
      const terminated = Uint8Array.from(result.terminated, Number);
      const done = Uint8Array.from(result.terminated, (term, i) => Number(term || result.truncated[i]!));
      const rewards = this.rewardScaler ? this.rewardScaler.scale(result.rewards, valid, done) : Float32Array.from(result.rewards);
      buffer.storeEnvStep(t, rewards, terminated);
      for (let i = 0; i < n; i++) {
        if (!valid[i]) continue;
        this.episodeReturns[i] = this.episodeReturns[i]! + result.rewards[i]!;
        this.episodeLengths[i] = this.episodeLengths[i]! + 1;
        if (done[i]) {
          episodes.push({ step: this.globalStep, return: this.episodeReturns[i]!, length: this.episodeLengths[i]! });
          this.recentReturns.push(this.episodeReturns[i]!);
          if (this.recentReturns.length > 100) this.recentReturns.shift();
          this.episodeReturns[i] = 0;
          this.episodeLengths[i] = 0;
        }
      }
      // An ended episode's next step is the autoreset step; the policy still sees its final
      // observation there, which is how truncation bootstraps from V(final obs).
      this.nextValid = Uint8Array.from(done, (d) => 1 - d);
      this.next = this.observe(result.observation, true);
    }
    buffer.computeAdvantages(policy.value({ data: this.next.input, count: n }), config.gamma, config.gaeLambda);
    return episodes;
  }

  /** Step 4: epochs of minibatch gradient steps on the clipped PPO loss. */
  updatePolicy(): Omit<IterationMetrics, 'iteration' | 'step' | 'learningRate' | 'episodes' | 'recentReturn' | 'encoderLoss' | 'rolloutSeconds' | 'updateSeconds'> {
    const { config, buffer, policy } = this;
    const indices = buffer.validIndices();
    const coefs = { clipCoef: config.clipCoef, clipValueLoss: config.clipValueLoss, valueCoef: config.valueCoef, entropyCoef: config.entropyCoef };
    const totals = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradNorm: 0 };
    let steps = 0;
    let stop = false;
    for (let epoch = 0; epoch < config.epochs && !stop; epoch++) {
      shuffle(indices, this.rng);
      for (let start = 0; start < indices.length && !stop; start += config.minibatchSize) {
        const batch = buffer.gather(indices.subarray(start, start + config.minibatchSize));
        if (config.normalizeAdvantages) normalizeAdvantages(batch.advantages);
        let stats: LossStats | undefined;
        const grads = policy.gradients({ data: batch.observations, count: batch.size }, (out) => {
          const result = ppoLoss(policy.distribution, out, batch, coefs);
          stats = result;
          if (!Number.isFinite(result.loss)) throw this.diverged(`loss is ${result.loss} (policy ${result.policyLoss}, value ${result.valueLoss}, entropy ${result.entropy})`);
          return result.grad;
        });
        const clipped = clipByGlobalNorm(grads, config.maxGradNorm);
        const gradNorm = clipped.norm.dataSync()[0]!;
        if (!Number.isFinite(gradNorm)) {
          tf.dispose([...Object.values(grads), ...Object.values(clipped.grads), clipped.norm]);
          throw this.diverged(`gradient norm is ${gradNorm}`);
        }
        this.optimizer.applyGradients(clipped.grads as Record<string, tf.Variable>); // gradients keyed by variable name
        tf.dispose([...Object.values(grads), ...Object.values(clipped.grads), clipped.norm]);
        steps += 1;
        for (const key of ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction'] as const) totals[key] += stats![key];
        totals.gradNorm += gradNorm;
        if (config.targetKl !== null && stats!.approxKl > 1.5 * config.targetKl) stop = true;
      }
    }
    const mean = (x: number) => (steps > 0 ? x / steps : 0);
    return {
      policyLoss: mean(totals.policyLoss), valueLoss: mean(totals.valueLoss), entropy: mean(totals.entropy),
      approxKl: mean(totals.approxKl), clipFraction: mean(totals.clipFraction), gradNorm: mean(totals.gradNorm),
      gradientSteps: steps, explainedVariance: explainedVariance(buffer, indices),
    };
  }

  /** Step 5 ('latent'): encoder steps on the policy's recent frames; their mean loss, or null. */
  updateEncoder(): number | null {
    if (!this.representation) return null;
    try {
      return this.representation.update(this.rng)?.loss ?? null;
    } catch (error) {
      if (error instanceof TrainingDivergedError) throw this.diverged(error.message);
      throw error;
    }
  }

  private diverged(what: string): TrainingDivergedError {
    return new TrainingDivergedError(`training stopped at iteration ${this.iteration} (step ${this.globalStep}): ${what}; parameters were not updated`);
  }

  /**
   * The deterministic action (Gaussian mean, categorical argmax) for env observations, with frozen
   * normalisation statistics, as an env action batch.
   */
  actDeterministic(observation: unknown, count: number): NDArray {
    const raw = this.adapter.convert(observation, count);
    let input: Float32Array | Uint8Array = this.encoder ? this.encoder.encode(raw as Uint8Array, count) : raw;
    if (this.obsNormalizer) input = this.obsNormalizer.normalize(input as Float32Array, count);
    const { params } = this.policy.forward({ data: input, count });
    const actions = new Float32Array(count * this.actionSize);
    this.policy.distribution.mode(params, count, actions);
    return this.envActions(actions, count);
  }

  close(): void {
    this.vec.close();
    this.policy.dispose();
    this.optimizer.dispose();
    this.representation?.dispose();
  }
}

/** Fisher-Yates, in place, with the agent's generator. */
export function shuffle(indices: Int32Array, rng: Rng): void {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = rng.integer(0, i);
    const x = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = x;
  }
}

/** 1 - Var(returns - values) / Var(returns) over the transitions: how much of the return the critic explains. */
function explainedVariance(buffer: RolloutBuffer, indices: Int32Array): number {
  const n = indices.length;
  if (n < 2) return 0;
  let meanY = 0;
  let meanD = 0;
  for (const k of indices) {
    meanY += buffer.returns[k]!;
    meanD += buffer.returns[k]! - buffer.values[k]!;
  }
  meanY /= n;
  meanD /= n;
  let varY = 0;
  let varD = 0;
  for (const k of indices) {
    varY += (buffer.returns[k]! - meanY) ** 2;
    varD += (buffer.returns[k]! - buffer.values[k]! - meanD) ** 2;
  }
  return varY === 0 ? 0 : 1 - varD / varY;
}
