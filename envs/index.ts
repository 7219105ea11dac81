/** latentgym environments: the Gym-style core, spaces, wrappers, vector envs and built-in envs. */
export * from './core/env.js';
export * from './core/errors.js';
export * from './core/ndarray.js';
export { Rng, deriveSeed } from './core/rng.js';
export { writeFileAtomic } from './core/files.js';
export { encodePng, writePngFile, readImageFile, decodeImage, frameToImage, type RgbImage } from './render/image-io.js';
export { encodeGif, writeGif, GifBuilder, type GifOptions } from './render/gif.js';
export * from './spaces/index.js';
export * from './registration.js';
export * from './wrappers/index.js';
export * from './vector/index.js';
export { checkEnv, type CheckEnvOptions } from './checker.js';
export * from './classic/index.js';
export * from './incline/index.js';
