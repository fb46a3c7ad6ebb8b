import type { VrpProblem } from '../model';

export interface OracleResult {
  /** Distance of the routes plus the penalties of unserved optional stops. */
  cost: number;
  unassignedMandatory: number;
}

/**
 * Test oracle: enumerate every assignment of stops to ordered routes (and to "unserved"), simulate each
 * route independently, keep the plan with the fewest unserved mandatory stops, then the cheapest
 * distance + optional penalties. Single trip, one capacity dimension, paired pickups (`deliverTo`) on the
 * same route before their delivery. Vehicles may end at another hub than they start; an unused vehicle
 * drives nothing. Exponential: a handful of stops only.
 */
export function bruteForce(problem: VrpProblem): OracleResult {
  const n = problem.locationCount;
  const V = problem.vehicles.length;
  const routes: number[][] = problem.vehicles.map(() => []);
  const byId = new Map(problem.stops.map((s, i) => [s.id, i]));
  const partnerOf = problem.stops.map(() => -1);
  problem.stops.forEach((s, i) => {
    if (s.deliverTo === undefined) return;
    const j = byId.get(s.deliverTo) as number;
    partnerOf[i] = j;
    partnerOf[j] = i;
  });
  const pairLoad = (i: number): number => {
    const p = partnerOf[i];
    return p >= 0 && problem.stops[i].kind === 'delivery'
      ? (problem.stops[p].demand?.[0] ?? 0)
      : (problem.stops[i].demand?.[0] ?? 0);
  };
  let best: OracleResult = { cost: Infinity, unassignedMandatory: Infinity };
  /** `placed`: stops with a higher index are not placed yet, so their partners' checks wait. */
  const routeCost = (v: number, seq: number[], placed = Infinity): number => {
    if (seq.length === 0) return 0;
    const veh = problem.vehicles[v];
    const m = problem.profiles[veh.profile];
    const cap = veh.capacity[0] ?? 0;
    let load = 0;
    for (const i of seq) {
      if (problem.stops[i].kind === 'delivery' && partnerOf[i] < 0) load += pairLoad(i);
    }
    if (load > cap) return Infinity;
    let t = veh.shiftStartS;
    let at = veh.startLocation;
    let dist = 0;
    const seen = new Set<number>();
    for (const i of seq) {
      const s = problem.stops[i];
      if ((veh.skills ?? []).length < (s.skills ?? []).length) return Infinity;
      for (const sk of s.skills ?? []) if (!(veh.skills ?? []).includes(sk)) return Infinity;
      const pi = partnerOf[i];
      if (pi >= 0 && pi <= placed && s.kind === 'delivery' && !seen.has(pi)) return Infinity;
      seen.add(i);
      t += m.durationS[at * n + s.location];
      dist += m.distanceM[at * n + s.location];
      const w = (s.timeWindows ?? [[-Infinity, Infinity]]).find(([, b]) => t <= b);
      if (!w) return Infinity;
      t = Math.max(t, w[0]) + (s.serviceS ?? 0);
      at = s.location;
      load += (s.kind === 'delivery' ? -1 : 1) * pairLoad(i);
      if (load > cap) return Infinity;
    }
    for (const i of seq) {
      if (partnerOf[i] >= 0 && partnerOf[i] <= placed && !seen.has(partnerOf[i])) return Infinity;
    }
    t += m.durationS[at * n + veh.endLocation];
    dist += m.distanceM[at * n + veh.endLocation];
    if (!Number.isFinite(dist)) return Infinity;
    return t <= veh.shiftEndS ? dist : Infinity;
  };
  const rec = (k: number, penalty: number, mandatory: number): void => {
    if (k === problem.stops.length) {
      let total = penalty;
      for (let v = 0; v < V; v++) total += routeCost(v, routes[v]);
      if (!Number.isFinite(total)) return;
      if (
        mandatory < best.unassignedMandatory ||
        (mandatory === best.unassignedMandatory && total < best.cost)
      ) {
        best = { cost: total, unassignedMandatory: mandatory };
      }
      return;
    }
    const p = partnerOf[k];
    const pairServed = p >= 0 && p < k ? routes.some((r) => r.includes(p)) : undefined;
    // a pair is served or dropped together; the dropped stops count as the checker counts them
    if (pairServed !== true) {
      let dropPenalty = 0;
      let dropMandatory = 0;
      if (!(p >= 0 && p < k)) {
        for (const i of p > k ? [k, p] : [k]) {
          const pen = problem.stops[i].penalty;
          if (pen === undefined) dropMandatory++;
          else dropPenalty += pen;
        }
      }
      rec(k + 1, penalty + dropPenalty, mandatory + dropMandatory);
    }
    if (pairServed === false) return;
    for (let v = 0; v < V; v++) {
      const r = routes[v];
      if (p >= 0 && p < k && !r.includes(p)) continue;
      for (let q = 0; q <= r.length; q++) {
        r.splice(q, 0, k);
        if (Number.isFinite(routeCost(v, r, k))) rec(k + 1, penalty, mandatory);
        r.splice(q, 1);
      }
    }
  };
  rec(0, 0, 0);
  return best;
}
