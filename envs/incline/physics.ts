/**
 * Rigid-body physics of one object sliding on an incline, with cannon-es.
 *
 * World frame: metres, z up, the floor is z = 0. The incline is a box of `length` x `width` x
 * `thickness` tilted by `angle` about the world y axis, its lower end resting on the floor and its
 * middle above the origin. Incline frame (unit vectors, world coordinates):
 *   u = ( cos a, 0, -sin a)   down the incline (world +x), the positive direction of motion;
 *   w = ( 0,     1,  0    )   across the incline;
 *   n = ( sin a, 0,  cos a)   normal to the top surface, pointing up.
 * Position along the incline s is measured from the top end of the top surface (s = 0) to the lower
 * end (s = length). The task runs on the `track`, the stretch of the incline centred on its middle
 * that the reference camera sees (the AML code measured x over such a 1 m stretch): the normalised
 * position x goes from 0 at the track's upper end to 1 at its lower end.
 *
 * Contact: the object (a convex polyhedron: its convex hull) collides with the plane of the incline's
 * top surface. Within an episode, which ends when the object's centre of mass leaves the incline's
 * extent, this is the same as colliding with the box (its other faces are out of reach) and costs
 * O(vertices) per step instead of a box-polyhedron separating-axis test. Restitution is 0; friction
 * is Coulomb friction with coefficient mu between object and incline, solved by
 * `CoulombFrictionSolver` (cannon-es's own friction bound ignores the normal force). There is no
 * damping, so a frictionless slide accelerates at exactly g sin(angle).
 *
 * Stepping: each action applies a force F (N) along u at the centre of mass for SUBSTEPS_PER_ACTION
 * sub-steps of SUBSTEP_DT seconds (semi-implicit Euler, cannon-es's integrator).
 *
 * Start: the object is laid on its resting face, the most stable hull face near its intended underside
 * (a box on its face, a cylinder on a side face of its hull rather than balanced on an edge), dropped from
 * `dropHeight`, and left to settle with no force (at most SETTLE_MAX_SUBSTEPS sub-steps) until it
 * touches the incline and has stopped moving off it and tilting (|normal velocity| < SETTLE_NORMAL_SPEED,
 * tilting slower than SETTLE_TILT_RATE). The landing (an impact, then a few sub-steps of penetration
 * recovery during which the contact force, and so the friction, is off) is then over before the first
 * observation, as in the AML env, which stepped after the drop until the object had moved a little.
 * The settled object is then moved along the incline back to the drawn start (which changes nothing
 * physically: the plane is uniform) and stopped there, so an episode starts, as before, at x = start
 * with the object at rest, but now resting on the incline.
 */
import { Body, ConvexPolyhedron, NaiveBroadphase, Plane, Quaternion, Vec3, World } from 'cannon-es';
import { type MutableVec3, add, cross, dot, scale, sub } from '../core/math3d.js';
import { MarginNarrowphase } from './contact-margin.js';
import { polygonNormal } from './convex.js';
import { CoulombFrictionSolver, type WarmStartState } from './coulomb-solver.js';
import type { ObjectModel } from './object-model.js';

/** Gravitational acceleration, m/s^2. */
export const GRAVITY = 9.81;
/** Physics sub-step, s. */
export const SUBSTEP_DT = 0.01;
/** Sub-steps per env step (one action). */
export const SUBSTEPS_PER_ACTION = 4;
/** Simulated time per env step, s. */
export const ACTION_DT = SUBSTEP_DT * SUBSTEPS_PER_ACTION;

/** Size of the incline box and of the task's track on it, m. */
export interface InclineGeometry {
  readonly length: number;
  readonly width: number;
  readonly thickness: number;
  /** Length of the track (centred on the incline's middle, at most `length`) over which x runs 0..1. */
  readonly track: number;
}

/** The AML paper's incline, 4 x 0.5 x 0.1 m, with a 1 m track in view of the reference camera. */
export const DEFAULT_INCLINE: InclineGeometry = Object.freeze({ length: 4, width: 0.5, thickness: 0.1, track: 1 });

/** What is drawn or chosen at the start of an episode. */
export interface EpisodeSetup {
  /** Incline angle, rad, in [0, pi/2). */
  readonly angle: number;
  /** Coulomb friction coefficient between object and incline (>= 0). */
  readonly friction: number;
  /** Object mass, kg (> 0). */
  readonly mass: number;
  /** Normalised start position x of the centre of mass along the track, in [0, 1]. */
  readonly start: number;
  /** Rotation of the object about the incline normal, rad (0: its body z axis points down the incline). */
  readonly yaw: number;
  /** Gap between the object's lowest point and the incline surface at the start, m (>= 0). */
  readonly dropHeight: number;
}

/** The object's state relative to the incline, plus its raw world pose. */
export interface InclineState {
  /** Incline angle, rad. */
  readonly angle: number;
  /** Distance of the centre of mass along the incline from its top end, m. */
  readonly position: number;
  /** Normalised position on the track: 0 at its upper end, 1 at its lower end. */
  readonly x: number;
  /** Velocity along the incline, m/s (positive: downhill). */
  readonly velocity: number;
  /** Offset across the incline from its centre line, m. */
  readonly lateral: number;
  /** Height of the centre of mass above the incline's top surface, m. */
  readonly height: number;
  /** World position of the centre of mass, m. */
  readonly worldPosition: MutableVec3;
  /** World orientation, unit quaternion [x, y, z, w]. */
  readonly quaternion: readonly [number, number, number, number];
  /** World linear velocity, m/s. */
  readonly linearVelocity: MutableVec3;
  /** World angular velocity, rad/s. */
  readonly angularVelocity: MutableVec3;
}

/** InclinePhysics.snapshot(): plain data. */
export interface PhysicsSnapshot {
  readonly setup: EpisodeSetup;
  readonly position: MutableVec3;
  readonly velocity: MutableVec3;
  readonly angularVelocity: MutableVec3;
  readonly quaternion: readonly [number, number, number, number];
  /** Simulated time of the world, s. */
  readonly time: number;
  /** The contact impulses the next step starts from (absent in snapshots from before warm starting: none). */
  readonly contactImpulses?: WarmStartState;
}

/** Unit vectors of the incline frame for `angle` (see the module comment). */
export function inclineAxes(angle: number): { u: MutableVec3; w: MutableVec3; n: MutableVec3 } {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return { u: [c, 0, -s], w: [0, 1, 0], n: [s, 0, c] };
}

/** World position of the incline box's centre: its lower bottom edge touches the floor, its middle is above x = y = 0. */
export function inclineCentre(angle: number, geometry: InclineGeometry = DEFAULT_INCLINE): MutableVec3 {
  return [0, 0, (geometry.length / 2) * Math.sin(angle) + (geometry.thickness / 2) * Math.cos(angle)];
}

/** World position of the middle of the incline's top surface. */
export function inclineSurfaceCentre(angle: number, geometry: InclineGeometry = DEFAULT_INCLINE): MutableVec3 {
  const c = inclineCentre(angle, geometry);
  const { n } = inclineAxes(angle);
  return add(c, scale(n, geometry.thickness / 2));
}

/** Expected acceleration along the incline (m/s^2) of a sliding block: g (sin a - mu cos a) + F / m, friction opposing motion. */
export function slidingAcceleration(angle: number, friction: number, force = 0, mass = 1, direction = 1): number {
  return GRAVITY * Math.sin(angle) + force / mass - direction * friction * GRAVITY * Math.cos(angle);
}

const Y_AXIS = new Vec3(0, 1, 0);
const Z_AXIS = new Vec3(0, 0, 1);
/** Lays the object's body z axis along u and its body -x axis along n (the AML env's placement). */
const LAY_DOWN = new Quaternion().setFromAxisAngle(Y_AXIS, Math.PI / 2);
/** Hull vertices up to this far above the incline (m) have contacts (see contact-margin.ts). */
export const CONTACT_MARGIN = 1e-4;
/** The settle after the drop ends after this many sub-steps at most (3 s; it takes 0.29 s, up to 1.3 s for a tuna can that tips over onto its lid). */
export const SETTLE_MAX_SUBSTEPS = 300;
/** Settled: in contact, speed of the centre of mass along the normal below this (m/s) ... */
export const SETTLE_NORMAL_SPEED = 1e-5;
/** ... and tilting (angular velocity about axes in the incline's plane) slower than this (rad/s). */
export const SETTLE_TILT_RATE = 1e-3;
/** Beyond these sums of absolute speed (m/s), distance (m) or spin (rad/s) components the simulation has blown up. */
const MAX_SPEED = 1e3;
const MAX_DISTANCE = 1e4;
const MAX_SPIN = 1e4;

/** One incline and one object; `reset` starts an episode, `step` advances one action. */
export class InclinePhysics {
  readonly geometry: InclineGeometry;
  readonly model: ObjectModel;
  private readonly shape: ConvexPolyhedron;
  /** Body-frame rotation that turns the resting face exactly onto the underside, body +x (see restingFaceRotation). */
  private readonly restingFace: Quaternion;
  /** Sub-steps the last reset's settle took. */
  settleSubsteps = 0;
  readonly solver = new CoulombFrictionSolver();
  world: World | undefined;
  private body: Body | undefined;
  private setup: EpisodeSetup | undefined;
  private axes = inclineAxes(0);
  private surfaceCentre: MutableVec3 = [0, 0, 0];
  private readonly forceVec = new Vec3();

  constructor(model: ObjectModel, geometry: InclineGeometry = DEFAULT_INCLINE) {
    this.model = model;
    this.geometry = geometry;
    this.shape = new ConvexPolyhedron({
      vertices: model.hull.vertices.map((v) => new Vec3(v[0], v[1], v[2])),
      faces: model.hull.faces.map((f) => [...f]),
    });
    this.restingFace = restingFaceRotation(model.hull.vertices, model.hull.faces);
  }

  /** The current episode's setup (angle, friction, mass, ...). */
  get episode(): EpisodeSetup {
    if (this.setup === undefined) throw new Error('InclinePhysics: reset() first');
    return this.setup;
  }

  /** The object's cannon-es body (for inspection and tests). */
  get objectBody(): Body {
    if (this.body === undefined) throw new Error('InclinePhysics: reset() first');
    return this.body;
  }

  /**
   * Start an episode: a fresh world (so nothing carries over between episodes), the incline at
   * `setup.angle`, the object dropped from `dropHeight` above the surface and settled (see the module
   * comment), its centre at normalised position `start`.
   */
  reset(setup: EpisodeSetup): void {
    this.place(setup);
    this.settle();
  }

  /** The object at rest `dropHeight` above the surface at normalised position `start`, not yet settled. */
  private place(setup: EpisodeSetup): void {
    validateSetup(setup);
    this.setup = setup;
    const { angle } = setup;
    this.axes = inclineAxes(angle);
    this.surfaceCentre = inclineSurfaceCentre(angle, this.geometry);
    const world = new World({ gravity: new Vec3(0, 0, -GRAVITY) });
    world.broadphase = new NaiveBroadphase();
    world.narrowphase = new MarginNarrowphase(world, CONTACT_MARGIN);
    world.allowSleep = false;
    world.solver = this.solver;
    world.defaultContactMaterial.friction = 0;
    world.defaultContactMaterial.restitution = 0;
    this.solver.friction = setup.friction;
    this.solver.clearWarmStart();
    const { u } = this.axes;
    this.solver.tangentHint.set(u[0], u[1], u[2]);

    const inclineRotation = new Quaternion().setFromAxisAngle(Y_AXIS, angle);
    const incline = new Body({ mass: 0, type: Body.STATIC });
    incline.addShape(new Plane());
    incline.position.set(...this.surfaceCentre);
    incline.quaternion.copy(inclineRotation);
    world.addBody(incline);

    const yawRotation = new Quaternion().setFromAxisAngle(Z_AXIS, setup.yaw);
    const orientation = inclineRotation.mult(yawRotation).mult(LAY_DOWN).mult(this.restingFace);
    const body = new Body({ mass: setup.mass, linearDamping: 0, angularDamping: 0 });
    body.addShape(this.shape);
    body.quaternion.copy(orientation);
    setMassProperties(body, setup.mass, this.model.unitInertia);
    const lowest = lowestAlong(this.model.hull.vertices, orientation, this.axes.n);
    const s = (setup.start - 0.5) * this.geometry.track;
    const lift = setup.dropHeight - lowest;
    body.position.set(...add(add(this.surfaceCentre, scale(u, s)), scale(this.axes.n, lift)));
    world.addBody(body);
    this.world = world;
    this.body = body;
    this.settleSubsteps = 0;
  }

  /**
   * Let the dropped object land: zero-force sub-steps until it touches the incline and has stopped
   * moving along the normal and tilting (or SETTLE_MAX_SUBSTEPS), then move it along the incline back
   * to the drawn start and stop it there.
   */
  private settle(): void {
    const world = this.world!;
    const body = this.body!;
    const { u, n } = this.axes;
    const s0 = this.state().position;
    let k = 0;
    while (k < SETTLE_MAX_SUBSTEPS) {
      world.step(SUBSTEP_DT);
      k++;
      if (!this.isFinite()) break;
      const v = body.velocity, w = body.angularVelocity;
      const normalSpeed = Math.abs(v.x * n[0] + v.y * n[1] + v.z * n[2]);
      // Tilting: the angular velocity but its part about the normal (a sliding object keeps the little
      // spin about the normal the landing gave it: its friction is all spent along the slope).
      const spin = w.x * n[0] + w.y * n[1] + w.z * n[2];
      const tilting = Math.hypot(w.x - spin * n[0], w.y - spin * n[1], w.z - spin * n[2]);
      if (world.contacts.length > 0 && normalSpeed < SETTLE_NORMAL_SPEED && tilting < SETTLE_TILT_RATE) break;
    }
    this.settleSubsteps = k;
    if (!this.isFinite()) return;
    const back = this.state().position - s0;
    body.position.set(body.position.x - back * u[0], body.position.y - back * u[1], body.position.z - back * u[2]);
    body.previousPosition.copy(body.position);
    body.interpolatedPosition.copy(body.position);
    body.aabbNeedsUpdate = true;
    body.velocity.set(0, 0, 0);
    body.angularVelocity.set(0, 0, 0);
  }

  /** The episode setup and the object's dynamic state: enough to continue the episode exactly. */
  snapshot(): PhysicsSnapshot {
    const b = this.objectBody;
    const v3 = (v: Vec3): MutableVec3 => [v.x, v.y, v.z];
    return {
      setup: { ...this.episode },
      position: v3(b.position),
      velocity: v3(b.velocity),
      angularVelocity: v3(b.angularVelocity),
      quaternion: [b.quaternion.x, b.quaternion.y, b.quaternion.z, b.quaternion.w],
      time: this.world!.time,
      contactImpulses: this.solver.warmStartState,
    };
  }

  /** Continue from a snapshot: a fresh episode with its setup, then the saved body state. */
  restore(snapshot: PhysicsSnapshot): void {
    this.place(snapshot.setup);
    const b = this.objectBody;
    b.position.set(...snapshot.position);
    b.previousPosition.copy(b.position);
    b.interpolatedPosition.copy(b.position);
    b.velocity.set(...snapshot.velocity);
    b.angularVelocity.set(...snapshot.angularVelocity);
    b.quaternion.set(...snapshot.quaternion);
    b.previousQuaternion.copy(b.quaternion);
    b.interpolatedQuaternion.copy(b.quaternion);
    // Derived quantities cannon-es caches from the pose, as its integrator leaves them after a step:
    // it updates the world inertia unforced, which keeps an isotropic body's (s I, computed once at
    // placement) as it is; recomputing it from the restored orientation differs in the last bits.
    b.aabbNeedsUpdate = true;
    b.updateInertiaWorld();
    this.world!.time = snapshot.time;
    if (snapshot.contactImpulses !== undefined) this.solver.warmStartState = snapshot.contactImpulses;
  }

  /**
   * Advance one action: force `force` (N, along u) for SUBSTEPS_PER_ACTION sub-steps. Returns false
   * (and leaves the state non-finite) if the simulation blew up.
   */
  step(force: number): boolean {
    const world = this.world;
    const body = this.body;
    if (world === undefined || body === undefined) throw new Error('InclinePhysics: reset() before step()');
    const { u } = this.axes;
    const f = this.forceVec;
    for (let k = 0; k < SUBSTEPS_PER_ACTION; k++) {
      f.set(force * u[0], force * u[1], force * u[2]);
      body.force.vadd(f, body.force);
      world.step(SUBSTEP_DT);
    }
    return this.isFinite();
  }

  /** Whether the object's state is finite and within sane bounds. */
  isFinite(): boolean {
    const b = this.objectBody;
    const p = b.position, v = b.velocity, q = b.quaternion, w = b.angularVelocity;
    // Every comparison with NaN is false, so a NaN anywhere fails one of these bounds.
    return Math.abs(p.x) + Math.abs(p.y) + Math.abs(p.z) < MAX_DISTANCE
      && Math.abs(v.x) + Math.abs(v.y) + Math.abs(v.z) < MAX_SPEED
      && Math.abs(w.x) + Math.abs(w.y) + Math.abs(w.z) < MAX_SPIN
      && Math.abs(q.x) + Math.abs(q.y) + Math.abs(q.z) + Math.abs(q.w) < 2;
  }

  /** The object's state now. */
  state(): InclineState {
    const b = this.objectBody;
    const { u, w, n } = this.axes;
    const c = this.surfaceCentre;
    const r: MutableVec3 = [b.position.x - c[0], b.position.y - c[1], b.position.z - c[2]];
    const position = dot(r, u) + this.geometry.length / 2;
    const v = b.velocity;
    return {
      angle: this.episode.angle,
      position,
      x: (position - (this.geometry.length - this.geometry.track) / 2) / this.geometry.track,
      velocity: v.x * u[0] + v.y * u[1] + v.z * u[2],
      lateral: dot(r, w),
      height: dot(r, n),
      worldPosition: [b.position.x, b.position.y, b.position.z],
      quaternion: [b.quaternion.x, b.quaternion.y, b.quaternion.z, b.quaternion.w],
      linearVelocity: [v.x, v.y, v.z],
      angularVelocity: [b.angularVelocity.x, b.angularVelocity.y, b.angularVelocity.z],
    };
  }
}

/** Faces whose outward normal is within this angle of the intended underside (body +x) may be the resting face, rad. */
const RESTING_FACE_CONE = Math.PI / 3;

/**
 * The rotation (body frame) that turns the object's resting face exactly onto body +x (the side
 * LAY_DOWN turns into the incline): of the hull faces within RESTING_FACE_CONE of +x, the most stable
 * one (largest ratio of the smallest distance from the centre of mass's foot to the face's edges over
 * the height of the centre of mass: the tangent of the tilt it can take before tipping), the one
 * nearest to +x among equally stable ones. A box keeps its +x face (the identity); a polygonal cylinder
 * whose ring has a vertex at +x is turned half a side so that it lies on a face instead of balancing on
 * an edge (an unstable equilibrium it would tip off, rocking, after landing); a mug, whose handle is on
 * +x, lies on its body next to the handle rather than on the narrow face across the handle.
 */
function restingFaceRotation(vertices: readonly MutableVec3[], faces: readonly (readonly number[])[]): Quaternion {
  const down: MutableVec3 = [1, 0, 0];
  const minAlignment = Math.cos(RESTING_FACE_CONE);
  let best: MutableVec3 = down;
  let bestStability = -Infinity;
  let bestAlignment = -Infinity;
  for (const face of faces) {
    const raw = polygonNormal(vertices, face); // outward: faces wind counter-clockwise seen from outside
    const len = Math.hypot(...raw);
    if (!(len > 0)) continue;
    const normal = scale(raw, 1 / len);
    const alignment = dot(normal, down);
    if (alignment < minAlignment) continue;
    const height = dot(normal, vertices[face[0]!]!); // distance from the centre of mass (the origin) to the face's plane
    const foot = scale(normal, height);
    let margin = Infinity;
    for (let i = 0; i < face.length; i++) {
      const a = vertices[face[i]!]!, b = vertices[face[(i + 1) % face.length]!]!;
      const inward = cross(normal, sub(b, a)); // counter-clockwise around the normal: the inside is on the left
      margin = Math.min(margin, dot(sub(foot, a), inward) / Math.hypot(...inward));
    }
    const stability = margin / height;
    const tie = Math.abs(stability - bestStability) <= 1e-4; // equally stable (vertices are float32 mesh positions)
    if ((tie && alignment > bestAlignment + 1e-12) || (!tie && stability > bestStability)) {
      bestStability = stability;
      bestAlignment = alignment;
      best = normal;
    }
  }
  return new Quaternion().setFromVectors(new Vec3(...best), new Vec3(...down));
}

/** Smallest projection onto `axis` of the hull vertices rotated by `q` (m, relative to the centre of mass). */
function lowestAlong(vertices: readonly MutableVec3[], q: Quaternion, axis: MutableVec3): number {
  const v = new Vec3();
  const out = new Vec3();
  let lowest = Infinity;
  for (const p of vertices) {
    v.set(p[0], p[1], p[2]);
    q.vmult(v, out);
    lowest = Math.min(lowest, out.x * axis[0] + out.y * axis[1] + out.z * axis[2]);
  }
  return lowest;
}

/** Mass (kg) and a diagonal inertia of `mass` x `unitInertia` (kg m^2), instead of cannon-es's bounding-box estimate. */
function setMassProperties(body: Body, mass: number, unitInertia: MutableVec3): void {
  body.mass = mass;
  body.invMass = 1 / mass;
  body.inertia.set(mass * unitInertia[0], mass * unitInertia[1], mass * unitInertia[2]);
  body.invInertia.set(1 / body.inertia.x, 1 / body.inertia.y, 1 / body.inertia.z);
  body.updateInertiaWorld(true);
}

function validateSetup(setup: EpisodeSetup): void {
  const check = (name: keyof EpisodeSetup, ok: boolean): void => {
    if (!ok) throw new RangeError(`InclinePhysics: ${name} = ${String(setup[name])} is out of range`);
  };
  check('angle', setup.angle >= 0 && setup.angle < Math.PI / 2);
  check('friction', setup.friction >= 0 && Number.isFinite(setup.friction));
  check('mass', setup.mass > 0 && Number.isFinite(setup.mass));
  check('start', setup.start >= 0 && setup.start <= 1);
  check('yaw', Number.isFinite(setup.yaw));
  check('dropHeight', setup.dropHeight >= 0 && Number.isFinite(setup.dropHeight));
}
