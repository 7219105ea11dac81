/**
 * InclineEnv: push an object sliding down an incline so that it stays near the incline's middle
 * (the AML paper's Geom-on-incline and YCB-on-incline task).
 *
 * Episode: the incline angle, the friction coefficient and the object's mass are drawn uniformly
 * from [angleLow, angleHigh] rad, [frictionLow, frictionHigh] and [massLow, massHigh] kg; the object
 * is dropped 1 cm above the surface near the top of the track (centre of mass at x ~ U[0.06, 0.12],
 * turned by U[-pi/16, pi/16] rad about the normal) and slides.
 * Action: Box([-2], [2]) float32, a force in N along the incline (positive: downhill) applied at the
 * centre of mass on each of the 4 physics sub-steps of 0.01 s; out-of-range actions are clipped,
 * non-finite ones are errors. Reward: 1 - |x - 0.5|, x the position along the incline normalised to
 * [0, 1] over the track: the middle `trackLength` metres (default 1 m) of the 4 m incline, the part
 * the reference camera sees (the AML code measured x over such a 1 m stretch too). Terminated when the
 * centre of mass leaves the track or the incline: x <= 0, x >= 1, or |lateral offset| >= half the
 * incline's width. make() truncates after 50 steps. If the simulation
 * blows up (a non-finite or absurd state) the episode is truncated with `info.physicsFailure` true and
 * the last good state is reported.
 *
 * Observation: 'pixels' (default): the rendered RGB frame, Box(0, 255, [H, W, 3], uint8);
 * 'state': the normalised low-dimensional state [angle, x, v], Box(0, 1, [3], float32), where
 * angle is mapped from [angleLow, angleHigh] and v from [-VELOCITY_BOUND, VELOCITY_BOUND] m/s (both
 * clipped to [0, 1]). `info` always holds the low-dimensional state, normalised (`lowDim`) and raw
 * (`lowDimRaw`: rad, m from the top end, m/s), the raw pose, the episode's parameters, and `aml`:
 * the object's and the look's ids and names beside [angle, x, v], the state the AML evaluation uses
 * (InclineAmlInfo).
 */
import { Env, type EnvMetadata, type EnvState, type Frame, type Info, type RenderMode, type ResetArgs, type ResetResult, type StepResult } from '../core/env.js';
import { EnvStateError, InvalidOptionError, ResetNeededError } from '../core/errors.js';
import type { NDArray } from '../core/ndarray.js';
import {
  RENDER_OPTION_NAMES, type RenderOptions, choiceOption, integerOption, numberOption, rejectUnknownOptions, renderOptions, stateNumbers,
} from '../core/validate.js';
import { boxActionValues } from '../spaces/action-checks.js';
import { Box } from '../spaces/box.js';
import type { Camera } from '../render/camera.js';
import type { ObjectModel } from './object-model.js';
import { DEFAULT_INCLINE, type EpisodeSetup, type InclineGeometry, type InclineState, InclinePhysics, type PhysicsSnapshot } from './physics.js';
import { type SceneStyle, InclineScene, REFERENCE_CAMERA, SCENE_STYLES, SCENE_VARIANTS, lookName, sceneLook } from './scene.js';

/** Largest force along the incline, N. */
export const MAX_FORCE = 2;
/** Speed bound of the normalised velocity, m/s: about what a frictionless object reaches sliding the whole 4 m incline at 0.5 rad. */
export const VELOCITY_BOUND = 6;
/** Start position range (normalised x of the centre of mass). */
export const START_RANGE: readonly [number, number] = [0.06, 0.12];
/** Yaw range about the incline normal at the start, rad (the AML env's +-pi/16). */
export const YAW_RANGE = Math.PI / 16;
/** Gap between the object and the surface when it is dropped, m. */
export const DROP_HEIGHT = 0.01;
/** The AML code divided its categorical ids (texture_id, object_id) by this to put them in [0, 1]. */
export const AML_ID_SCALE = 6;
/** Names of the low-dimensional state's entries. */
export const LOW_DIM_NAMES: readonly string[] = Object.freeze(['angle', 'position', 'velocity']);

export type InclineObservationMode = 'pixels' | 'state';

export type InclineObservation = NDArray<'uint8'> | NDArray<'float32'>;

/** `info.aml`: the state the AML evaluation uses (see InclineEnv.info). */
export interface InclineAmlInfo {
  /** The object's integer id: N of GeomOnIncline-vN / MeshOnIncline-vN. */
  readonly objectId: number;
  /** The object's name ('box_cream', 'tomato_soup_can', ...). */
  readonly object: string;
  /** The look's integer id (the incline/floor look, 0..5; drawn per reset unless randomizeScene is false). */
  readonly textureId: number;
  /** The look's name: the incline colour of a plain scene, 'incline texture/floor texture' of a textured one. */
  readonly texture: string;
  /** [textureId / 6, objectId / 6, angle, x, v]: the AML code's 5-dim aux (ids over 6, then the normalised lowDim). */
  readonly state: readonly [number, number, number, number, number];
}

/** Options shared by every incline env (the registered defaults are the AML env's). */
export interface InclineEnvOptions extends RenderOptions {
  /** Incline angle range, rad, within [0, 1.2]. Default [0.25, 0.5]. */
  angleLow?: number;
  angleHigh?: number;
  /** Coulomb friction range between object and incline, within [0, 2]. Default [0.1, 0.5]. */
  frictionLow?: number;
  frictionHigh?: number;
  /** Object mass range, kg, within [0.001, 100]. Default [0.05, 0.5]. */
  massLow?: number;
  massHigh?: number;
  /** 'pixels' (default) or 'state'. */
  observation?: InclineObservationMode;
  /** Length of the track, m, in (0, incline length]: the stretch centred on the incline's middle over which x runs 0..1. Default 1. */
  trackLength?: number;
  /** Draw a new incline/floor look at each reset (default true); else look number `sceneVariant`. */
  randomizeScene?: boolean;
  /** 'plain' or 'textured' incline and floor. */
  scene?: SceneStyle;
  /** Camera distance (m), yaw and pitch (deg) around the incline's middle, vertical FOV (deg). */
  cameraDistance?: number;
  cameraYaw?: number;
  cameraPitch?: number;
  cameraFov?: number;
}

/** Options that only the env constructor takes (fixed by the registered id, not by make()). */
export interface InclineEnvSetup {
  /** The object that slides. */
  object: ObjectModel;
  /** Its integer id, reported in `info.aml` (the registered envs use their version number N of XOnIncline-vN). Default 0. */
  objectId?: number;
  /** The look used when `randomizeScene` is false (the AML env used its version number). */
  sceneVariant: number;
  geometry?: InclineGeometry;
}

export const INCLINE_OPTION_NAMES = [
  'angleLow', 'angleHigh', 'frictionLow', 'frictionHigh', 'massLow', 'massHigh', 'observation', 'trackLength',
  'randomizeScene', 'scene', 'cameraDistance', 'cameraYaw', 'cameraPitch', 'cameraFov', ...RENDER_OPTION_NAMES,
] as const;
const RESET_OPTION_NAMES = ['angle', 'friction', 'mass', 'start', 'yaw', 'sceneVariant'] as const;
const OBSERVATION_MODES: readonly InclineObservationMode[] = ['pixels', 'state'];

function range(name: string, low: unknown, high: unknown, min: number, max: number): [number, number] {
  const lo = numberOption(`${name}Low`, low, min, max);
  const hi = numberOption(`${name}High`, high, min, max);
  if (lo > hi) throw new InvalidOptionError(`option '${name}Low' (${lo}) must not exceed '${name}High' (${hi})`);
  return [lo, hi];
}

function clip01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

export class InclineEnv extends Env<InclineObservation, NDArray<'float32'>> {
  readonly observationSpace: Box<'uint8'> | Box<'float32'>;
  readonly actionSpace = new Box({ low: -MAX_FORCE, high: MAX_FORCE, shape: [1] });
  readonly metadata: EnvMetadata = { renderModes: ['rgb_array'], renderFps: 25 };
  readonly renderMode: RenderMode | undefined;
  readonly observationMode: InclineObservationMode;
  readonly angleRange: [number, number];
  readonly frictionRange: [number, number];
  readonly massRange: [number, number];
  readonly renderWidth: number;
  readonly renderHeight: number;
  readonly randomizeScene: boolean;
  readonly sceneStyle: SceneStyle;
  readonly sceneVariant: number;
  readonly object: ObjectModel;
  readonly objectId: number;
  /** The physics (exposed for inspection and tests). */
  readonly physics: InclinePhysics;
  private readonly scene: InclineScene;
  private current: InclineState | undefined;
  private failed = false;
  /** The incline/floor look of the current episode. */
  private variant = 0;
  /** Frame of the current state, rendered at most once per state (`frameValid`). */
  private readonly frame: Uint8Array;
  private frameValid = false;

  constructor(setup: InclineEnvSetup, options: InclineEnvOptions = {}) {
    super();
    rejectUnknownOptions(`InclineEnv(${setup.object.name})`, options, INCLINE_OPTION_NAMES);
    this.object = setup.object;
    this.objectId = integerOption('objectId', setup.objectId ?? 0, 0, Number.MAX_SAFE_INTEGER);
    this.angleRange = range('angle', options.angleLow ?? 0.25, options.angleHigh ?? 0.5, 0, 1.2);
    this.frictionRange = range('friction', options.frictionLow ?? 0.1, options.frictionHigh ?? 0.5, 0, 2);
    this.massRange = range('mass', options.massLow ?? 0.05, options.massHigh ?? 0.5, 0.001, 100);
    this.observationMode = choiceOption('observation', options.observation ?? 'pixels', OBSERVATION_MODES);
    ({ renderMode: this.renderMode, renderWidth: this.renderWidth, renderHeight: this.renderHeight } = renderOptions(options));
    if (options.randomizeScene !== undefined && typeof options.randomizeScene !== 'boolean') {
      throw new InvalidOptionError(`option 'randomizeScene' must be a boolean, got ${String(options.randomizeScene)}`);
    }
    this.randomizeScene = options.randomizeScene ?? true;
    this.sceneStyle = choiceOption('scene', options.scene ?? 'plain', SCENE_STYLES);
    this.sceneVariant = integerOption('sceneVariant', setup.sceneVariant, 0, SCENE_VARIANTS - 1);
    const camera = {
      distance: numberOption('cameraDistance', options.cameraDistance ?? REFERENCE_CAMERA.distance, 0.05, 100),
      yaw: numberOption('cameraYaw', options.cameraYaw ?? REFERENCE_CAMERA.yaw, -360, 360),
      pitch: numberOption('cameraPitch', options.cameraPitch ?? REFERENCE_CAMERA.pitch, -89, 89),
      fov: numberOption('cameraFov', options.cameraFov ?? REFERENCE_CAMERA.fov, 1, 170),
    };
    const incline = setup.geometry ?? DEFAULT_INCLINE;
    const track = numberOption('trackLength', options.trackLength ?? incline.track, 0.01, incline.length);
    const geometry: InclineGeometry = { ...incline, track };
    this.physics = new InclinePhysics(setup.object, geometry);
    this.scene = new InclineScene(setup.object, geometry, camera, this.renderWidth, this.renderHeight);
    this.frame = new Uint8Array(this.renderWidth * this.renderHeight * 3);
    this.observationSpace = this.observationMode === 'pixels'
      ? new Box<'uint8'>({ low: 0, high: 255, shape: [this.renderHeight, this.renderWidth, 3], dtype: 'uint8' })
      : new Box<'float32'>({ low: 0, high: 1, shape: [3] });
  }

  /**
   * Reset options (each overrides the random draw, which is still made so the random stream stays
   * the same): `angle` (rad), `friction`, `mass` (kg), `start` (normalised x in [0, 1]), `yaw` (rad),
   * `sceneVariant` (0..5).
   */
  reset(args: ResetArgs = {}): ResetResult<InclineObservation> {
    this.seedRandom(args.seed);
    const options = args.options ?? {};
    rejectUnknownOptions('InclineEnv.reset', options, RESET_OPTION_NAMES);
    const rng = this.npRandom;
    const drawn = {
      angle: rng.uniform(...this.angleRange),
      friction: rng.uniform(...this.frictionRange),
      mass: rng.uniform(...this.massRange),
      start: rng.uniform(...START_RANGE),
      yaw: rng.uniform(-YAW_RANGE, YAW_RANGE),
      sceneVariant: rng.integer(0, SCENE_VARIANTS - 1),
    };
    const pick = (name: keyof typeof drawn, min: number, max: number): number =>
      options[name] === undefined ? drawn[name] : numberOption(name, options[name], min, max);
    const setup: EpisodeSetup = {
      angle: pick('angle', 0, 1.2),
      friction: pick('friction', 0, 2),
      mass: pick('mass', 0.001, 100),
      start: pick('start', 0, 1),
      yaw: pick('yaw', -Math.PI, Math.PI),
      dropHeight: DROP_HEIGHT,
    };
    this.variant = options['sceneVariant'] !== undefined
      ? integerOption('sceneVariant', options['sceneVariant'], 0, SCENE_VARIANTS - 1)
      : this.randomizeScene ? drawn.sceneVariant : this.sceneVariant;
    this.physics.reset(setup);
    this.scene.setEpisode(setup.angle, sceneLook(this.sceneStyle, this.variant));
    this.failed = false;
    this.current = this.physics.state();
    this.frameValid = false;
    return { observation: this.observe(), info: this.info() };
  }

  step(action: NDArray<'float32'>): StepResult<InclineObservation> {
    if (this.current === undefined) throw new ResetNeededError('InclineEnv: call reset() before step()');
    const force = boxActionValues(this.actionSpace, action, 'clip')[0]!;
    if (!this.failed) {
      if (this.physics.step(force)) {
        this.current = this.physics.state();
        this.frameValid = false;
      } else {
        this.failed = true; // keep the last good state: observations stay finite
      }
    }
    const s = this.current;
    const terminated = !this.failed && (s.x <= 0 || s.x >= 1 || Math.abs(s.lateral) >= this.physics.geometry.width / 2);
    return {
      observation: this.observe(),
      reward: 1 - Math.abs(s.x - 0.5),
      terminated,
      truncated: this.failed,
      info: this.info(),
    };
  }

  override getState(): EnvState {
    return {
      random: this.randomState(),
      physics: this.current === undefined ? null : this.physics.snapshot(),
      current: this.current ?? null,
      failed: this.failed,
      variant: this.variant,
    };
  }

  override setState(state: EnvState): void {
    const physics = state['physics'] as PhysicsSnapshot | null | undefined;
    if (physics === undefined || !('current' in state)) throw new EnvStateError('InclineEnv.setState: the saved state lacks physics or current');
    this.restoreRandomState(state['random']);
    const [variant] = stateNumbers('InclineEnv', state, ['variant']);
    this.variant = variant;
    this.failed = state['failed'] === true;
    if (physics === null) {
      this.current = undefined;
    } else {
      this.physics.restore(physics);
      this.scene.setEpisode(physics.setup.angle, sceneLook(this.sceneStyle, this.variant));
      this.current = state['current'] as InclineState;
    }
    this.frameValid = false;
  }

  override render(): Frame | undefined {
    if (this.renderMode !== 'rgb_array') return undefined;
    return { dtype: 'uint8', shape: [this.renderHeight, this.renderWidth, 3], data: this.renderedFrame().slice() };
  }

  /** The current low-dimensional state, normalised to [0, 1]: [angle, x, v]. */
  lowDimState(): [angle: number, x: number, v: number] {
    const s = this.state();
    const [lo, hi] = this.angleRange;
    return [
      hi > lo ? clip01((s.angle - lo) / (hi - lo)) : 0.5,
      clip01(s.x),
      clip01((s.velocity + VELOCITY_BOUND) / (2 * VELOCITY_BOUND)),
    ];
  }

  /** The camera of the current episode (e.g. to project world points into frames with `projectPoint`). */
  camera(): Camera {
    return this.scene.view;
  }

  /** The current physical state (see InclineState). */
  state(): InclineState {
    if (this.current === undefined) throw new ResetNeededError('InclineEnv: call reset() first');
    return this.current;
  }

  private renderedFrame(): Uint8Array {
    if (!this.frameValid) {
      const s = this.state();
      this.scene.render(s.worldPosition, s.quaternion, this.frame);
      this.frameValid = true;
    }
    return this.frame;
  }

  private observe(): InclineObservation {
    if (this.observationMode === 'pixels') {
      return { dtype: 'uint8', shape: this.observationSpace.shape, data: this.renderedFrame().slice() };
    }
    return { dtype: 'float32', shape: this.observationSpace.shape, data: Float32Array.from(this.lowDimState()) };
  }

  private info(): Info {
    const s = this.state();
    const episode = this.physics.episode;
    return {
      lowDim: this.lowDimState(),
      lowDimRaw: [s.angle, s.position, s.velocity],
      lateral: s.lateral,
      pose: { position: [...s.worldPosition], quaternion: [...s.quaternion] },
      friction: episode.friction,
      mass: episode.mass,
      object: this.object.name,
      sceneVariant: this.variant,
      aml: this.amlInfo(),
      physicsFailure: this.failed,
    };
  }

  /**
   * What the AML evaluation regresses latents onto, for the current state: the object's and the
   * look's integer ids and names, and `state` = [textureId / 6, objectId / 6, angle, x, v] (the
   * authors' 5-dim aux: their ids over 6, then `lowDim`).
   */
  private amlInfo(): InclineAmlInfo {
    const lowDim = this.lowDimState();
    return {
      objectId: this.objectId,
      object: this.object.name,
      textureId: this.variant,
      texture: lookName(this.sceneStyle, this.variant),
      state: [this.variant / AML_ID_SCALE, this.objectId / AML_ID_SCALE, ...lowDim],
    };
  }
}
