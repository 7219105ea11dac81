/**
 * Data sets of transitions for training the models: frames, low-dimensional states and the actions
 * between them, drawn from the envs (models/ may import envs/, never the reverse).
 */
export * from './pendulum-e2c.js';
export * from './transitions.js';
export * from './collect.js';
