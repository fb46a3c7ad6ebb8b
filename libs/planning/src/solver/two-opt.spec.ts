import type { ObjectivePreset, VrpProblem } from '../model';
import { Prng } from '../prng';
import { checkNodes, randomProblem } from '../test-helpers';
import { type Compiled, compile } from './compile';
import type { Snapshot } from './plan-key';
import { MARKER } from './route-buf';
import { DEFAULT_PARAMS, Search } from './search';

interface Variant {
  windows: boolean;
  pairs: boolean;
  optional: boolean;
  open: boolean;
  multiTrip: boolean;
}

/** Seven stops on two vehicles; a horizon long enough that most orders of a route are feasible. */
function tiny(seed: number, v: Variant): VrpProblem {
  const p = randomProblem(seed, 7, 2, { capacity: 40, horizon: 2000, windows: v.windows });
  if (v.pairs) {
    p.stops[0].kind = 'pickup';
    p.stops[0].deliverTo = p.stops[1].id;
  }
  if (v.optional) for (const i of [2, 5]) p.stops[i].penalty = 500;
  p.vehicles.forEach((veh, k) => {
    if (v.open) veh.endLocation = 1 + ((seed + 3 * k) % 7);
    if (v.multiTrip && k === 0) {
      veh.maxTrips = 2;
      veh.capacity = [12];
    }
  });
  return p;
}

/** Routing cost by the independent checker, Infinity when it finds a violation. */
function routingOf(problem: VrpProblem, c: Compiled, nodes: Int32Array[], preset: ObjectivePreset): number {
  const check = checkNodes(problem, c, nodes, preset);
  return check.ok ? check.routingCost : Infinity;
}

/** Every plan one reversal of a stretch of one trip away (two stops or more, locked stops stay). */
function* reversals(nodes: Int32Array[]): Generator<Int32Array[]> {
  for (let v = 0; v < nodes.length; v++) {
    const r = nodes[v];
    for (let i = 0; i < r.length; i++) {
      for (let j = i + 1; j < r.length; j++) {
        if (r.subarray(i, j + 1).includes(MARKER)) break;
        const next = r.slice();
        next.subarray(i, j + 1).reverse();
        yield nodes.map((x, k) => (k === v ? next : x));
      }
    }
  }
}

/** The plan with each route's stops shuffled within their trips: crossings for 2-opt to take apart. */
function scrambled(plan: Snapshot, rng: Prng): Snapshot {
  const nodes = plan.nodes.map((r) => {
    const out = r.slice();
    let i = 0;
    while (i < out.length) {
      let j = i;
      while (j < out.length && out[j] !== MARKER) j++;
      for (let k = j - 1; k > i; k--) {
        const x = i + rng.int(k - i + 1);
        [out[k], out[x]] = [out[x], out[k]];
      }
      i = j + 1;
    }
    return out;
  });
  return { ...plan, nodes };
}

describe('2-opt within routes against brute force (checked by the independent checker)', () => {
  const variants: [string, Variant, ObjectivePreset][] = [
    ['plain', { windows: false, pairs: false, optional: false, open: false, multiTrip: false }, 'distance'],
    [
      'time windows',
      { windows: true, pairs: false, optional: false, open: false, multiTrip: false },
      'distance',
    ],
    [
      'a pickup and its delivery',
      { windows: false, pairs: true, optional: false, open: false, multiTrip: false },
      'distance',
    ],
    [
      'optional stops, open routes, cost preset',
      { windows: false, pairs: false, optional: true, open: true, multiTrip: false },
      'cost',
    ],
    [
      'multi-trip vehicle',
      { windows: false, pairs: true, optional: true, open: false, multiTrip: true },
      'cost',
    ],
  ];

  test.each(variants)(
    '%s: a feasible plan of the same stops, never dearer, no single reversal cheaper',
    (_name, variant, preset) => {
      let improved = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const problem = tiny(seed, variant);
        const c = compile(problem, preset);
        const search = new Search(c, {
          ...DEFAULT_PARAMS,
          seed,
          timeLimitMs: Infinity,
          now: () => 0,
          maxIterations: 0,
        });
        const built = search.run();
        // a scrambled order when it is feasible (no windows), else the plan as built
        const start = scrambled(built, new Prng(seed));
        search.restore(Number.isFinite(routingOf(problem, c, start.nodes, preset)) ? start : built);
        const before = search.snapshot();
        const beforeCost = routingOf(problem, c, before.nodes, preset);
        expect(Number.isFinite(beforeCost)).toBe(true);
        search.polishRoutes();
        const after = search.snapshot();
        const cost = routingOf(problem, c, after.nodes, preset);
        // the same stops on the same vehicles, feasible, with the cost the search keeps
        for (let v = 0; v < c.vehicleCount; v++) {
          expect([...after.nodes[v]].sort((a, b) => a - b)).toEqual(
            [...before.nodes[v]].sort((a, b) => a - b),
          );
        }
        expect(cost).toBeCloseTo(after.cost, 6);
        expect(cost).toBeLessThanOrEqual(beforeCost + 1e-9);
        if (cost < beforeCost - 1e-9) improved++;
        let bestReversal = Infinity;
        for (const nodes of reversals(after.nodes))
          bestReversal = Math.min(bestReversal, routingOf(problem, c, nodes, preset));
        expect(bestReversal).toBeGreaterThanOrEqual(cost - 1e-6);
      }
      // the check above would hold for a 2-opt that did nothing on a plan that was already 2-optimal
      expect(improved).toBeGreaterThan(0);
    },
  );
});
