/** latentgym models: the compute backend, neural-network building blocks, the encoders and their evaluation. */
// The TensorFlow.js instance latentgym computes with: loss terms and layers of your own must use this
// one (a second copy of tfjs-core in a project has its own engine, backends and gradient tape).
export * as tf from '@tensorflow/tfjs-core';
export { initBackend, describeBackend, formatBackend, BACKEND_CHOICES, type BackendChoice, type BackendDescription } from './compute/backend.js';
export { adam, FusedAdamOptimizer } from './compute/adam.js';
export { clipByGlobalNorm } from './compute/clip.js';
export { saveCheckpoint, loadCheckpoint, type NamedTensor } from './compute/serialization.js';
export * from './nn/index.js';
export * from './encoders/index.js';
export * from './errors.js';
export * from './data/index.js';
export * from './evaluation/index.js';
