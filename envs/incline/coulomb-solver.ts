/**
 * A projected Gauss-Seidel solver for cannon-es with Coulomb friction bounded by the normal impulse.
 *
 * Why: cannon-es bounds each contact point's friction by mu * |gravity| * mass, a constant that
 * ignores the actual normal force (on an incline it should be m g cos(angle), shared among the
 * contact points) and is compared against an impulse. A block on an incline then accelerates at
 * neither g (sin - mu cos) nor anything close. This solver replaces it: the world's contact
 * material has friction 0 (so cannon-es makes no friction equations), and for every contact point
 * this solver adds two tangential rows whose impulses (l1, l2) are kept, at every iteration, within
 * the disc l1^2 + l2^2 <= (mu * current normal impulse of that contact)^2: Coulomb's law with the
 * normal force the solver actually finds (as Bullet and PyBullet bound friction). The first tangent
 * is `tangentHint` (down the incline) projected onto the contact plane and gets the friction budget
 * first, so an object sliding along the incline feels exactly mu N against its motion; the second
 * tangent (across the incline) gets what is left of the disc.
 *
 * (Choosing the first tangent along each contact's own sliding velocity instead made resting boxes
 * rock after landing; projecting both rows radially onto the disc let Gauss-Seidel spend part of the
 * budget on lateral forces that cancel out, so sliding boxes felt ~6% too little friction.)
 *
 * Mass independence: the motion must not depend on the mass except through F / m, so nothing in the
 * solver may be an absolute impulse or an absolute stiffness. cannon-es's SPOOK rows have a compliance
 * eps = 4 / (h^2 k (1 + 4 d)) from a stiffness k in N/m, the same for every body: next to a row's
 * inverse effective mass G M^-1 G^T it is ten times larger for a 0.5 kg object than for a 0.05 kg one,
 * and cannon-es's convergence test compares impulse changes with an absolute 1e-7 N s, which stops
 * the iterations ten times earlier (relative to the impulses) for the lighter object. Together they
 * made light objects creep at rest (a 0.05 kg box with mu > tan(angle) moved ~2 mm, with speed peaks
 * of ~30 mm/s) and slide with per-step acceleration errors of tens of percent, while 0.5 kg objects did
 * not. Here every row's compliance is taken relative to its own effective mass (a stiffness per
 * kilogram, `stiffnessPerKg`, in N/m/kg = 1/s^2), and convergence is measured in velocity: how much
 * an iteration still changes the bodies' velocities (m/s; an angular velocity counts times the body's
 * bounding radius). Scaling every mass by s then scales every impulse by s and leaves every velocity
 * unchanged. (Not the impulses' changes: four contacts under a flat face share the load in a way that
 * the rigid body does not fix, and Gauss-Seidel keeps shifting load among them long after the motion
 * has converged.)
 *
 * Iterations and warm start: Gauss-Seidel converges slowly on a narrow support (the corners of a
 * cylinder's side face, a few centimetres apart, are nearly the same rows), and 20 iterations from
 * zero left a sliding cylinder rocking between its contacts. The solver now iterates until the
 * velocities have converged (at most `iterations`, 200), and starts every step from the impulses the
 * same contacts (the same hull vertex) had at the end of the previous step, as Bullet and Box2D do,
 * so that steady contacts converge in a few iterations. The kept impulses are plain data
 * (`warmStartState`), so a snapshot can carry them and a restored episode continues bit for bit.
 *
 * Units: cannon-es solves for impulses (N s) over a step of `dt` seconds.
 */
import { type Body, ContactEquation, FrictionEquation, GSSolver, Quaternion, Vec3, type Equation, type World } from 'cannon-es';

/**
 * The impulses of the last step's contacts, to warm-start the next step (plain data, so a snapshot
 * can carry it): per contact, the indices in `world.bodies` of its two bodies, its point in body j's
 * frame (m), and its normal and two tangential impulses (N s), over a step of `dt` seconds.
 */
export interface WarmStartState {
  readonly dt: number;
  readonly bodies: readonly number[];
  readonly points: readonly number[];
  readonly impulses: readonly number[];
}

/** Two contacts match across steps when their points in body j's frame are this close (m). */
const SAME_POINT = 1e-9;

export interface CoulombSolverOptions {
  /** Solver iterations per step at most (default 200; it stops earlier once converged, see `velocityTolerance`). */
  iterations?: number;
  /**
   * Stiffness of every row (contact and friction) per kilogram of the row's effective mass, N/m/kg =
   * 1/s^2 (default 1e9). The compliance lets a resting object creep at about eps x its friction
   * impulse: with cannon-es's 1e7 N/m a 0.5 kg box crept ~2 um in 2 s; at 1e9 per kg every object
   * creeps ~0.2 um. SPOOK stays stable however stiff (its relaxation sets the time scale).
   */
  stiffnessPerKg?: number;
  /** SPOOK relaxation (steps) of the friction rows; cannon-es's default 3. The contact rows take the world's contact material's. */
  frictionRelaxation?: number;
  /** Convergence: stop once an iteration changes no body's velocity by this much, m/s (default 1e-7). */
  velocityTolerance?: number;
}

export class CoulombFrictionSolver extends GSSolver {
  /** Coulomb friction coefficient mu, the same at every contact (>= 0). */
  friction = 0;
  /** Preferred direction of each contact's first friction tangent (world frame, any length > 0). */
  readonly tangentHint = new Vec3(1, 0, 0);
  readonly stiffnessPerKg: number;
  readonly frictionRelaxation: number;
  readonly velocityTolerance: number;

  private readonly pool: FrictionEquation[] = [];
  private readonly rows: Equation[] = [];
  private readonly contacts: ContactEquation[] = [];
  /** Row index (in `rows`) of each contact in `contacts`. */
  private readonly contactRows: number[] = [];
  private readonly tangents: FrictionEquation[] = [];
  private lambda = new Float64Array(0);
  private invC = new Float64Array(0);
  /** The dynamic bodies' velocity changes at the end of the previous iteration: [vx, vy, vz, wx, wy, wz] per body. */
  private lastVelocity = new Float64Array(0);
  private rhs = new Float64Array(0);
  private readonly tmp = new Vec3();
  private readonly tmpQ = new Quaternion();
  private warm: WarmStartState = { dt: 0, bodies: [], points: [], impulses: [] };

  constructor(options: CoulombSolverOptions = {}) {
    super();
    this.iterations = options.iterations ?? 200;
    this.stiffnessPerKg = options.stiffnessPerKg ?? 1e9;
    this.frictionRelaxation = options.frictionRelaxation ?? 3;
    this.velocityTolerance = options.velocityTolerance ?? 1e-7;
  }

  override solve(dt: number, world: World): number {
    const rows = this.rows;
    const contacts = this.contacts;
    const tangents = this.tangents;
    rows.length = 0;
    const contactRows = this.contactRows;
    contacts.length = 0;
    contactRows.length = 0;
    tangents.length = 0;
    for (const eq of this.equations) {
      if (eq instanceof ContactEquation) {
        contacts.push(eq);
        contactRows.push(rows.length);
      }
      rows.push(eq);
    }
    if (this.friction > 0) {
      for (const c of contacts) this.addTangents(c, dt);
    }
    const nRows = rows.length;
    const nTangents = tangents.length;
    const total = nRows + nTangents;
    if (total === 0) {
      this.clearWarmStart();
      return 0;
    }
    if (this.lambda.length < total) {
      this.lambda = new Float64Array(total * 2);
      this.invC = new Float64Array(total * 2);
      this.rhs = new Float64Array(total * 2);
    }
    const { lambda, invC, rhs } = this;
    for (const body of world.bodies) body.updateSolveMassProperties();
    for (let i = 0; i < total; i++) {
      const eq = i < nRows ? rows[i]! : tangents[i - nRows]!;
      lambda[i] = 0;
      rhs[i] = (eq as ContactEquation).computeB(dt);
      // SPOOK compliance eps = 4 / (h^2 k (1 + 4 d)) with k = stiffnessPerKg x the row's effective
      // mass 1 / (G M^-1 G^T): relative to G M^-1 G^T, so the same for every mass (see the module comment).
      // (1 + 4d) = 1 / (1 - b), b = 4d / (1 + 4d) being the row's SPOOK velocity factor.
      const inverseMass = eq.computeGiMGt();
      eq.eps = (4 * (1 - eq.b) * inverseMass) / (dt * dt * this.stiffnessPerKg);
      invC[i] = 1 / (inverseMass + eq.eps);
    }
    for (const body of world.bodies) {
      body.vlambda.set(0, 0, 0);
      body.wlambda.set(0, 0, 0);
    }
    const points = this.contactPoints(world);
    this.warmStart(points, nRows, dt);
    for (let i = 0; i < total; i++) {
      if (lambda[i] !== 0) (i < nRows ? rows[i]! : tangents[i - nRows]!).addToWlambda(lambda[i]!);
    }
    const tolerance = this.velocityTolerance;
    const bodies = world.bodies;
    if (this.lastVelocity.length < 6 * bodies.length) this.lastVelocity = new Float64Array(12 * bodies.length);
    const last = this.lastVelocity;
    this.velocityChange(bodies, last); // records the warm start's velocity changes
    let iter = 0;
    for (; iter < this.iterations; iter++) {
      for (let j = 0; j < nRows; j++) {
        const eq = rows[j]!;
        this.relax(eq, j, eq.minForce, eq.maxForce);
      }
      for (let k = 0; k < nTangents; k += 2) {
        const bound = this.friction * Math.max(0, lambda[contactRows[k >> 1]!]!);
        const i1 = nRows + k;
        const i2 = i1 + 1;
        // Coulomb cone |(l1, l2)| <= bound, filled along t1 (the sliding direction) first: a sliding
        // contact then gets the full mu * normal impulse against its motion.
        this.relax(tangents[k]!, i1, -bound, bound);
        const l1 = lambda[i1]!;
        const rest = Math.sqrt(Math.max(0, bound * bound - l1 * l1));
        this.relax(tangents[k + 1]!, i2, -rest, rest);
      }
      if (this.velocityChange(bodies, last) < tolerance) {
        iter++;
        break;
      }
    }
    for (const body of world.bodies) {
      body.vlambda.vmul(body.linearFactor, body.vlambda);
      body.velocity.vadd(body.vlambda, body.velocity);
      body.wlambda.vmul(body.angularFactor, body.wlambda);
      body.angularVelocity.vadd(body.wlambda, body.angularVelocity);
    }
    for (let i = 0; i < total; i++) {
      const eq = i < nRows ? rows[i]! : tangents[i - nRows]!;
      eq.multiplier = lambda[i]! / dt;
    }
    this.saveWarmStart(points, nRows, dt);
    return iter;
  }

  /** The impulses kept for the next step's warm start (plain data). */
  get warmStartState(): WarmStartState {
    return this.warm;
  }

  /** Replace the kept impulses (a snapshot's), or forget them (a new episode). */
  set warmStartState(state: WarmStartState) {
    this.warm = { dt: state.dt, bodies: [...state.bodies], points: [...state.points], impulses: [...state.impulses] };
  }

  clearWarmStart(): void {
    this.warm = { dt: 0, bodies: [], points: [], impulses: [] };
  }

  /** Per contact: body indices (i, j) and its point in body j's frame, flattened [bi, bj, x, y, z, ...]. */
  private contactPoints(world: World): number[] {
    const out: number[] = [];
    const local = this.tmp;
    for (const c of this.contacts) {
      c.bj.quaternion.conjugate(this.tmpQ).vmult(c.rj, local);
      out.push(world.bodies.indexOf(c.bi), world.bodies.indexOf(c.bj), local.x, local.y, local.z);
    }
    return out;
  }

  /** Start each contact's rows from the impulses the same contact had last step (scaled to `dt`), within their bounds. */
  private warmStart(points: readonly number[], nRows: number, dt: number): void {
    const { lambda, contactRows, warm } = this;
    if (warm.dt <= 0) return;
    const ratio = dt / warm.dt;
    const hasTangents = this.tangents.length > 0;
    for (let c = 0; c < this.contacts.length; c++) {
      const o = 5 * c;
      let match = -1;
      for (let k = 0; k < warm.impulses.length / 3; k++) {
        if (warm.bodies[2 * k] === points[o] && warm.bodies[2 * k + 1] === points[o + 1]
          && Math.abs(warm.points[3 * k]! - points[o + 2]!) < SAME_POINT
          && Math.abs(warm.points[3 * k + 1]! - points[o + 3]!) < SAME_POINT
          && Math.abs(warm.points[3 * k + 2]! - points[o + 4]!) < SAME_POINT) {
          match = k;
          break;
        }
      }
      if (match < 0) continue;
      const normal = Math.max(0, warm.impulses[3 * match]! * ratio);
      lambda[contactRows[c]!] = normal;
      if (!hasTangents) continue;
      const bound = this.friction * normal;
      const l1 = Math.min(bound, Math.max(-bound, warm.impulses[3 * match + 1]! * ratio));
      const rest = Math.sqrt(Math.max(0, bound * bound - l1 * l1));
      lambda[nRows + 2 * c] = l1;
      lambda[nRows + 2 * c + 1] = Math.min(rest, Math.max(-rest, warm.impulses[3 * match + 2]! * ratio));
    }
  }

  private saveWarmStart(points: readonly number[], nRows: number, dt: number): void {
    const { lambda, contactRows } = this;
    const hasTangents = this.tangents.length > 0;
    const bodies: number[] = [];
    const local: number[] = [];
    const impulses: number[] = [];
    for (let c = 0; c < this.contacts.length; c++) {
      const o = 5 * c;
      bodies.push(points[o]!, points[o + 1]!);
      local.push(points[o + 2]!, points[o + 3]!, points[o + 4]!);
      impulses.push(lambda[contactRows[c]!]!, hasTangents ? lambda[nRows + 2 * c]! : 0, hasTangents ? lambda[nRows + 2 * c + 1]! : 0);
    }
    this.warm = { dt, bodies, points: local, impulses };
  }

  /**
   * The largest change, over the dynamic bodies, of the solver's velocity change since the last call
   * (|dv| + |dw| x bounding radius, m/s); records the current one in `last`.
   */
  private velocityChange(bodies: readonly Body[], last: Float64Array): number {
    let largest = 0;
    for (let b = 0; b < bodies.length; b++) {
      const body = bodies[b]!;
      if (body.invMassSolve === 0) continue;
      const v = body.vlambda, w = body.wlambda, o = 6 * b;
      const change = Math.hypot(v.x - last[o]!, v.y - last[o + 1]!, v.z - last[o + 2]!)
        + Math.hypot(w.x - last[o + 3]!, w.y - last[o + 4]!, w.z - last[o + 5]!) * body.boundingRadius;
      if (change > largest) largest = change;
      last[o] = v.x; last[o + 1] = v.y; last[o + 2] = v.z;
      last[o + 3] = w.x; last[o + 4] = w.y; last[o + 5] = w.z;
    }
    return largest;
  }

  /** One Gauss-Seidel update of row `i` (equation `eq`), its impulse kept in [low, high]. */
  private relax(eq: Equation, i: number, low: number, high: number): void {
    const lambda = this.lambda;
    const current = lambda[i]!;
    let next = current + this.invC[i]! * (this.rhs[i]! - eq.computeGWlambda() - eq.eps * current);
    if (next > high) next = high;
    else if (next < low) next = low;
    const delta = next - current;
    lambda[i] = next;
    eq.addToWlambda(delta);
  }

  /** Two friction rows at contact `c`, tangent to its normal: the first along `tangentHint`, the second across it. */
  private addTangents(c: ContactEquation, dt: number): void {
    const n = c.ni;
    const t1 = this.tmp;
    const hint = this.tangentHint;
    const along = hint.dot(n);
    t1.set(hint.x - along * n.x, hint.y - along * n.y, hint.z - along * n.z);
    const length = t1.length();
    const f1 = this.pool.pop() ?? new FrictionEquation(c.bi, c.bj, 0);
    const f2 = this.pool.pop() ?? new FrictionEquation(c.bi, c.bj, 0);
    if (length > 1e-9) {
      t1.scale(1 / length, f1.t);
      n.cross(f1.t, f2.t);
    } else {
      n.tangents(f1.t, f2.t);
    }
    this.pushTangent(f1, c, dt);
    this.pushTangent(f2, c, dt);
  }

  /** Attach friction row `f` to contact `c`'s bodies and point; its bound is set while solving. */
  private pushTangent(f: FrictionEquation, c: ContactEquation, dt: number): void {
    f.bi = c.bi;
    f.bj = c.bj;
    f.si = c.si;
    f.sj = c.sj;
    f.ri.copy(c.ri);
    f.rj.copy(c.rj);
    f.minForce = -Infinity;
    f.maxForce = Infinity;
    f.enabled = true;
    f.setSpookParams(1e7, this.frictionRelaxation, dt); // sets a and b; solve() replaces the stiffness's eps
    this.tangents.push(f);
  }

  override removeAllEquations(): void {
    super.removeAllEquations();
    for (const f of this.tangents) this.pool.push(f);
    this.tangents.length = 0;
  }
}
