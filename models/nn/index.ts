/** Neural-network building blocks shared by PPO, the encoders, E2C and the relations. */
export * from './init.js';
export * from './layers.js';
export * from './mlp.js';
export * from './cnn.js';
export * from './parameter-state.js';
