/**
 * Environment throughput: steps per second of a made env (with make()'s standard wrappers) under a
 * fixed cycle of pre-sampled random actions, without rendering and with an RGB frame every step.
 * Envs with an `observation` option run with `observation: 'state'`, so 'step' measures the
 * simulation alone and 'render' the simulation plus exactly one frame per step.
 * Single-threaded, so the figures are per core.
 */
import type { Env } from '../../envs/core/env.js';
import { make, spec } from '../../envs/registration.js';

export interface ThroughputResult {
  env: string;
  /** 'step': no rendering; 'render': env.render() at the given size after every step. */
  mode: 'step' | 'render';
  frameSize: [number, number] | null;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
}

const ACTION_CYCLE = 1024;

function measure(env: Env<unknown, unknown>, seconds: number, render: boolean): { steps: number; seconds: number } {
  env.reset({ seed: 0 });
  env.actionSpace.seed(0);
  const actions = Array.from({ length: ACTION_CYCLE }, () => env.actionSpace.sample());
  const run = (budgetMs: number): { steps: number; ms: number } => {
    let steps = 0;
    const start = performance.now();
    let now = start;
    while (now - start < budgetMs) {
      for (let k = 0; k < 256; k++, steps++) {
        const r = env.step(actions[steps % ACTION_CYCLE]!);
        if (render) env.render();
        if (r.terminated || r.truncated) env.reset();
      }
      now = performance.now();
    }
    return { steps, ms: now - start };
  };
  run(Math.min(200, seconds * 250)); // warm-up: let the JIT settle
  const { steps, ms } = run(seconds * 1000);
  return { steps, seconds: ms / 1000 };
}

/**
 * Measure one env id without and (if it renders) with a `size` RGB frame per step; `options` are more
 * make() options (an `observation` among them replaces 'state').
 */
export function benchEnv(id: string, seconds: number, size: [number, number], options: Readonly<Record<string, unknown>> = {}): ThroughputResult[] {
  const results: ThroughputResult[] = [];
  const defaults = spec(id).defaults;
  const stateOptions = { ...('observation' in defaults ? { observation: 'state' } : {}), ...options };
  const plain = make(id, stateOptions);
  try {
    const m = measure(plain, seconds, false);
    results.push({ env: id, mode: 'step', frameSize: null, ...m, stepsPerSecond: m.steps / m.seconds });
  } finally {
    plain.close();
  }
  if (!plain.metadata.renderModes.includes('rgb_array')) return results;
  const sizeOptions = 'renderWidth' in defaults && 'renderHeight' in defaults ? { renderWidth: size[1], renderHeight: size[0] } : {};
  const rendered = make(id, { renderMode: 'rgb_array', ...stateOptions, ...sizeOptions });
  try {
    rendered.reset({ seed: 0 });
    const frame = rendered.render()!;
    const m = measure(rendered, seconds, true);
    results.push({
      env: id, mode: 'render', frameSize: [frame.shape[0]!, frame.shape[1]!], ...m, stepsPerSecond: m.steps / m.seconds,
    });
  } finally {
    rendered.close();
  }
  return results;
}
