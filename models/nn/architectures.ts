/** Convolution layouts as plain data (no TensorFlow.js), for configs and help texts to name. */
import type { ConvSpec } from './layers.js';

/** The Nature-DQN convolutions (SB3's NatureCNN, CleanRL's Atari PPO), for frames of 36 px or more. */
export const NATURE_CNN: readonly ConvSpec[] = [
  { filters: 32, kernel: 8, stride: 4 },
  { filters: 64, kernel: 4, stride: 2 },
  { filters: 64, kernel: 3, stride: 1 },
];
