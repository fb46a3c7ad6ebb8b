import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

describe('restrictions left out are counted', () => {
  it('via-way and time-conditional-only restrictions are counted, not applied; a plain one with a conditional part applies', () => {
    const xml = `<?xml version="1.0"?><osm version="0.6">
      <node id="1" lon="10" lat="50"/><node id="2" lon="10.001" lat="50"/><node id="3" lon="10.002" lat="50"/>
      <node id="4" lon="10.001" lat="50.001"/>
      <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
      <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
      <way id="12"><nd ref="2"/><nd ref="4"/><tag k="highway" v="residential"/></way>
      <relation id="1"><member type="way" ref="10" role="from"/><member type="way" ref="11" role="via"/>
        <member type="way" ref="12" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_left_turn"/></relation>
      <relation id="2"><member type="way" ref="10" role="from"/><member type="node" ref="2" role="via"/>
        <member type="way" ref="12" role="to"/><tag k="type" v="restriction"/>
        <tag k="restriction:conditional" v="no_left_turn @ (Mo-Fr 07:00-09:00)"/></relation>
      <relation id="3"><member type="way" ref="10" role="from"/><member type="node" ref="2" role="via"/>
        <member type="way" ref="11" role="to"/><tag k="type" v="restriction"/><tag k="restriction" v="no_straight_on"/>
        <tag k="restriction:conditional" v="none @ (Sa,Su)"/></relation>
    </osm>`;
    const dir = mkdtempSync(join(tmpdir(), 'rd-turns-'));
    const file = join(dir, 'r.osm');
    writeFileSync(file, xml);
    const { graphs, stats } = importOsm(file, { profiles: ['van'] });
    expect(stats.skippedRestrictions).toEqual({ viaWay: 1, conditionalOnly: 1 });
    // only relation 3 (plain no_straight_on) became a rule: one via copy
    expect(graphs.van.turnViaNode?.length).toBe(1);
  });
});
