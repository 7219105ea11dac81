/** Encoders: the interface, the registry, the shared training step, online training, and the built-in encoders. */
export * from './encoder.js';
export * from './registry.js';
export * from './training-step.js';
export * from './online.js';
export { FrameReplay, type FrameReplayState } from './frame-replay.js';
export { OnlineAutoencoder } from './autoencoder.js';
export { BatchNorm, ConvVae, gaussianKl, gaussianNll, type VaeOptions } from './vae.js';
