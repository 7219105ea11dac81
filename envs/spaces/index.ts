export { Space } from '../core/space.js';
export { Box, type BoxOptions, canCastSafely } from './box.js';
export { Discrete } from './discrete.js';
export { Dict, Tuple, type ValueOf } from './composite.js';
export { flatdim, flatDType, flatten, flattenSpace, unflatten } from './flatten.js';
export { batchSpace, concatenate, iterate } from './batch.js';
