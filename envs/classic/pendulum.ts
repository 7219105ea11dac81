/**
 * Pendulum: Gymnasium's Pendulum-v1, swing a frictionless pendulum up and keep it upright.
 *
 * State (th, thdot): angle in radians (0 = upright, positive = counter-clockwise as seen in the
 * frame) and angular velocity in rad/s. Action: torque u in N m, Box(-2, 2, [1], float32); actions
 * outside the bounds are clipped to them, as Gymnasium does (non-finite values and wrong shapes are
 * errors). One step (dt = 0.05 s, semi-implicit Euler):
 *   cost     = angle_normalize(th)^2 + 0.1 thdot^2 + 0.001 u^2          (from the pre-step state)
 *   thdot'   = clip(thdot + (3 g / (2 l) sin th + 3 / (m l^2) u) dt, -8, 8)
 *   th'      = th + thdot' dt
 *   reward   = -cost, never terminates (make() truncates after 200 steps)
 * Observation ('state', default): [cos th, sin th, thdot] in Box([-1, -1, -8], [1, 1, 8], float32).
 * Observation ('e2c'): the E2C data view, Box(0, 255, [2, 48, 48], uint8): a 48x48 grayscale render of
 * the state and one of the state after a zero-torque step (two frames restore the Markov property).
 * (The E2C training set of such observations is drawn by models/data/pendulum-e2c.ts.)
 * Reset: th ~ U[-xInit, xInit], thdot ~ U[-yInit, yInit] with xInit = pi, yInit = 1 unless given as
 * reset options (Gymnasium's x_init / y_init). Info is always {} (as Gymnasium); the state is `env.state`.
 *
 * Rendering follows Gymnasium's geometry: white background, world bound 2.2 (scale = size / 4.4),
 * a rod of length 1 and width 0.2 with rounded ends in (204, 77, 77) and a black axle of radius 0.05.
 * Departures: the pivot is the centre of pixel (floor(W/2), floor(H/2)), so the axle covers whole
 * pixels; non-square frames use scale = min(W, H) / 4.4; Gymnasium's torque arrow is not drawn, as it
 * would leak the last action into the pixels.
 */
import { Env, type EnvMetadata, type EnvState, type Frame, type RenderMode, type ResetArgs, type ResetResult, type StepResult } from '../core/env.js';
import { ResetNeededError } from '../core/errors.js';
import type { NDArray } from '../core/ndarray.js';
import {
  RENDER_OPTION_NAMES, type RenderOptions, choiceOption, numberOption, rejectUnknownOptions, renderOptions, stateNumbers,
} from '../core/validate.js';
import { boxActionValues } from '../spaces/action-checks.js';
import { Box } from '../spaces/box.js';
import { type Color, type Raster, createRaster, fillBackground, fillCapsule, fillDisc } from '../render/raster2d.js';

/** Time step, s. */
export const PENDULUM_DT = 0.05;
/** Mass, kg, and length, m. */
export const PENDULUM_MASS = 1;
export const PENDULUM_LENGTH = 1;
/** Angular speed limit, rad/s. */
export const PENDULUM_MAX_SPEED = 8;
/** Torque limit, N m. */
export const PENDULUM_MAX_TORQUE = 2;
/** Default gravity, m/s^2 (Gymnasium's default, not 9.81). */
export const PENDULUM_DEFAULT_G = 10;
/** Side of each grayscale frame of the E2C view, px. */
export const E2C_FRAME_SIZE = 48;

/** Half-width of the rendered world, in metres: the frame spans [-2.2, 2.2]. */
const RENDER_BOUND = 2.2;
const ROD_RADIUS = 0.1;
const AXLE_RADIUS = 0.05;
const BACKGROUND: Color = [255, 255, 255];
const ROD_COLOR: Color = [204, 77, 77];
const AXLE_COLOR: Color = [0, 0, 0];
const TWO_PI = 2 * Math.PI;
const E2C_FRAME_PIXELS = E2C_FRAME_SIZE * E2C_FRAME_SIZE;
const STATE_OBS_SHAPE: readonly number[] = Object.freeze([3]);
const E2C_OBS_SHAPE: readonly number[] = Object.freeze([2, E2C_FRAME_SIZE, E2C_FRAME_SIZE]);

/** Python's float modulo: the result has the sign of `m` (numpy's `%` does the same). */
export function pyMod(x: number, m: number): number {
  const r = x % m;
  if (r === 0) return m < 0 ? -0 : 0;
  return (r < 0) !== (m < 0) ? r + m : r;
}

/** An angle wrapped into [-pi, pi): ((x + pi) mod 2 pi) - pi with a Python-style modulo. */
export function angleNormalize(x: number): number {
  return pyMod(x + Math.PI, TWO_PI) - Math.PI;
}

/** The step cost of state (th, thdot) under torque u (already clipped). Reward = -cost. */
export function pendulumCost(th: number, thdot: number, u: number): number {
  const a = angleNormalize(th);
  return a * a + 0.1 * thdot * thdot + 0.001 * u * u;
}

/** Angular velocity after one step, rad/s (u is clipped to +-2 here too). */
export function nextAngularVelocity(th: number, thdot: number, u: number, g = PENDULUM_DEFAULT_G): number {
  const torque = clip(u, -PENDULUM_MAX_TORQUE, PENDULUM_MAX_TORQUE);
  const l = PENDULUM_LENGTH;
  const accel = ((3 * g) / (2 * l)) * Math.sin(th) + (3 / (PENDULUM_MASS * l * l)) * torque;
  return clip(thdot + accel * PENDULUM_DT, -PENDULUM_MAX_SPEED, PENDULUM_MAX_SPEED);
}

/** One step of the dynamics: the state (th', thdot') after applying torque u for dt. */
export function pendulumStep(th: number, thdot: number, u: number, g = PENDULUM_DEFAULT_G): [th: number, thdot: number] {
  const newThdot = nextAngularVelocity(th, thdot, u, g);
  return [th + newThdot * PENDULUM_DT, newThdot];
}

/**
 * Draw the pendulum at angle `th` (radians) into `target` (RGB or grayscale; on grayscale the colours
 * become their luma: background 255, rod 115, axle 0). Overwrites the whole raster.
 */
export function drawPendulum(target: Raster, th: number): void {
  const scale = Math.min(target.width, target.height) / (2 * RENDER_BOUND);
  const cx = Math.floor(target.width / 2) + 0.5;
  const cy = Math.floor(target.height / 2) + 0.5;
  const endX = cx - PENDULUM_LENGTH * Math.sin(th) * scale;
  const endY = cy - PENDULUM_LENGTH * Math.cos(th) * scale;
  fillBackground(target, BACKGROUND);
  fillCapsule(target, cx, cy, endX, endY, ROD_RADIUS * scale, ROD_COLOR);
  fillDisc(target, cx, cy, AXLE_RADIUS * scale, AXLE_COLOR);
}

/** A fresh H x W x 3 RGB frame of the pendulum at angle `th`. */
export function renderPendulumFrame(th: number, width = 64, height = 64): Frame {
  const data = new Uint8Array(width * height * 3);
  drawPendulum(createRaster(width, height, 3, data), th);
  return { dtype: 'uint8', shape: [height, width, 3], data };
}

/**
 * The E2C observation of state (th, thdot): two 48x48 grayscale frames, [0] showing th and [1] the
 * angle after one zero-torque step under gravity `g`. Written into `out` (2 x 48 x 48 bytes, row-major).
 */
export function e2cFramesFor(th: number, thdot: number, g = PENDULUM_DEFAULT_G, out = new Uint8Array(2 * E2C_FRAME_PIXELS)): Uint8Array {
  if (out.length !== 2 * E2C_FRAME_PIXELS) throw new RangeError(`e2cFramesFor: out must hold ${2 * E2C_FRAME_PIXELS} bytes, got ${out.length}`);
  const nextTh = th + nextAngularVelocity(th, thdot, 0, g) * PENDULUM_DT;
  drawPendulum(createRaster(E2C_FRAME_SIZE, E2C_FRAME_SIZE, 1, out.subarray(0, E2C_FRAME_PIXELS)), th);
  drawPendulum(createRaster(E2C_FRAME_SIZE, E2C_FRAME_SIZE, 1, out.subarray(E2C_FRAME_PIXELS)), nextTh);
  return out;
}

/** The E2C observation of (th, thdot) as an NDArray of shape [2, 48, 48]. */
export function e2cObservation(th: number, thdot: number, g = PENDULUM_DEFAULT_G): NDArray<'uint8'> {
  return { dtype: 'uint8', shape: E2C_OBS_SHAPE, data: e2cFramesFor(th, thdot, g) };
}

export type PendulumObservationMode = 'state' | 'e2c';
export type PendulumObservation = NDArray<'float32'> | NDArray<'uint8'>;

export interface PendulumOptions extends RenderOptions {
  /** Gravity, m/s^2, in [0, 100]. Default 10. */
  g?: number;
  /** 'state' (default) or 'e2c' (two 48x48 grayscale frames). */
  observation?: PendulumObservationMode;
}

const OPTION_NAMES = ['g', 'observation', ...RENDER_OPTION_NAMES] as const;
const RESET_OPTION_NAMES = ['xInit', 'yInit'] as const;
const OBSERVATION_MODES: readonly PendulumObservationMode[] = ['state', 'e2c'];

export class PendulumEnv extends Env<PendulumObservation, NDArray<'float32'>> {
  readonly observationSpace: Box<'float32'> | Box<'uint8'>;
  readonly actionSpace = new Box({ low: -PENDULUM_MAX_TORQUE, high: PENDULUM_MAX_TORQUE, shape: [1] });
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 30 };
  readonly renderMode: RenderMode | undefined;
  /** Gravity, m/s^2. */
  readonly g: number;
  readonly renderWidth: number;
  readonly renderHeight: number;
  readonly observationMode: PendulumObservationMode;

  private th = 0;
  private thdot = 0;
  private hasState = false;

  constructor(options: PendulumOptions = {}) {
    super();
    rejectUnknownOptions('PendulumEnv', options, OPTION_NAMES);
    this.g = numberOption('g', options.g ?? PENDULUM_DEFAULT_G, 0, 100);
    ({ renderMode: this.renderMode, renderWidth: this.renderWidth, renderHeight: this.renderHeight } = renderOptions(options));
    this.observationMode = choiceOption('observation', options.observation ?? 'state', OBSERVATION_MODES);
    this.observationSpace = this.observationMode === 'state'
      ? new Box<'float32'>({ low: [-1, -1, -PENDULUM_MAX_SPEED], high: [1, 1, PENDULUM_MAX_SPEED] })
      : new Box<'uint8'>({ low: 0, high: 255, shape: E2C_OBS_SHAPE, dtype: 'uint8' });
  }

  /** The state [th (rad), thdot (rad/s)]; a copy. Setting it (e.g. for planning) skips validation of bounds. */
  get state(): readonly [th: number, thdot: number] {
    if (!this.hasState) throw new ResetNeededError('PendulumEnv: call reset() before reading the state');
    return [this.th, this.thdot];
  }

  set state(value: readonly [th: number, thdot: number]) {
    const [th, thdot] = value;
    if (!Number.isFinite(th) || !Number.isFinite(thdot)) {
      throw new RangeError(`PendulumEnv: state must be two finite numbers [th, thdot], got [${String(th)}, ${String(thdot)}]`);
    }
    this.th = th;
    this.thdot = thdot;
    this.hasState = true;
  }

  /**
   * Reset options: `xInit` (>= 0, default pi) and `yInit` (in [0, 8], default 1) bound the uniform
   * initial angle and angular velocity.
   */
  reset(args: ResetArgs = {}): ResetResult<PendulumObservation> {
    this.seedRandom(args.seed);
    const options = args.options ?? {};
    rejectUnknownOptions('PendulumEnv.reset', options, RESET_OPTION_NAMES);
    const xInit = options['xInit'] === undefined ? Math.PI : numberOption('xInit', options['xInit'], 0);
    const yInit = options['yInit'] === undefined ? 1 : numberOption('yInit', options['yInit'], 0, PENDULUM_MAX_SPEED);
    const rng = this.npRandom;
    this.th = rng.uniform(-xInit, xInit);
    this.thdot = rng.uniform(-yInit, yInit);
    this.hasState = true;
    return { observation: this.observe(), info: {} };
  }

  step(action: NDArray<'float32'>): StepResult<PendulumObservation> {
    if (!this.hasState) throw new ResetNeededError('PendulumEnv: call reset() before step()');
    const u = boxActionValues(this.actionSpace, action, 'clip')[0]!;
    const th = this.th;
    const thdot = this.thdot;
    const reward = -pendulumCost(th, thdot, u);
    const newThdot = nextAngularVelocity(th, thdot, u, this.g);
    this.th = th + newThdot * PENDULUM_DT;
    this.thdot = newThdot;
    return { observation: this.observe(), reward, terminated: false, truncated: false, info: {} };
  }

  override getState(): EnvState {
    return { random: this.randomState(), th: this.th, thdot: this.thdot, hasState: this.hasState };
  }

  override setState(state: EnvState): void {
    const [th, thdot] = stateNumbers('PendulumEnv', state, ['th', 'thdot']);
    this.restoreRandomState(state['random']);
    this.th = th;
    this.thdot = thdot;
    this.hasState = state['hasState'] === true;
  }

  override render(): Frame | undefined {
    if (this.renderMode !== 'rgb_array') return undefined;
    if (!this.hasState) throw new ResetNeededError('PendulumEnv: call reset() before render()');
    return renderPendulumFrame(this.th, this.renderWidth, this.renderHeight);
  }

  private observe(): PendulumObservation {
    if (this.observationMode === 'e2c') return e2cObservation(this.th, this.thdot, this.g);
    const data = new Float32Array(3);
    data[0] = Math.cos(this.th);
    data[1] = Math.sin(this.th);
    data[2] = this.thdot;
    return { dtype: 'float32', shape: STATE_OBS_SHAPE, data };
  }
}

function clip(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}
