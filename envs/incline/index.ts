/**
 * The incline environments of the AML paper. Importing this module registers (once, even if it is
 * loaded twice):
 * - 'GeomOnIncline-v0' ... 'GeomOnIncline-v5': a box 0.05 x 0.10 x 0.15 m in cream, charcoal and red
 *   (v0-v2) and cylinders r/L 0.03/0.13, 0.06/0.13 and 0.03/0.035 m (v3-v5), scaled x2.5, on a plainly
 *   coloured incline over a checker floor (the paper's 'simulator' domain).
 * - 'MeshOnIncline-v0' ... 'MeshOnIncline-v6': textured household objects loaded from OBJ/MTL/PNG (sugar
 *   box, pudding box, gelatin box, tomato soup can, tuna can, coffee can, mug), on textured incline and
 *   floor (the stand-in for YCB-on-incline, the 'real' domain). Option `meshDir` loads any OBJ
 *   directory instead, e.g. a YCB model's google_16k folder.
 * All have a 50-step limit and the options of INCLINE_DEFAULTS (MESH_DEFAULTS adds `meshDir`).
 */
import { register, registeredIds } from '../registration.js';
import { GEOM_SPECS } from './shapes.js';
import { GEOM_DEFAULTS, HOUSEHOLD_OBJECTS, MESH_DEFAULTS, type GeomEnvOptions, type MeshEnvOptions, makeGeomOnIncline, makeMeshOnIncline } from './variants.js';

export * from './incline-env.js';
export * from './physics.js';
export * from './shapes.js';
export * from './variants.js';
export { MeshLoadError, loadMeshDirectory, loadObj, parseObj, parseMtl, findObjFile, type LoadedMesh } from './mesh-loader.js';
export { type ObjectModel, objectModelFromMesh } from './object-model.js';
export { DegenerateHullError, convexHull, solidProperties } from './convex.js';
export { type CameraSettings, REFERENCE_CAMERA, type SceneStyle, InclineScene, sceneLook } from './scene.js';

/** Episode length of every incline env (the AML env's 50 steps). */
export const INCLINE_MAX_EPISODE_STEPS = 50;

export const GEOM_ON_INCLINE_IDS: readonly string[] = GEOM_SPECS.map((_, v) => `GeomOnIncline-v${v}`);
export const MESH_ON_INCLINE_IDS: readonly string[] = HOUSEHOLD_OBJECTS.map((_, v) => `MeshOnIncline-v${v}`);

/** Register the incline envs that are not registered yet (idempotent). */
export function registerInclineEnvs(): void {
  const ids = new Set(registeredIds());
  GEOM_SPECS.forEach((spec, version) => {
    const id = `GeomOnIncline-v${version}`;
    if (ids.has(id)) return;
    register<GeomEnvOptions>(id, (options) => makeGeomOnIncline(version, options), {
      maxEpisodeSteps: INCLINE_MAX_EPISODE_STEPS,
      defaults: { ...GEOM_DEFAULTS } as GeomEnvOptions,
      description: `Geom-on-incline (AML): push a ${spec.name.replace('_', ' ')} to the incline's middle`,
    });
  });
  HOUSEHOLD_OBJECTS.forEach((name, version) => {
    const id = `MeshOnIncline-v${version}`;
    if (ids.has(id)) return;
    register<MeshEnvOptions>(id, (options) => makeMeshOnIncline(version, options), {
      maxEpisodeSteps: INCLINE_MAX_EPISODE_STEPS,
      defaults: { ...MESH_DEFAULTS } as MeshEnvOptions,
      description: `YCB-on-incline stand-in (AML): push a textured ${name.replace(/_/g, ' ')} (or the OBJ in meshDir) to the incline's middle`,
    });
  });
}

registerInclineEnvs();
