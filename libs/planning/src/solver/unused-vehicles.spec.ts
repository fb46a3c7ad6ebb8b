import { ruralDay } from '../test-helpers';
import { compile } from './compile';
import { findInsertion, recreate } from './ops/recreate';
import { DEFAULT_PARAMS } from './search';
import { SearchState } from './search-state';

/**
 * Unused vehicles in the insertion: one adds at least its fixed cost, so once a route in use takes the stop for
 * less, none is tried (on a large day there are a few per class, each two matrix reads per check), and the choice
 * stays the one trying them all would make.
 */
describe('unused vehicles and their fixed cost', () => {
  function plannedDay(fixedCost?: number) {
    const problem = ruralDay(12, 300);
    if (fixedCost !== undefined) for (const v of problem.vehicles) v.fixedCost = fixedCost;
    const c = compile(problem, 'cost');
    const st = new SearchState(c, {
      ...DEFAULT_PARAMS,
      granularMinStops: 1, // granular, as on a large day: unused vehicles are tried one per class
      seed: 12,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 1,
    });
    st.beginCandidate();
    recreate(st, true);
    st.accept();
    return { c, st };
  }

  /** Take each served single stop out in turn and look where findInsertion puts it back and what it tried. */
  function reinsertions(fixedCost?: number) {
    const { c, st } = plannedDay(fixedCost);
    const results: { bestDelta: number; triedUnused: number; unusedBest: number }[] = [];
    const evalRoute = st.ins.evalRoute.bind(st.ins);
    let triedUnused = 0;
    st.ins.evalRoute = (s, v, r) => {
      if (r.nStops === 0) triedUnused++;
      evalRoute(s, v, r);
    };
    for (let s = 0; s < c.stopCount && results.length < 40; s++) {
      const v = st.curRouteOf[s];
      if (v < 0 || c.isLocked[s] || c.partner[s] >= 0) continue;
      st.beginCandidate();
      const r = st.touch(v);
      const pos = Array.from(r.nodes.subarray(0, r.len)).indexOf(s);
      st.removeFromRoute(v, r, pos, pos + 1);
      st.sim.refresh(v, r);
      st.dirty[v] = 0;
      triedUnused = 0;
      findInsertion(st, s);
      const found = { bestDelta: st.ins.bestDelta, triedUnused, unusedBest: Infinity };
      // what the cheapest unused vehicle would have offered
      for (let u = 0; u < c.vehicleCount; u++) {
        const ru = st.route(u);
        if (ru.nStops > 0 || !c.compat[u * c.stopCount + s]) continue;
        st.ins.bestDelta = Infinity;
        st.ins.bestV = -1;
        evalRoute(s, u, ru);
        found.unusedBest = Math.min(found.unusedBest, st.ins.bestDelta);
      }
      results.push(found);
      st.reject();
    }
    return { c, results };
  }

  test('none is tried once a route in use takes the stop for less than the least fixed cost', () => {
    const { c, results } = reinsertions();
    expect(results.length).toBe(40);
    const leastFixed = Math.min(...Array.from(c.wFixed));
    expect(leastFixed).toBeGreaterThan(0);
    const cheap = results.filter((x) => x.bestDelta < leastFixed);
    expect(cheap.length).toBeGreaterThan(30);
    for (const x of cheap) {
      expect(x.triedUnused).toBe(0);
      // and none would have been cheaper
      expect(x.unusedBest).toBeGreaterThanOrEqual(x.bestDelta);
    }
  });

  test('with no fixed cost, unused vehicles are still tried and taken when cheaper', () => {
    const { results } = reinsertions(0);
    expect(results.length).toBe(40);
    expect(results.some((x) => x.triedUnused > 0)).toBe(true);
    for (const x of results) expect(x.bestDelta).toBeLessThanOrEqual(x.unusedBest);
  });

  test.each(['fixedCost', 'costPerS', 'costPerM'] as const)(
    'a vehicle whose %s is negative or not finite is refused, as the bounds assume costs are never negative',
    (field) => {
      for (const bad of [-1, Number.NaN, Infinity]) {
        const problem = ruralDay(12, 30);
        problem.vehicles[1][field] = bad;
        expect(() => compile(problem, 'cost')).toThrow(
          `vehicle ${problem.vehicles[1].id}: ${field} must be a finite number ≥ 0, got ${bad}`,
        );
      }
    },
  );
});
