import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../envs/index.js';
import './helpers/register-toy-envs.js';
import { Rng } from '../envs/core/rng.js';
import { initBackend } from '../models/compute/backend.js';
import { encoderNames, makeEncoder } from '../models/encoders/registry.js';
import { trainEncoderStep } from '../models/encoders/training-step.js';
import { FrameReplay } from '../models/encoders/frame-replay.js';
import { OnlineAutoencoder } from '../models/encoders/autoencoder.js';
import { CheckpointMismatchError, ModelConfigError } from '../models/errors.js';
import { ObservationAdapter, makeVecEnv } from '../agents/ppo/observations.js';
import { DEFAULT_PPO_CONFIG, Ppo, type PpoConfig } from '../agents/ppo/ppo.js';

const scratch = mkdtempSync(join(tmpdir(), 'latentgym-encoder-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
before(async () => {
  await initBackend();
});

const latent: PpoConfig = {
  ...DEFAULT_PPO_CONFIG, envId: 'Pendulum-v1', pipeline: 'latent', pixels: { frameSize: 16, grayscale: false, frameStack: 1 },
  numEnvs: 4, numSteps: 32, epochs: 1, minibatchSize: 64, totalSteps: 1_000_000, hiddenSizes: [16],
  encoderUpdates: 10, encoderBatchSize: 16, replaySteps: 128, latentDim: 4, seed: 2,
};

/** Frames of a random policy, through the same pipeline. */
function randomFrames(config: PpoConfig, steps: number): { frames: Uint8Array; count: number } {
  const vec = makeVecEnv({ envId: config.envId, pipeline: config.pipeline, pixels: config.pixels }, 8, 'sync');
  const adapter = new ObservationAdapter(vec.singleObservationSpace, config.pipeline, config.envId);
  vec.actionSpace.seed(9);
  let observation = vec.reset({ seed: 500 }).observation;
  const frames = new Uint8Array(steps * 8 * adapter.size);
  for (let t = 0; t < steps; t++) {
    frames.set(adapter.convert(observation, 8), t * 8 * adapter.size);
    observation = vec.step(vec.actionSpace.sample()).observation;
  }
  vec.close();
  return { frames, count: steps * 8 };
}

test('the registry: autoencoder is registered; an unknown name is one clear error', () => {
  assert.ok(encoderNames().includes('autoencoder'));
  assert.throws(() => makeEncoder('vae9', { inputShape: [16, 16, 3], actionSize: 1, seed: 0 }), (error: Error) =>
    error instanceof ModelConfigError && /unknown encoder 'vae9'; registered: .*autoencoder/.test(error.message) && !error.message.includes('\n'));
  assert.throws(() => makeEncoder('autoencoder', { inputShape: [20, 20, 3], actionSize: 1, seed: 0 }), /divisible by 8/);
});

test('the online autoencoder\'s reconstruction loss falls as it trains on the policy\'s frames, and PPO never changes it', () => {
  const held = randomFrames(latent, 8);
  const agent = new Ppo(latent);
  try {
    const encoder = agent.encoder as OnlineAutoencoder;
    assert.ok(encoder instanceof OnlineAutoencoder);
    const before = encoder.reconstructionLoss(held.frames, held.count);
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) {
      agent.collectRollout();
      // The policy update must leave the encoder alone (PPO sees latents as plain inputs).
      const latentsBefore = encoder.encode(held.frames, 16);
      agent.updatePolicy();
      assert.deepEqual(encoder.encode(held.frames, 16), latentsBefore, 'PPO\'s update does not reach the encoder');
      losses.push(agent.updateEncoder()!);
    }
    const afterTraining = encoder.reconstructionLoss(held.frames, held.count);
    assert.ok(afterTraining < 0.5 * before, `held-out reconstruction MSE ${before.toFixed(4)} -> ${afterTraining.toFixed(4)}`);
    assert.ok(losses[2]! < losses[0]!, `online training loss ${losses.map((l) => l.toFixed(4)).join(' -> ')}`);
    assert.equal(agent.policy.config.inputShape[0], 4, 'the policy sees the 4-dimensional latent');
  } finally {
    agent.close();
  }
});

test('encoder save/load: same latents after loading; another architecture is refused', async () => {
  const options = { inputShape: [16, 16, 3], actionSize: 1, seed: 1, latentDim: 4 };
  const a = makeEncoder('autoencoder', options);
  const b = makeEncoder('autoencoder', { ...options, seed: 2 });
  const c = makeEncoder('autoencoder', { ...options, latentDim: 6 });
  try {
    const { frames } = randomFrames(latent, 1);
    trainEncoderStep(a, { count: 4, frames: frames.subarray(0, 4 * 768), nextFrames: frames.subarray(0, 4 * 768), actions: new Float32Array(4) });
    const path = join(scratch, 'ae.json');
    await a.save(path);
    assert.notDeepEqual(b.encode(frames, 2), a.encode(frames, 2));
    await b.load(path);
    assert.deepEqual(b.encode(frames, 2), a.encode(frames, 2));
    await assert.rejects(c.load(path), (error: unknown) => error instanceof CheckpointMismatchError && /latentDim/.test(error.message));
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test('the frame replay samples transitions within episodes: (frame t, action t, frame t + 1)', () => {
  // test/Counter-v0 renders every pixel as (t, x, 7) and its episodes last at most 5 steps.
  const config: PpoConfig = { ...latent, envId: 'test/Counter-v0', envOptions: { frameSize: 8 }, pixels: { frameSize: 8, grayscale: false, frameStack: 1 }, numSteps: 16, replaySteps: 12 };
  const agent = new Ppo(config);
  try {
    agent.collectRollout();
    const replay = agent.replay!;
    assert.equal(replay.length, 12, 'holds the newest 12 vector steps');
    const batch = replay.sample(200, new Rng(1))!;
    for (let j = 0; j < batch.count; j++) {
      const t = batch.frames[j * 192]!;
      assert.equal(batch.nextFrames[j * 192], t + 1, 'the next frame is one step later in the same episode');
    }
    assert.equal(new FrameReplay(4, 2, 3, 1).sample(1, new Rng(1)), undefined, 'an empty replay gives nothing');
  } finally {
    agent.close();
  }
});
