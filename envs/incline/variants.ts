/**
 * The two families of incline envs and their objects:
 * - GeomOnIncline-vN (N = 0..5): the Geom shapes of shapes.ts, plain incline colours.
 * - MeshOnIncline-vN (N = 0..6): textured household objects loaded from OBJ files: by default the
 *   ones this project ships in assets/household/ (made by scripts/tools/make-household-assets.ts), or any
 *   OBJ directory given as `meshDir` (e.g. a YCB model's google_16k folder), on a textured incline.
 * Objects are scaled by `objectScale` (2.5 as in the AML env) and cached, so making many envs of one
 * kind loads and hulls a mesh once.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidOptionError } from '../core/errors.js';
import { numberOption } from '../core/validate.js';
import { scaleMesh } from '../render/primitives3d.js';
import { DegenerateHullError } from './convex.js';
import { InclineEnv, type InclineEnvOptions } from './incline-env.js';
import { MeshLoadError, loadMeshDirectory } from './mesh-loader.js';
import { type ObjectModel, objectModelFromMesh } from './object-model.js';
import { GEOM_SPECS, geomObjectModel } from './shapes.js';

/** The shipped household objects, in MeshOnIncline-vN order: v0..v5 mirror the AML env's six YCB objects, v6 is a mug. */
export const HOUSEHOLD_OBJECTS = [
  'sugar_box', 'pudding_box', 'gelatin_box', 'tomato_soup_can', 'tuna_fish_can', 'coffee_can', 'mug',
] as const;

/** Options make() accepts for every incline env, with the AML env's values. */
export const INCLINE_DEFAULTS = Object.freeze({
  angleLow: 0.25,
  angleHigh: 0.5,
  frictionLow: 0.1,
  frictionHigh: 0.5,
  massLow: 0.05,
  massHigh: 0.5,
  objectScale: 2.5,
  observation: 'pixels',
  trackLength: 1,
  renderWidth: 64,
  renderHeight: 64,
  randomizeScene: true,
  scene: 'plain',
  cameraDistance: 0.8,
  cameraYaw: 35,
  cameraPitch: -45,
  cameraFov: 90,
});

export const GEOM_DEFAULTS = INCLINE_DEFAULTS;
/** MeshOnIncline adds `meshDir` ('' = the shipped object of the id) and defaults to the textured scene. */
export const MESH_DEFAULTS = Object.freeze({ ...INCLINE_DEFAULTS, scene: 'textured', meshDir: '' });

export type GeomEnvOptions = InclineEnvOptions & { objectScale?: number };
export type MeshEnvOptions = GeomEnvOptions & { meshDir?: string };

const models = new Map<string, ObjectModel>();

function cached(key: string, build: () => ObjectModel): ObjectModel {
  let model = models.get(key);
  if (model === undefined) {
    model = build();
    models.set(key, model);
  }
  return model;
}

function objectScale(value: unknown): number {
  return numberOption('objectScale', value ?? INCLINE_DEFAULTS.objectScale, 1e-3, 1e3);
}

/**
 * The directory of the shipped household models: assets/household/ at the package root, found by
 * walking up from this module (it runs from envs/incline/ or from dist/envs/incline/).
 */
export function householdAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    const candidate = join(dir, 'assets', 'household');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new MeshLoadError('the shipped household models (assets/household/) were not found above ' + dirname(fileURLToPath(import.meta.url)));
}

/** The object model of the mesh in `dirOrObj` scaled by `scale`; a flat mesh is refused naming the file. */
export function meshObjectModel(dirOrObj: string, scale: number, name?: string): ObjectModel {
  return cached(`mesh:${resolve(dirOrObj)}:${scale}`, () => {
    const loaded = loadMeshDirectory(dirOrObj);
    try {
      return objectModelFromMesh(name ?? loaded.objPath, scaleMesh(loaded.mesh, scale));
    } catch (error) {
      if (error instanceof DegenerateHullError) throw new MeshLoadError(`${loaded.objPath}: mesh refused: ${error.message}`, { cause: error });
      throw error;
    }
  });
}

function splitOptions<T extends { objectScale?: number; meshDir?: string }>(options: T): [number, string | undefined, InclineEnvOptions] {
  const { objectScale: scale, meshDir, ...rest } = options;
  return [objectScale(scale), meshDir, rest];
}

/** A GeomOnIncline env: object GEOM_SPECS[version]. */
export function makeGeomOnIncline(version: number, options: GeomEnvOptions = {}): InclineEnv {
  const spec = GEOM_SPECS[version];
  if (spec === undefined) throw new InvalidOptionError(`GeomOnIncline: version must be in [0, ${GEOM_SPECS.length - 1}], got ${version}`);
  const [scale, , rest] = splitOptions(options);
  const object = cached(`geom:${version}:${scale}`, () => geomObjectModel(spec, scale));
  return new InclineEnv({ object, objectId: version, sceneVariant: version }, { scene: 'plain', ...rest });
}

/** A MeshOnIncline env: household object HOUSEHOLD_OBJECTS[version], or the OBJ in `meshDir`. */
export function makeMeshOnIncline(version: number, options: MeshEnvOptions = {}): InclineEnv {
  const name = HOUSEHOLD_OBJECTS[version];
  if (name === undefined) throw new InvalidOptionError(`MeshOnIncline: version must be in [0, ${HOUSEHOLD_OBJECTS.length - 1}], got ${version}`);
  const [scale, meshDir, rest] = splitOptions(options);
  if (meshDir !== undefined && typeof meshDir !== 'string') throw new InvalidOptionError(`option 'meshDir' must be a string, got ${String(meshDir)}`);
  const object = meshDir
    ? meshObjectModel(meshDir, scale)
    : meshObjectModel(join(householdAssetsDir(), name), scale, name);
  return new InclineEnv({ object, objectId: version, sceneVariant: version % 6 }, { scene: 'textured', ...rest });
}
