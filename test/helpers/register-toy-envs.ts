/**
 * Registers the toy envs when imported. AsyncVectorEnv workers import this (through `imports`) so
 * that 'test/Counter-v0' and 'test/Chain-v0' exist inside them too.
 */
import { registerToyEnvs } from './toy-envs.js';

registerToyEnvs();
