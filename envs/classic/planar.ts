/**
 * Planar: the E2C planar navigation task. An agent moves in a 40 x 40 px room with six round
 * obstacles and must reach a goal; it is seen only through a 40 x 40 grayscale image.
 *
 * Units are pixels of the 40 x 40 observation: x = column, y = row, (0, 0) the top-left corner of the
 * image (so pixel (i, j) has its centre at (i + 0.5, j + 0.5)).
 * - State: the agent's position (x, y), continuous. It is valid ("free") when it lies in [3, 37]^2
 *   (at least 3 px from the border) and the agent's square (side 3, half-width 1.5, centred at the
 *   position) does not overlap any obstacle disc (radius 2.5; touching is allowed).
 * - Action: a displacement (dx, dy), px, Box(-3, 3, [2], float32). Actions outside the bounds are an
 *   error, not clipped (unlike Pendulum): the E2C data set never contains such moves.
 * - A move whose end position is not free is refused: the state stays unchanged and info.refused is
 *   true. Only the end position is checked; a move of at most 3 px per axis cannot jump across an
 *   obstacle (the square and a disc together span 8 px).
 * - Reward: -(Euclidean distance from the position after the move to the goal) / 40, each step.
 *   Terminated when that distance < `threshold` (default 2). make() truncates after 100 steps.
 * - Reset: start uniform in [3, 7]^2, resampled until free and not already within the goal threshold;
 *   goal (goalX, goalY), default (37, 37). Reset options `start: [x, y]` and `goal: [x, y]` override
 *   them for that episode (both must be free positions).
 * - Observation 'pixels' (default): Box(0, 255, [40, 40], uint8): black background, obstacles mid-grey
 *   (128), the agent white (255); anti-aliased; the goal is never shown. 'state': Box float32 [4] =
 *   (x, y, goalX, goalY). Info: {distance, refused} (reset: {distance}).
 * - renderMode 'rgb_array': the same scene in RGB at renderWidth x renderHeight (default 64 x 64),
 *   scaled uniformly by min(W, H) / 40 and centred, with the goal region (radius = threshold) as a
 *   green disc beneath the agent.
 */
import { Env, type EnvMetadata, type EnvState, type Frame, type RenderMode, type ResetArgs, type ResetResult, type StepResult } from '../core/env.js';
import { InvalidOptionError, ResetNeededError } from '../core/errors.js';
import type { NDArray } from '../core/ndarray.js';
import {
  RENDER_OPTION_NAMES, type RenderOptions, choiceOption, numberOption, rejectUnknownOptions, renderOptions, stateNumbers,
} from '../core/validate.js';
import { boxActionValues } from '../spaces/action-checks.js';
import { Box } from '../spaces/box.js';
import { type Color, type Raster, createRaster, fillBackground, fillDisc, fillRect } from '../render/raster2d.js';

/** Side of the room and of the observation image, px. */
export const PLANAR_SIZE = 40;
/** Obstacle centres (x, y), px. */
export const PLANAR_OBSTACLES: readonly (readonly [x: number, y: number])[] = Object.freeze([
  [20.5, 5.5], [20.5, 12.5], [20.5, 27.5], [20.5, 35.5], [10.5, 20.5], [30.5, 20.5],
].map((c) => Object.freeze(c as [number, number])));
/** Obstacle radius, px. */
export const PLANAR_OBSTACLE_RADIUS = 2.5;
/** Half the side of the agent's square, px. */
export const PLANAR_AGENT_HALF_WIDTH = 1.5;
/** Valid positions lie in [PLANAR_MIN_POSITION, PLANAR_MAX_POSITION] on both axes, px. */
export const PLANAR_MIN_POSITION = 3;
export const PLANAR_MAX_POSITION = PLANAR_SIZE - 3;
/** Largest displacement per axis and step, px. */
export const PLANAR_MAX_STEP = 3;
/** Region from which reset() draws starts: [3, 7]^2, px. */
export const PLANAR_START_LOW = 3;
export const PLANAR_START_HIGH = 7;

const BACKGROUND: Color = [0, 0, 0];
const OBSTACLE_COLOR: Color = [128, 128, 128];
const AGENT_COLOR: Color = [255, 255, 255];
const GOAL_COLOR: Color = [0, 200, 0];
const OBS_SHAPE: readonly number[] = Object.freeze([PLANAR_SIZE, PLANAR_SIZE]);
const STATE_SHAPE: readonly number[] = Object.freeze([4]);
const MAX_START_TRIES = 10_000;

/** Why (x, y) is not a free agent position, or undefined when it is. */
export function positionProblem(x: number, y: number): string | undefined {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 'coordinates must be finite numbers';
  if (x < PLANAR_MIN_POSITION || x > PLANAR_MAX_POSITION || y < PLANAR_MIN_POSITION || y > PLANAR_MAX_POSITION) {
    return `it must lie in [${PLANAR_MIN_POSITION}, ${PLANAR_MAX_POSITION}] on both axes (at least ${PLANAR_MIN_POSITION} px from the border)`;
  }
  for (const [ox, oy] of PLANAR_OBSTACLES) {
    if (squareOverlapsDisc(x, y, ox, oy)) return `the agent's square would overlap the obstacle at (${ox}, ${oy})`;
  }
  return undefined;
}

/** True when the agent may stand at (x, y): inside [3, 37]^2 and clear of every obstacle. */
export function isFreePosition(x: number, y: number): boolean {
  if (!(x >= PLANAR_MIN_POSITION && x <= PLANAR_MAX_POSITION && y >= PLANAR_MIN_POSITION && y <= PLANAR_MAX_POSITION)) {
    return false; // also rejects NaN
  }
  for (let k = 0; k < PLANAR_OBSTACLES.length; k++) {
    const [ox, oy] = PLANAR_OBSTACLES[k]!;
    if (squareOverlapsDisc(x, y, ox, oy)) return false;
  }
  return true;
}

/** Whether the agent's square centred at (x, y) overlaps the obstacle disc centred at (ox, oy). */
function squareOverlapsDisc(x: number, y: number, ox: number, oy: number): boolean {
  const h = PLANAR_AGENT_HALF_WIDTH;
  // Closest point of the square to the disc centre.
  const qx = ox < x - h ? x - h : ox > x + h ? x + h : ox;
  const qy = oy < y - h ? y - h : oy > y + h ? y + h : oy;
  const dx = ox - qx;
  const dy = oy - qy;
  return dx * dx + dy * dy < PLANAR_OBSTACLE_RADIUS * PLANAR_OBSTACLE_RADIUS;
}

/** Maps room coordinates (px of the 40 x 40 room) to a raster: uniform scale, centred. */
interface View {
  scale: number;
  offsetX: number;
  offsetY: number;
}

function viewOf(target: Raster): View {
  const scale = Math.min(target.width, target.height) / PLANAR_SIZE;
  return { scale, offsetX: (target.width - PLANAR_SIZE * scale) / 2, offsetY: (target.height - PLANAR_SIZE * scale) / 2 };
}

const backgrounds = new Map<string, Uint8Array>();

/**
 * The static part of the scene (background and obstacles) for a raster size, drawn once and cached.
 * Do not modify the returned buffer.
 */
export function planarBackground(width: number, height: number, channels: 1 | 3): Uint8Array {
  const key = `${width}x${height}x${channels}`;
  let background = backgrounds.get(key);
  if (background === undefined) {
    const target = createRaster(width, height, channels);
    const { scale, offsetX, offsetY } = viewOf(target);
    fillBackground(target, BACKGROUND);
    for (const [ox, oy] of PLANAR_OBSTACLES) {
      fillDisc(target, offsetX + ox * scale, offsetY + oy * scale, PLANAR_OBSTACLE_RADIUS * scale, OBSTACLE_COLOR);
    }
    background = target.data;
    backgrounds.set(key, background);
  }
  return background;
}

/** A goal marker: centre (x, y) and radius, px of the room. */
export interface GoalMarker {
  x: number;
  y: number;
  radius: number;
}

/**
 * Draw the scene with the agent at (x, y) into `target` (any size, RGB or grayscale; overwrites it):
 * the cached obstacle background, then the goal marker if given, then the agent.
 */
export function drawPlanarScene(target: Raster, x: number, y: number, goal?: GoalMarker): void {
  target.data.set(planarBackground(target.width, target.height, target.channels));
  const { scale, offsetX, offsetY } = viewOf(target);
  if (goal !== undefined) fillDisc(target, offsetX + goal.x * scale, offsetY + goal.y * scale, goal.radius * scale, GOAL_COLOR);
  const h = PLANAR_AGENT_HALF_WIDTH;
  fillRect(target, offsetX + (x - h) * scale, offsetY + (y - h) * scale, offsetX + (x + h) * scale, offsetY + (y + h) * scale, AGENT_COLOR);
}

/** The 40 x 40 grayscale observation of the agent at (x, y), row-major, written into `out`. */
export function planarObservation(x: number, y: number, out = new Uint8Array(PLANAR_SIZE * PLANAR_SIZE)): Uint8Array {
  drawPlanarScene(createRaster(PLANAR_SIZE, PLANAR_SIZE, 1, out), x, y);
  return out;
}

export type PlanarObservationMode = 'pixels' | 'state';
export type PlanarObservation = NDArray<'uint8'> | NDArray<'float32'>;

export interface PlanarOptions extends RenderOptions {
  /** Goal position, px; must be a free position. Default (37, 37). */
  goalX?: number;
  goalY?: number;
  /** Success radius around the goal, px (> 0). Default 2. */
  threshold?: number;
  /** 'pixels' (default, 40x40 uint8) or 'state' (float32 [x, y, goalX, goalY]). */
  observation?: PlanarObservationMode;
}

const OPTION_NAMES = ['goalX', 'goalY', 'threshold', 'observation', ...RENDER_OPTION_NAMES] as const;
const RESET_OPTION_NAMES = ['start', 'goal'] as const;
const OBSERVATION_MODES: readonly PlanarObservationMode[] = ['pixels', 'state'];

export class PlanarEnv extends Env<PlanarObservation, NDArray<'float32'>> {
  readonly observationSpace: Box<'uint8'> | Box<'float32'>;
  readonly actionSpace = new Box({ low: -PLANAR_MAX_STEP, high: PLANAR_MAX_STEP, shape: [2] });
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 10 };
  readonly renderMode: RenderMode | undefined;
  /** Default goal, px (a reset option may replace it for one episode). */
  readonly goalX: number;
  readonly goalY: number;
  /** Success radius, px. */
  readonly threshold: number;
  readonly observationMode: PlanarObservationMode;
  readonly renderWidth: number;
  readonly renderHeight: number;

  private x = 0;
  private y = 0;
  private episodeGoalX: number;
  private episodeGoalY: number;
  private hasState = false;

  constructor(options: PlanarOptions = {}) {
    super();
    rejectUnknownOptions('PlanarEnv', options, OPTION_NAMES);
    this.goalX = numberOption('goalX', options.goalX ?? PLANAR_MAX_POSITION, PLANAR_MIN_POSITION, PLANAR_MAX_POSITION);
    this.goalY = numberOption('goalY', options.goalY ?? PLANAR_MAX_POSITION, PLANAR_MIN_POSITION, PLANAR_MAX_POSITION);
    assertFree('goalX/goalY', this.goalX, this.goalY);
    const threshold = options.threshold ?? 2;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
      throw new InvalidOptionError(`option 'threshold' must be a finite number > 0, got ${String(threshold)}`);
    }
    this.threshold = threshold;
    this.observationMode = choiceOption('observation', options.observation ?? 'pixels', OBSERVATION_MODES);
    ({ renderMode: this.renderMode, renderWidth: this.renderWidth, renderHeight: this.renderHeight } = renderOptions(options));
    this.observationSpace = this.observationMode === 'pixels'
      ? new Box<'uint8'>({ low: 0, high: 255, shape: OBS_SHAPE, dtype: 'uint8' })
      : new Box<'float32'>({ low: PLANAR_MIN_POSITION, high: PLANAR_MAX_POSITION, shape: STATE_SHAPE });
    this.episodeGoalX = this.goalX;
    this.episodeGoalY = this.goalY;
  }

  /** The agent's position [x, y], px; a copy. */
  get state(): readonly [x: number, y: number] {
    if (!this.hasState) throw new ResetNeededError('PlanarEnv: call reset() before reading the state');
    return [this.x, this.y];
  }

  /** Place the agent (e.g. to collect data); the position must be free. */
  set state(value: readonly [x: number, y: number]) {
    const [x, y] = value;
    assertFree('state', x, y, RangeError);
    this.x = x;
    this.y = y;
    this.hasState = true;
  }

  /** The current episode's goal [x, y], px. */
  get goal(): readonly [x: number, y: number] {
    return [this.episodeGoalX, this.episodeGoalY];
  }

  /** Distance from the agent to the current goal, px. */
  get distance(): number {
    const dx = this.x - this.episodeGoalX;
    const dy = this.y - this.episodeGoalY;
    return Math.sqrt(dx * dx + dy * dy);
  }

  /**
   * Reset options: `start: [x, y]` (a free position; default uniform in [3, 7]^2) and
   * `goal: [x, y]` (a free position; default (goalX, goalY)), both for this episode only.
   */
  reset(args: ResetArgs = {}): ResetResult<PlanarObservation> {
    this.seedRandom(args.seed);
    const options = args.options ?? {};
    rejectUnknownOptions('PlanarEnv.reset', options, RESET_OPTION_NAMES);
    const goal = options['goal'] === undefined ? [this.goalX, this.goalY] as const : pointOption('goal', options['goal']);
    const start = options['start'] === undefined ? undefined : pointOption('start', options['start']);
    this.episodeGoalX = goal[0];
    this.episodeGoalY = goal[1];
    if (start !== undefined) {
      this.x = start[0];
      this.y = start[1];
    } else {
      this.sampleStart();
    }
    this.hasState = true;
    return { observation: this.observe(), info: { distance: this.distance } };
  }

  step(action: NDArray<'float32'>): StepResult<PlanarObservation> {
    if (!this.hasState) throw new ResetNeededError('PlanarEnv: call reset() before step()');
    const move = boxActionValues(this.actionSpace, action, 'error');
    const x = this.x + move[0]!;
    const y = this.y + move[1]!;
    const refused = !isFreePosition(x, y);
    if (!refused) {
      this.x = x;
      this.y = y;
    }
    const distance = this.distance;
    return {
      observation: this.observe(),
      reward: -distance / PLANAR_SIZE,
      terminated: distance < this.threshold,
      truncated: false,
      info: { distance, refused },
    };
  }

  override getState(): EnvState {
    return {
      random: this.randomState(), x: this.x, y: this.y, goalX: this.episodeGoalX, goalY: this.episodeGoalY, hasState: this.hasState,
    };
  }

  override setState(state: EnvState): void {
    const [x, y, goalX, goalY] = stateNumbers('PlanarEnv', state, ['x', 'y', 'goalX', 'goalY']);
    this.restoreRandomState(state['random']);
    this.x = x;
    this.y = y;
    this.episodeGoalX = goalX;
    this.episodeGoalY = goalY;
    this.hasState = state['hasState'] === true;
  }

  override render(): Frame | undefined {
    if (this.renderMode !== 'rgb_array') return undefined;
    if (!this.hasState) throw new ResetNeededError('PlanarEnv: call reset() before render()');
    const data = new Uint8Array(this.renderWidth * this.renderHeight * 3);
    drawPlanarScene(createRaster(this.renderWidth, this.renderHeight, 3, data), this.x, this.y, {
      x: this.episodeGoalX, y: this.episodeGoalY, radius: this.threshold,
    });
    return { dtype: 'uint8', shape: [this.renderHeight, this.renderWidth, 3], data };
  }

  /** Draw starts uniformly in [3, 7]^2 until one is free and not already at the goal. */
  private sampleStart(): void {
    const rng = this.npRandom;
    for (let tries = 0; tries < MAX_START_TRIES; tries++) {
      this.x = rng.uniform(PLANAR_START_LOW, PLANAR_START_HIGH);
      this.y = rng.uniform(PLANAR_START_LOW, PLANAR_START_HIGH);
      if (isFreePosition(this.x, this.y) && this.distance >= this.threshold) return;
    }
    throw new InvalidOptionError(`PlanarEnv: no start in [${PLANAR_START_LOW}, ${PLANAR_START_HIGH}]^2 lies outside the goal threshold ${this.threshold} of (${this.episodeGoalX}, ${this.episodeGoalY}); pass reset option 'start'`);
  }

  private observe(): PlanarObservation {
    if (this.observationMode === 'pixels') return { dtype: 'uint8', shape: OBS_SHAPE, data: planarObservation(this.x, this.y) };
    const data = new Float32Array(4);
    data[0] = this.x;
    data[1] = this.y;
    data[2] = this.episodeGoalX;
    data[3] = this.episodeGoalY;
    return { dtype: 'float32', shape: STATE_SHAPE, data };
  }
}

/** A reset option holding a free position [x, y]. */
function pointOption(name: string, value: unknown): readonly [number, number] {
  const valid = (Array.isArray(value) || ArrayBuffer.isView(value)) && (value as ArrayLike<unknown>).length === 2;
  const point = valid ? (value as ArrayLike<unknown>) : undefined;
  if (point === undefined || typeof point[0] !== 'number' || typeof point[1] !== 'number') {
    throw new InvalidOptionError(`reset option '${name}' must be [x, y] (two numbers, px), got ${describeValue(value)}`);
  }
  assertFree(`reset option '${name}'`, point[0], point[1]);
  return [point[0], point[1]];
}

function assertFree(what: string, x: number, y: number, ErrorType: new (message: string) => Error = InvalidOptionError): void {
  const problem = positionProblem(x, y);
  if (problem !== undefined) throw new ErrorType(`PlanarEnv: ${what} = (${x}, ${y}) is not a free position: ${problem}`);
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
