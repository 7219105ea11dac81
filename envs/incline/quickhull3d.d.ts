/**
 * Types for quickhull3d's bundled ES module. The package's own entry point (dist/index.js) imports
 * its modules without file extensions, which Node's ES module loader refuses, so we import the
 * self-contained bundle it also ships.
 */
declare module 'quickhull3d/dist/quickhull3d.js' {
  /** Faces of the convex hull of `points`, as index lists, counter-clockwise seen from outside. */
  export default function quickhull(
    points: ReadonlyArray<[number, number, number]>,
    options?: { skipTriangulation?: boolean },
  ): number[][];
}
