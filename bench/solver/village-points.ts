import type { VrpProblem, VrpStop } from '@rd/planning';
import { villageStopServiceS } from '../../apps/planner/src/planning/village-stops';

const HOUR = 3600;

function metresBetween(a: readonly [number, number], b: readonly [number, number]): number {
  const kx = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180) * 111_320;
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 111_320);
}

export interface VillagePointVariant {
  problem: VrpProblem;
  points: number;
  /** Deliveries (orders) now served at a point instead of their door. */
  ordersToPoints: number;
  /** Orders behind each point stop. */
  ordersOf: Map<string, number>;
}

/**
 * The same day with deliveries handed to village shops: shops at delivery places at least
 * `spacingM` apart; each delivery (not one half of a village-to-village pair) within `reachM` of a
 * shop goes there with probability `share` (deterministic by index); one stop per shop with the
 * summed demand, the union of skills, the shop's hours 08:00–18:00 and the planner's service time
 * for that many parcels. Matrices and fleet unchanged.
 */
export function withVillagePoints(
  problem: VrpProblem,
  points: readonly [number, number][],
  options: { spacingM: number; reachM: number; share: number },
): VillagePointVariant {
  const paired = new Set(problem.stops.flatMap((s) => (s.deliverTo ? [s.deliverTo] : [])));
  const deliveries = problem.stops.filter((s) => s.kind === 'delivery' && !paired.has(s.id));
  const shops: number[] = [];
  for (const s of deliveries)
    if (shops.every((l) => metresBetween(points[l], points[s.location]) >= options.spacingM))
      shops.push(s.location);
  const maxCapacity = problem.vehicles.reduce(
    (m, v) => m.map((x, i) => Math.max(x, v.capacity[i] ?? 0)),
    problem.vehicles[0].capacity.map(() => 0),
  );
  const groups = new Map<number, VrpStop[][]>();
  const moved = new Set<string>();
  deliveries.forEach((s, i) => {
    // A golden-ratio sequence spreads the share evenly without a random generator.
    if ((i * 0.618_033_988_75) % 1 >= options.share) return;
    let best = -1;
    let bestM = options.reachM;
    for (const l of shops) {
      const d = metresBetween(points[l], points[s.location]);
      if (d <= bestM) [best, bestM] = [l, d];
    }
    if (best < 0) return;
    const chunks = groups.get(best) ?? [[]];
    let chunk = chunks[chunks.length - 1];
    const load = (c: VrpStop[]) =>
      maxCapacity.map((_, k) => c.reduce((sum, x) => sum + (x.demand?.[k] ?? 0), 0) + (s.demand?.[k] ?? 0));
    if (chunk.length && load(chunk).some((x, k) => x > maxCapacity[k])) chunks.push((chunk = []));
    chunk.push(s);
    groups.set(best, chunks);
    moved.add(s.id);
  });
  const pointStops: VrpStop[] = [];
  const ordersOf = new Map<string, number>();
  for (const [location, chunks] of groups)
    chunks.forEach((members, k) => {
      const serviceS = villageStopServiceS(members.length);
      const mandatory = members.some((m) => m.penalty === undefined);
      ordersOf.set(`vp${location}-${k}`, members.length);
      pointStops.push({
        id: `vp${location}-${k}`,
        location,
        kind: 'delivery',
        serviceS,
        demand: maxCapacity.map((_, d) => members.reduce((sum, m) => sum + (m.demand?.[d] ?? 0), 0)),
        timeWindows: [[8 * HOUR, 18 * HOUR - serviceS]],
        skills: [...new Set(members.flatMap((m) => m.skills ?? []))],
        ...(mandatory ? {} : { penalty: members.reduce((sum, m) => sum + (m.penalty ?? 0), 0) }),
      });
    });
  return {
    problem: { ...problem, stops: [...problem.stops.filter((s) => !moved.has(s.id)), ...pointStops] },
    points: groups.size,
    ordersToPoints: moved.size,
    ordersOf,
  };
}
