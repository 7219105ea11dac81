/**
 * Plane-convex contacts with a margin, for cannon-es.
 *
 * cannon-es makes a contact for each vertex of a convex shape that is below a plane, and none for a
 * vertex just above it. An object resting on a face carries its weight on the face's corners; when
 * the load shifts (a push along the incline, say), one corner may carry nothing and, by the
 * contacts' give, end a few nanometres above the plane. It then has no contact at all, so for a step
 * nothing stops the object from turning towards that corner: it tips by a hair, lands, and the
 * landing kicks it (on a 16-sided cylinder's narrow side face, speeds of a few mm/s while it should
 * be at rest). With a margin, a vertex within `margin` above the plane still has a contact; its
 * SPOOK row pushes only if the corner would close the gap faster than the contact's own relaxation
 * allows (rate a x gap), so an unloaded corner stays in place and takes load again at once, as a
 * rigid corner resting on the surface would. (Bullet keeps contacts within its "contact breaking
 * threshold" for the same reason.)
 */
import { type Body, type ConvexPolyhedron, Narrowphase, type Plane, type Quaternion, type Shape, Vec3, type World } from 'cannon-es';

const vertex = new Vec3();
const normal = new Vec3();
const relative = new Vec3();
const projected = new Vec3();

export class MarginNarrowphase extends Narrowphase {
  /** Vertices up to this far above a plane (m) get contacts. */
  readonly margin: number;

  constructor(world: World, margin: number) {
    super(world);
    if (!(margin >= 0)) throw new RangeError(`contact margin must be >= 0, got ${margin}`);
    this.margin = margin;
  }

  /** cannon-es's planeConvex, with `margin` (an overlap test, `justTest`, still asks for penetration). */
  override planeConvex(
    planeShape: Plane, convexShape: ConvexPolyhedron, planePosition: Vec3, convexPosition: Vec3,
    planeQuat: Quaternion, convexQuat: Quaternion, planeBody: Body, convexBody: Body, si?: Shape, sj?: Shape, justTest?: boolean,
  ): true | void {
    normal.set(0, 0, 1);
    planeQuat.vmult(normal, normal);
    const limit = justTest ? 0 : this.margin;
    let contacts = 0;
    for (const v of convexShape.vertices) {
      convexQuat.vmult(v, vertex);
      convexPosition.vadd(vertex, vertex);
      vertex.vsub(planePosition, relative);
      const height = normal.dot(relative);
      if (height > limit) continue;
      if (justTest) return true;
      const c = this.createContactEquation(planeBody, convexBody, planeShape, convexShape, si ?? null, sj ?? null);
      normal.scale(height, projected);
      vertex.vsub(projected, projected); // the vertex projected onto the plane
      projected.vsub(planeBody.position, c.ri);
      c.ni.copy(normal);
      vertex.vsub(convexBody.position, c.rj);
      this.result.push(c);
      contacts++;
      if (!this.enableFrictionReduction) this.createFrictionEquationsFromContact(c, this.frictionResult);
    }
    if (this.enableFrictionReduction && contacts > 0) this.createFrictionFromAverage(contacts);
  }
}
