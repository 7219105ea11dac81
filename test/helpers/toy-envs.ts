/**
 * Tiny deterministic environments for testing wrappers, vector envs and the checker.
 * `CounterEnv`: observation [t, x] where x accumulates the action; reward = action; terminates when
 * |x| >= `bound`; renders a frame whose every pixel equals (t, x mod 256, 7).
 */
import { Env, type EnvMetadata, type Frame, type RenderMode, type ResetArgs, type ResetResult, type StepResult } from '../../envs/core/env.js';
import { type NDArray, ndarray } from '../../envs/core/ndarray.js';
import { boxActionValues } from '../../envs/spaces/action-checks.js';
import { Box } from '../../envs/spaces/box.js';
import { Discrete } from '../../envs/spaces/discrete.js';
import { register, deregister } from '../../envs/registration.js';

export interface CounterOptions {
  bound?: number;
  renderMode?: RenderMode | undefined;
  frameSize?: number;
}

export class CounterEnv extends Env<NDArray<'float32'>, NDArray<'float32'>> {
  readonly observationSpace = new Box({ low: -1000, high: 1000, shape: [2] });
  readonly actionSpace = new Box({ low: -1, high: 1, shape: [1] });
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 10 };
  readonly renderMode: RenderMode | undefined;
  readonly bound: number;
  readonly frameSize: number;
  t = 0;
  x = 0;

  constructor(options: CounterOptions = {}) {
    super();
    this.bound = options.bound ?? 3;
    this.renderMode = options.renderMode;
    this.frameSize = options.frameSize ?? 4;
  }

  reset(args: ResetArgs = {}): ResetResult<NDArray<'float32'>> {
    this.seedRandom(args.seed);
    this.t = 0;
    this.x = Math.round(this.npRandom.uniform(-1, 1) * 100) / 100;
    return { observation: this.obs(), info: { start: this.x } };
  }

  step(action: NDArray<'float32'>): StepResult<NDArray<'float32'>> {
    const [u] = boxActionValues(this.actionSpace, action, 'error') as [number];
    this.t += 1;
    this.x += u;
    return { observation: this.obs(), reward: u, terminated: Math.abs(this.x) >= this.bound, truncated: false, info: { t: this.t } };
  }

  override render(): Frame | undefined {
    if (this.renderMode !== 'rgb_array') return undefined;
    const n = this.frameSize;
    const data = new Uint8Array(n * n * 3);
    for (let i = 0; i < n * n; i++) {
      data[3 * i] = this.t % 256;
      data[3 * i + 1] = ((Math.round(this.x * 10) % 256) + 256) % 256;
      data[3 * i + 2] = 7;
    }
    return { dtype: 'uint8', shape: [n, n, 3], data };
  }

  private obs(): NDArray<'float32'> {
    return ndarray([this.t, this.x], 'float32');
  }
}

/** A two-action chain: action 1 moves right, 0 left; terminates at position 3, reward 1 there. */
export class ChainEnv extends Env<number, number> {
  readonly observationSpace = new Discrete(4);
  readonly actionSpace = new Discrete(2);
  readonly metadata: EnvMetadata = { renderModes: [], renderFps: 1 };
  readonly renderMode = undefined;
  position = 0;

  reset(args: ResetArgs = {}): ResetResult<number> {
    this.seedRandom(args.seed);
    this.position = 0;
    return { observation: 0, info: {} };
  }

  step(action: number): StepResult<number> {
    if (action !== 0 && action !== 1) throw new RangeError(`ChainEnv: action must be 0 or 1, got ${action}`);
    this.position = Math.max(0, this.position + (action === 1 ? 1 : -1));
    const done = this.position === 3;
    return { observation: this.position, reward: done ? 1 : 0, terminated: done, truncated: false, info: {} };
  }
}

/** Registers `test/Counter-v0` (limit 5 steps) and `test/Chain-v0`; idempotent. */
export function registerToyEnvs(): void {
  deregister('test/Counter-v0');
  deregister('test/Chain-v0');
  register<CounterOptions>('test/Counter-v0', (o) => new CounterEnv(o), { maxEpisodeSteps: 5, defaults: { bound: 3, frameSize: 4 } });
  register('test/Chain-v0', () => new ChainEnv(), { maxEpisodeSteps: 10 });
}
