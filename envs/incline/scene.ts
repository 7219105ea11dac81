/**
 * The incline scene as seen by the env's camera: floor, incline and object, drawn by the software
 * rasteriser. Scene geometry follows physics.ts (metres, z up, incline tilted about y).
 *
 * Camera: PyBullet's yaw/pitch/distance orbit around the middle of the incline's top surface with a
 * vertical field of view; the AML env used distance 0.8 m, yaw 35 deg, pitch -45 deg, FOV 90 deg, and
 * that is the default. It cannot see the whole 4 m incline: an object's centre is in frame only for
 * x in about [0.2, 0.7] (0.17-0.68 at 0.25 rad, 0.24-0.75 at 0.5 rad), so the object is out of view
 * where it is dropped (x ~ 0.06-0.12) and near the lower end. (The AML env scored position over a
 * 1 m stretch that this camera covers; our x spans the whole incline.) `cameraDistance` 2.2 with
 * the same angles shows the whole incline.
 */
import { type Vec3, normalize, quaternionToMatrix } from '../core/math3d.js';
import { type Camera, orbitCamera } from '../render/camera.js';
import type { Material, RenderMesh } from '../render/mesh.js';
import { type DirectionalLight, type FrameBuffer, type GroundPlane, Rasterizer, clearFrame, createFrameBuffer } from '../render/rasterizer3d.js';
import { boxMesh, withMaterial } from '../render/primitives3d.js';
import type { ObjectModel } from './object-model.js';
import { type InclineGeometry, inclineCentre, inclineSurfaceCentre } from './physics.js';
import { FLOOR_TEXTURE_NAMES, INCLINE_COLORS, INCLINE_COLOR_NAMES, INCLINE_TEXTURE_NAMES, checkerFloorTexture, floorTexture, inclineTexture } from './textures.js';

/** 'plain': one of six flat incline colours over a checker floor (the Geom env's look); 'textured': one of six incline and floor textures (the YCB env's look). */
export type SceneStyle = 'plain' | 'textured';
export const SCENE_STYLES: readonly SceneStyle[] = ['plain', 'textured'];
/** How many looks each style has (indices 0 .. SCENE_VARIANTS - 1). */
export const SCENE_VARIANTS = 6;

/** Camera placement: `distance` (m) from the incline's middle, `yaw`, `pitch` and vertical `fov` in degrees. */
export interface CameraSettings {
  readonly distance: number;
  readonly yaw: number;
  readonly pitch: number;
  readonly fov: number;
}

/** The AML env's camera. */
export const REFERENCE_CAMERA: CameraSettings = Object.freeze({ distance: 0.8, yaw: 35, pitch: -45, fov: 90 });

/** Background above the floor's far edge, RGB 0..255. */
export const SKY_COLOR: Vec3 = [205, 220, 235];
/** Sunlight from above, behind the camera's left shoulder. */
export const SCENE_LIGHT: DirectionalLight = Object.freeze({ direction: normalize([0.35, -0.55, 1]), ambient: 0.45, diffuse: 0.6 });
/** Half side of the square floor, m, and how often its texture repeats (m). */
const FLOOR_HALF_SIZE = 20;
const FLOOR_TILE = 1;
/** Incline texture repeat, m (the incline's width). */
const INCLINE_TILE = 0.5;
/** Near clipping distance, m. */
const NEAR = 0.01;

/** The incline and floor materials of look `variant` of `style`. */
export function sceneLook(style: SceneStyle, variant: number): { incline: Material; floor: Material } {
  if (!Number.isInteger(variant) || variant < 0 || variant >= SCENE_VARIANTS) {
    throw new RangeError(`scene variant must be an integer in [0, ${SCENE_VARIANTS - 1}], got ${variant}`);
  }
  if (style === 'plain') {
    return { incline: { color: INCLINE_COLORS[variant]! }, floor: { color: [1, 1, 1], texture: checkerFloorTexture() } };
  }
  return {
    incline: { color: [1, 1, 1], texture: inclineTexture(variant) },
    floor: { color: [1, 1, 1], texture: floorTexture(variant) },
  };
}

/**
 * The name of look `variant` of `style`: the incline colour ('orange', ...) of a plain look, the
 * incline and floor texture names ('marble/blue_bright', ...) of a textured one.
 */
export function lookName(style: SceneStyle, variant: number): string {
  if (!Number.isInteger(variant) || variant < 0 || variant >= SCENE_VARIANTS) {
    throw new RangeError(`scene variant must be an integer in [0, ${SCENE_VARIANTS - 1}], got ${variant}`);
  }
  return style === 'plain' ? INCLINE_COLOR_NAMES[variant]! : `${INCLINE_TEXTURE_NAMES[variant]!}/${FLOOR_TEXTURE_NAMES[variant]!}`;
}

/** Renders one incline scene at a fixed frame size. */
export class InclineScene {
  readonly width: number;
  readonly height: number;
  readonly camera: CameraSettings;
  private readonly frame: FrameBuffer;
  private readonly rasterizer: Rasterizer;
  private readonly geometry: InclineGeometry;
  private readonly objectMesh: RenderMesh;
  private readonly inclineShape: RenderMesh;
  private inclineMesh: RenderMesh;
  private floor: GroundPlane;
  private readonly inclinePose = { position: new Float64Array(3), rotation: new Float64Array(9) };
  private readonly objectPose = { position: new Float64Array(3), rotation: new Float64Array(9) };

  constructor(model: ObjectModel, geometry: InclineGeometry, camera: CameraSettings, width: number, height: number) {
    this.width = width;
    this.height = height;
    this.camera = camera;
    this.geometry = geometry;
    this.frame = createFrameBuffer(width, height);
    this.objectMesh = model.mesh;
    const look = sceneLook('plain', 0);
    this.inclineShape = boxMesh([geometry.length / 2, geometry.width / 2, geometry.thickness / 2], look.incline, INCLINE_TILE);
    this.inclineMesh = this.inclineShape;
    this.floor = { height: 0, halfSize: FLOOR_HALF_SIZE, material: look.floor, metresPerRepeat: FLOOR_TILE };
    this.rasterizer = new Rasterizer(this.cameraFor(0), SCENE_LIGHT);
    this.setEpisode(0, look);
  }

  private cameraFor(angle: number): Camera {
    const { distance, yaw, pitch, fov } = this.camera;
    return orbitCamera(inclineSurfaceCentre(angle, this.geometry), distance, yaw, pitch, fov, NEAR);
  }

  /** The camera of the current episode (it looks at the middle of the incline, which moves with the angle). */
  get view(): Camera {
    return this.rasterizer.camera;
  }

  /** Tilt the incline to `angle` (rad), aim the camera at its middle and dress it in `look`. */
  setEpisode(angle: number, look: { incline: Material; floor: Material }): void {
    const centre = inclineCentre(angle, this.geometry);
    this.inclinePose.position.set(centre);
    // Rotation about y by `angle`, as a quaternion (0, sin(a/2), 0, cos(a/2)).
    quaternionToMatrix(0, Math.sin(angle / 2), 0, Math.cos(angle / 2), this.inclinePose.rotation);
    this.rasterizer.camera = this.cameraFor(angle);
    this.inclineMesh = withMaterial(this.inclineShape, look.incline);
    this.floor = { ...this.floor, material: look.floor };
  }

  /**
   * Draw the scene with the object's centre of mass at `position` (m) and orientation `quaternion`
   * [x, y, z, w]; returns the RGB frame in `out` (a new array by default).
   */
  render(position: Vec3, quaternion: readonly [number, number, number, number], out: Uint8Array = new Uint8Array(this.width * this.height * 3)): Uint8Array {
    const frame = this.frame;
    clearFrame(frame, SKY_COLOR);
    this.rasterizer.drawGround(frame, this.floor);
    this.rasterizer.drawMesh(frame, this.inclineMesh, this.inclinePose);
    this.objectPose.position.set(position);
    quaternionToMatrix(quaternion[0], quaternion[1], quaternion[2], quaternion[3], this.objectPose.rotation);
    this.rasterizer.drawMesh(frame, this.objectMesh, this.objectPose);
    out.set(frame.color);
    return out;
  }
}
