/** The budgets `latentgym bench ppo` times (plain data: its --help lists them without loading the agent). */
import { PRESETS, type PpoConfig } from '../../agents/ppo/config.js';

export const PPO_BENCH_CONFIGS: Record<string, Partial<PpoConfig>> = {
  pendulum: { ...PRESETS.pendulum },
  cleanrl: { numEnvs: 1, numSteps: 2048 },
};
