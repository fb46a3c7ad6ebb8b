import type { ObjectivePreset, VrpProblem } from '../model';
import { checkNodes, randomProblem } from '../test-helpers';
import { type Compiled, KIND_PD_PICKUP, compile } from './compile';
import { DEFAULT_PARAMS, Search } from './search';

interface Variant {
  optional: boolean;
  open: boolean;
  multiTrip: boolean;
}

/** Three pickup–delivery pairs and two plain stops on three small vehicles. */
function tinyPairs(seed: number, v: Variant): VrpProblem {
  // odd seeds: no windows, so many positions are feasible and a quick first plan leaves moves that improve it
  const p = randomProblem(seed, 8, 3, { capacity: 9, horizon: 600, windows: seed % 2 === 0 });
  for (const i of [0, 2, 4]) {
    p.stops[i].kind = 'pickup';
    p.stops[i].deliverTo = p.stops[i + 1].id;
  }
  if (v.optional) {
    p.stops[2].penalty = 60;
    p.stops[3].penalty = 40;
    p.stops[7].penalty = 30;
  }
  p.vehicles.forEach((veh, k) => {
    if (v.open) veh.endLocation = 1 + ((seed + 3 * k) % 8);
    if (v.multiTrip && k === 0) veh.maxTrips = 2;
  });
  return p;
}

/** The total the search anneals (routing cost, optional penalties, bigM per unserved mandatory stop), by the independent checker. */
function totalOf(problem: VrpProblem, c: Compiled, nodes: Int32Array[], preset: ObjectivePreset): number {
  const check = checkNodes(problem, c, nodes, preset);
  if (!check.ok) return Infinity;
  return check.routingCost + check.unassignedPenalty + check.unassignedMandatory * c.bigM;
}

/** Every way to put pickup s and its delivery q into a node list: s before q, anywhere. */
function* insertions(nodes: Int32Array, s: number, q: number): Generator<Int32Array> {
  const a = [...nodes];
  for (let i = 0; i <= a.length; i++) {
    for (let j = i; j <= a.length; j++) {
      yield Int32Array.from([...a.slice(0, i), s, ...a.slice(i, j), q, ...a.slice(j)]);
    }
  }
}

const without = (nodes: Int32Array, s: number, q: number): Int32Array =>
  nodes.filter((x) => x !== s && x !== q);

const close = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

describe('pair relocate and pair exchange against brute force (checked by the independent checker)', () => {
  const variants: [string, Variant, ObjectivePreset][] = [
    ['plain', { optional: false, open: false, multiTrip: false }, 'distance'],
    ['optional stops', { optional: true, open: false, multiTrip: false }, 'distance'],
    ['open routes', { optional: false, open: true, multiTrip: false }, 'distance'],
    ['optional stops, open routes, cost preset', { optional: true, open: true, multiTrip: false }, 'cost'],
    [
      'multi-trip vehicle (simulated positions)',
      { optional: true, open: false, multiTrip: true },
      'distance',
    ],
  ];
  const counts = { relocate: 0, exchange: 0, improving: 0 };

  test.each(variants)(
    '%s',
    (_name, variant, preset) => {
      for (let seed = 1; seed <= 6; seed++) {
        const problem = tinyPairs(seed, variant);
        const c = compile(problem, preset);
        const search = new Search(c, {
          ...DEFAULT_PARAMS,
          seed,
          timeLimitMs: Infinity,
          now: () => 0,
          // odd seeds: the first plan as built (room to improve), even ones after a short search
          maxIterations: seed % 2 ? 0 : 20,
          regretK: seed % 2 ? 0 : DEFAULT_PARAMS.regretK,
          // SISR's random orders build them (nearest the hub first leaves less room)
          constructNearestFirst: 0,
        });
        const plan = search.run();
        search.restore(plan);
        const base = totalOf(problem, c, plan.nodes, preset);
        expect(Number.isFinite(base)).toBe(true);
        const routeOf = (x: number): number => plan.nodes.findIndex((r) => r.includes(x));
        const pickups = [...Array(c.stopCount).keys()].filter(
          (x) => c.stopKind[x] === KIND_PD_PICKUP && routeOf(x) >= 0,
        );
        for (const s of pickups) {
          const q = c.partner[s];
          const a = routeOf(s);
          // relocate: out of route a, into any other route, or left out
          let best = Infinity;
          for (let v = 0; v < c.vehicleCount; v++) {
            if (v === a) continue;
            for (const nodesV of insertions(plan.nodes[v], s, q)) {
              const nodes = plan.nodes.map((r, k) => (k === a ? without(r, s, q) : k === v ? nodesV : r));
              best = Math.min(best, totalOf(problem, c, nodes, preset));
            }
          }
          best = Math.min(
            best,
            totalOf(
              problem,
              c,
              plan.nodes.map((r, k) => (k === a ? without(r, s, q) : r)),
              preset,
            ),
          );
          const move = search.probePairMove(s);
          expect(close(base + move.delta, best)).toBe(true);
          counts.relocate++;
          if (best < base - 1e-9) counts.improving++;
          // exchange with every pair on another route: each into the other's route, or left out
          for (const t of pickups) {
            const b = routeOf(t);
            if (b === a) continue;
            const u = c.partner[t];
            const aLeft = without(plan.nodes[a], s, q);
            const bLeft = without(plan.nodes[b], t, u);
            let bestX = Infinity;
            for (const nb of [bLeft, ...insertions(bLeft, s, q)]) {
              for (const na of [aLeft, ...insertions(aLeft, t, u)]) {
                const nodes = plan.nodes.map((r, k) => (k === a ? na : k === b ? nb : r));
                bestX = Math.min(bestX, totalOf(problem, c, nodes, preset));
              }
            }
            const x = search.probePairMove(s, t);
            expect(close(base + x.delta, bestX)).toBe(true);
            counts.exchange++;
          }
        }
      }
    },
    120_000,
  );

  test('the cases above exercise both moves, improving ones among them', () => {
    expect(counts.relocate).toBeGreaterThan(40);
    expect(counts.exchange).toBeGreaterThan(20);
    expect(counts.improving).toBeGreaterThan(0);
  });
});
