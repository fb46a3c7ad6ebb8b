import { join } from 'node:path';
import { ChRoadRouter } from './ch-road-router';
import { importOsm } from './import-osm';
import { prepareRoutingData } from './routing-data';
import { applyTurnRules } from './turns';

const fixture = join(__dirname, '..', 'test-fixtures', 'tiny-village.osm.xml');

describe('turn restrictions', () => {
  it('compiles no_left_turn for both profiles and the motorcycle-only no_u_turn for the motorbike only', () => {
    const { graphs } = importOsm(fixture);
    expect(graphs.van.turnViaNode?.length).toBe(1);
    expect(graphs.motorbike.turnViaNode?.length).toBe(2);
  });

  it('a van coming along way 100 may not turn left into 101 at node 2: it turns round at 8 instead', () => {
    const { graphs } = importOsm(fixture, { profiles: ['van'] });
    const restricted = new ChRoadRouter(prepareRoutingData(graphs));
    const free = { ...graphs.van };
    delete free.turnViaNode;
    delete free.turnFromEdgeDir;
    delete free.turnExitFirst;
    delete free.turnExitEdgeDir;
    const unrestricted = new ChRoadRouter(prepareRoutingData({ van: free }));
    const from: [number, number] = [10.004, 50.0001]; // on way 100, between 1 and 2
    const to: [number, number] = [10.0101, 50.003]; // on oneway 101, between 2 and 3
    const a = restricted.routeSync(from, to);
    const b = unrestricted.routeSync(from, to);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(b.distanceM).toBeLessThan(800);
    // the detour: 2 → 8 and back along the primary (≈ 2 × 900 m)
    expect(a.distanceM - b.distanceM).toBeGreaterThan(1400);
    const maxLon = Math.max(...(a.geometry?.coordinates ?? []).map((c) => c[0]));
    expect(maxLon).toBeCloseTo(10.02, 6);
    // leaving node 2 the other way is unaffected
    const back = restricted.routeSync(to, from);
    const backFree = unrestricted.routeSync(to, from);
    expect(back.ok && backFree.ok && back.durationS === backFree.durationS).toBe(true);
    // and matrices agree with routes under restrictions
    const m = restricted.matrixSync([from, to], [from, to]);
    expect(m.durationsS[1]).toBeCloseTo(a.durationS, 9);
  });

  it('rules that forbid nothing add no copy', () => {
    const { graphs } = importOsm(fixture, { profiles: ['van'] });
    const g = { ...graphs.van };
    delete g.turnViaNode;
    applyTurnRules(g, [{ via: g.edgeTo[0], fromEdgeDir: 0, kind: 'no', exits: [] }]);
    expect(g.turnViaNode).toBeUndefined();
  });
});
