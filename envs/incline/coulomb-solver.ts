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
 * Units: cannon-es solves for impulses (N s) over a step of `dt` seconds.
 */
import { ContactEquation, FrictionEquation, GSSolver, Vec3, type Equation, type World } from 'cannon-es';

export interface CoulombSolverOptions {
  /** Solver iterations per step (default 20). */
  iterations?: number;
  /** SPOOK stiffness (N/m) and relaxation (steps) of the friction rows; cannon-es's defaults 1e7 and 3. */
  frictionStiffness?: number;
  frictionRelaxation?: number;
}

export class CoulombFrictionSolver extends GSSolver {
  /** Coulomb friction coefficient mu, the same at every contact (>= 0). */
  friction = 0;
  /** Preferred direction of each contact's first friction tangent (world frame, any length > 0). */
  readonly tangentHint = new Vec3(1, 0, 0);
  readonly frictionStiffness: number;
  readonly frictionRelaxation: number;

  private readonly pool: FrictionEquation[] = [];
  private readonly rows: Equation[] = [];
  private readonly contacts: ContactEquation[] = [];
  /** Row index (in `rows`) of each contact in `contacts`. */
  private readonly contactRows: number[] = [];
  private readonly tangents: FrictionEquation[] = [];
  private lambda = new Float64Array(0);
  private invC = new Float64Array(0);
  private rhs = new Float64Array(0);
  private readonly tmp = new Vec3();

  constructor(options: CoulombSolverOptions = {}) {
    super();
    this.iterations = options.iterations ?? 20;
    this.frictionStiffness = options.frictionStiffness ?? 1e7;
    this.frictionRelaxation = options.frictionRelaxation ?? 3;
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
    if (total === 0) return 0;
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
      invC[i] = 1 / eq.computeC();
    }
    for (const body of world.bodies) {
      body.vlambda.set(0, 0, 0);
      body.wlambda.set(0, 0, 0);
    }
    const tolSquared = this.tolerance * this.tolerance;
    let iter = 0;
    for (; iter < this.iterations; iter++) {
      let change = 0;
      for (let j = 0; j < nRows; j++) {
        const eq = rows[j]!;
        change += this.relax(eq, j, eq.minForce, eq.maxForce);
      }
      for (let k = 0; k < nTangents; k += 2) {
        const bound = this.friction * Math.max(0, lambda[contactRows[k >> 1]!]!);
        const i1 = nRows + k;
        const i2 = i1 + 1;
        // Coulomb cone |(l1, l2)| <= bound, filled along t1 (the sliding direction) first: a sliding
        // contact then gets the full mu * normal impulse against its motion.
        change += this.relax(tangents[k]!, i1, -bound, bound);
        const l1 = lambda[i1]!;
        const rest = Math.sqrt(Math.max(0, bound * bound - l1 * l1));
        change += this.relax(tangents[k + 1]!, i2, -rest, rest);
      }
      if (change * change < tolSquared) {
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
    return iter;
  }

  /**
   * One Gauss-Seidel update of row `i` (equation `eq`), its impulse kept in [low, high].
   * Returns |change of impulse|.
   */
  private relax(eq: Equation, i: number, low: number, high: number): number {
    const lambda = this.lambda;
    const current = lambda[i]!;
    let next = current + this.invC[i]! * (this.rhs[i]! - eq.computeGWlambda() - eq.eps * current);
    if (next > high) next = high;
    else if (next < low) next = low;
    const delta = next - current;
    lambda[i] = next;
    eq.addToWlambda(delta);
    return delta > 0 ? delta : -delta;
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
    f.setSpookParams(this.frictionStiffness, this.frictionRelaxation, dt);
    this.tangents.push(f);
  }

  override removeAllEquations(): void {
    super.removeAllEquations();
    for (const f of this.tangents) this.pool.push(f);
    this.tangents.length = 0;
  }
}
