/** `train ppo`'s words about its budget and presets (kept apart from the flag definitions in train.ts). */
import { PRESETS, PRESET_SUMMARIES, type PpoConfig } from '../../agents/ppo/config.js';
import { formatCount } from '../runs/progress.js';
import { UsageError } from './support.js';

/**
 * Training runs whole rollouts of numEnvs x numSteps environment steps, so --steps rounds up to a
 * multiple of that: refused when one rollout alone is 10x --steps or more, said (on stderr) when the
 * rounding adds more than 1%. Returns the config.
 */
export function checkStepBudget(config: PpoConfig): PpoConfig {
  const rollout = config.numEnvs * config.numSteps;
  const rollouts = Math.ceil(config.totalSteps / rollout);
  const what = `--num-envs ${config.numEnvs} x --num-steps ${config.numSteps}`;
  if (rollout >= 10 * config.totalSteps) {
    throw new UsageError(`--steps ${config.totalSteps} is less than a tenth of one rollout (${what} = ${formatCount(rollout)} steps); lower --num-steps`);
  }
  if (rollouts * rollout > 1.01 * config.totalSteps) {
    process.stderr.write(`latentgym: --steps ${config.totalSteps} rounds up to ${rollouts * rollout} steps: ${rollouts} whole rollouts of ${what}\n`);
  }
  return config;
}

/** The presets as `train ppo --help` lists them: what each is for and the flags it amounts to. */
export function presetsHelp(flagOf: Readonly<Record<string, string>>): string {
  const flags = { totalSteps: 'steps', ...flagOf } as Record<string, string>;
  const lines = Object.entries(PRESETS).map(([name, preset]) => {
    const set = Object.entries(preset).map(([key, value]) => {
      const flag = flags[key] ?? key;
      return typeof value === 'boolean' ? `--${value ? '' : 'no-'}${flag}` : `--${flag} ${Array.isArray(value) ? value.join(',') : String(value)}`;
    });
    return `  ${name}: ${PRESET_SUMMARIES[name] ?? ''}; sets ${set.join(' ')}`;
  });
  return ['Presets (over the defaults; explicit flags win):', ...lines].join('\n');
}
