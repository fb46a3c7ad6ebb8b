/** Snapshot of a plan: node lists per vehicle and the parts of its objective. */
export interface Snapshot extends PlanKey {
  nodes: Int32Array[];
  /** All unassigned penalties: bigM per mandatory stop plus the optional penalties. */
  unPen: number;
}

/** What ranks two plans: unserved mandatory stops, (fleet) vehicles, then optional penalties + routing cost. */
export interface PlanKey {
  mandUn: number;
  used: number;
  /** Penalties of the unserved optional stops. */
  optPen: number;
  cost: number; // routing cost (without unassigned penalties)
}

/**
 * True when plan a is strictly better than plan b under the objective the search anneals: the same
 * total (optional penalties plus routing cost), with unserved mandatory stops and, for the fleet
 * preset, vehicles ranked first.
 */
export function betterPlan(a: PlanKey, b: PlanKey, fleet: boolean): boolean {
  if (a.mandUn !== b.mandUn) return a.mandUn < b.mandUn;
  if (fleet && a.used !== b.used) return a.used < b.used;
  return planTotal(a) < planTotal(b) - 1e-7;
}

/** What the search anneals, apart from unserved mandatory stops: optional penalties plus routing cost. */
export function planTotal(k: PlanKey): number {
  return k.optPen + k.cost;
}
