import { sharedDataPath } from '@rd/testing/shared-data';
import { mulberry32 } from '../test-fixtures/random-graph';
import { ChRoadRouter } from './ch-road-router';
import { Seeds } from './ch/seeds';
import { BidirectionalDijkstra } from './dijkstra';
import { haversineM, type LonLat } from './geo';
import { buildRoadGraphs, importOsm } from './import-osm';
import { readOsmXml } from './osm/xml-reader';
import { VAN } from './profiles';
import { buildArcGraph, type RoadGraph } from './road-graph';
import { prepareRoutingData } from './routing-data';
import { turnIndex } from './turns';

/** A router over a small hand-written OSM file (van, fastest and shortest). */
function routerFor(xml: string): ChRoadRouter {
  const graphs = buildRoadGraphs(readOsmXml(xml, 'fixture'), [VAN]);
  return new ChRoadRouter(prepareRoutingData(graphs), { maxSnapDistanceM: 5000 });
}

const osm = (nodes: Array<[number, number, number]>, ways: string): string =>
  `<?xml version="1.0"?><osm version="0.6">${nodes
    .map(([id, lon, lat]) => `<node id="${id}" lon="${lon}" lat="${lat}"/>`)
    .join('')}${ways}</osm>`;
const way = (id: number, refs: number[], tags: Record<string, string>): string =>
  `<way id="${id}">${refs.map((r) => `<nd ref="${r}"/>`).join('')}${Object.entries(tags)
    .map(([k, v]) => `<tag k="${k}" v="${v}"/>`)
    .join('')}</way>`;

// The issue's four-node case: junction A, neighbour B 151.7 m north; a long one-way loop A → C → D → B.
const A: LonLat = [10, 50];
const B: LonLat = [10, 50.0013643];
const C: LonLat = [10.015557, 50];
const D: LonLat = [10.015557, 50.0013643];
const nodesABCD: Array<[number, number, number]> = [
  [1, ...A],
  [2, ...B],
  [3, ...C],
  [4, ...D],
];
const abM = haversineM(...A, ...B);

describe('points exactly on a junction node', () => {
  it('start on a junction where the first-indexed edge is one-way away from it (the issue: 2,375.5 m → 151.7 m)', () => {
    // way 10 (lowest edge id, picked on a tie) leaves A one-way towards C
    const router = routerFor(
      osm(
        nodesABCD,
        way(10, [1, 3], { highway: 'residential', oneway: 'yes' }) +
          way(11, [3, 4], { highway: 'residential' }) +
          way(12, [4, 2], { highway: 'residential' }) +
          way(13, [1, 2], { highway: 'residential' }),
      ),
    );
    expect(abM).toBeCloseTo(151.7, 1);
    for (const weighting of ['fastest', 'shortest'] as const) {
      const r = router.routeSync(A, B, { weighting });
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.distanceM).toBeCloseTo(abM, 3);
      const m = router.matrixSync([A], [B], { weighting });
      expect(m.distancesM[0]).toBeCloseTo(abM, 3);
    }
    // one centimetre off the node gives the same answer (it did before the fix, too)
    const r1 = router.routeSync([A[0], A[1] + 1e-7], B);
    expect(r1.ok && Math.abs(r1.distanceM - abM) < 0.02).toBe(true);
  });

  it('end on a junction where the first-indexed edge is one-way into it', () => {
    // way 10 arrives at A one-way from C
    const router = routerFor(
      osm(
        nodesABCD,
        way(10, [3, 1], { highway: 'residential', oneway: 'yes' }) +
          way(11, [3, 4], { highway: 'residential' }) +
          way(12, [4, 2], { highway: 'residential' }) +
          way(13, [1, 2], { highway: 'residential' }),
      ),
    );
    const r = router.routeSync(B, A);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.distanceM).toBeCloseTo(abM, 3);
      const c = r.geometry?.coordinates ?? [];
      expect(c[c.length - 1]).toEqual(A);
    }
    const m = router.matrixSync([B, A], [A, B]);
    expect(m.distancesM[0]).toBeCloseTo(abM, 3); // B → A
    expect(m.distancesM[1 * 2 + 0]).toBe(0); // A → A
    expect(m.distancesM[1 * 2 + 1]).toBeCloseTo(abM, 3); // A → B
  });

  it('roundabout: entering and leaving at the node where the approach road joins', () => {
    // ring R0 → R1 → R2 → R3 → R0 (~300 m round), approach X–R0 and Y–R2
    const nodes: Array<[number, number, number]> = [
      [1, 10, 50], // R0 (south)
      [2, 10.001, 50.0007], // R1 (east)
      [3, 10, 50.0014], // R2 (north)
      [4, 9.999, 50.0007], // R3 (west)
      [5, 10, 49.998], // X, south of R0
      [6, 10, 50.004], // Y, north of R2
    ];
    const router = routerFor(
      osm(
        nodes,
        way(10, [1, 2, 3, 4, 1], { highway: 'primary', junction: 'roundabout' }) +
          way(11, [5, 1], { highway: 'primary' }) +
          way(12, [3, 6], { highway: 'primary' }),
      ),
    );
    const R0: LonLat = [10, 50];
    const X: LonLat = [10, 49.998];
    const xr0 = haversineM(...X, ...R0);
    const out = router.routeSync(R0, X);
    const inn = router.routeSync(X, R0);
    expect(out.ok && inn.ok).toBe(true);
    if (out.ok) expect(out.distanceM).toBeCloseTo(xr0, 3);
    if (inn.ok) expect(inn.distanceM).toBeCloseTo(xr0, 3);
    const m = router.matrixSync([R0, X], [X, R0]);
    expect(m.distancesM[0]).toBeCloseTo(xr0, 3);
    expect(m.distancesM[3]).toBeCloseTo(xr0, 3);
    expect(m.distancesM[1]).toBe(0);
  });

  it('dead end: from and to the last node of a cul-de-sac', () => {
    const router = routerFor(
      osm(
        [...nodesABCD, [5, 10.002, 50.0005]],
        way(10, [1, 3], { highway: 'residential', oneway: 'yes' }) +
          way(11, [3, 4], { highway: 'residential' }) +
          way(12, [4, 2], { highway: 'residential' }) +
          way(13, [1, 2], { highway: 'residential' }) +
          way(14, [5, 1], { highway: 'residential' }),
      ),
    );
    const E: LonLat = [10.002, 50.0005];
    const eb = haversineM(...E, ...A) + abM;
    const there = router.routeSync(E, B);
    const back = router.routeSync(B, E);
    expect(there.ok && back.ok).toBe(true);
    if (there.ok) expect(there.distanceM).toBeCloseTo(eb, 3);
    if (back.ok) expect(back.distanceM).toBeCloseTo(eb, 3);
  });
});

/** Node-to-node oracle: Dijkstra from the node (cost 0) to the node or any turn-restriction copy of it. */
function nodeSeeds(g: RoadGraph, node: number, asTarget: boolean): Seeds {
  const s = Seeds.node(node);
  if (asTarget && g.turnViaNode) {
    for (let c = 0; c < g.turnViaNode.length; c++)
      if (g.turnViaNode[c] === node) s.add(g.nodeCount + c, 0, 0);
  }
  return s;
}

describe.each(['andorra-2025-01.osm.pbf', 'liechtenstein-2015.osm.pbf'])(
  'node-to-node routes on %s equal Dijkstra between the nodes',
  (file) => {
    it('van fastest, 600 random node pairs by coordinates, route and matrix', () => {
      const { graphs } = importOsm(sharedDataPath('osm', file), { profiles: ['van'] });
      const data = prepareRoutingData(graphs, { weightings: ['fastest'] });
      const pd = data.profiles.van;
      const g = pd.graph;
      turnIndex(g);
      const router = new ChRoadRouter(data);
      const dj = new BidirectionalDijkstra(buildArcGraph(g, 'fastest'));
      const main: number[] = [];
      for (let v = 0; v < g.nodeCount; v++) if (pd.inMain[v]) main.push(v);
      const rnd = mulberry32(17);
      const pick = (): number => main[Math.floor(rnd() * main.length)];
      const at = (v: number): LonLat => [g.nodeLon[v], g.nodeLat[v]];
      let wrong = 0;
      const from: number[] = [];
      const to: number[] = [];
      for (let i = 0; i < 600; i++) {
        const a = pick();
        const b = pick();
        from.push(a);
        to.push(b);
        const expected = dj.query(nodeSeeds(g, a, false), nodeSeeds(g, b, true)).weight;
        const r = router.routeSync(at(a), at(b), { geometry: false });
        if (!r.ok || Math.abs(r.durationS - expected) > 1e-6 * Math.max(1, expected)) wrong++;
      }
      expect(wrong).toBe(0);
      // the matrix agrees with the same oracle on a 30 × 30 block
      const m = router.matrixSync(from.slice(0, 30).map(at), to.slice(0, 30).map(at));
      for (let i = 0; i < 30; i++)
        for (let j = 0; j < 30; j++) {
          const expected = dj.query(nodeSeeds(g, from[i], false), nodeSeeds(g, to[j], true)).weight;
          const got = m.durationsS[i * 30 + j];
          if (Math.abs(got - expected) > 1e-6 * Math.max(1, expected)) wrong++;
        }
      expect(wrong).toBe(0);
      // the 32-bit matrix is the same table, rounded to float32
      const m32 = router.matrix32Sync(from.slice(0, 30).map(at), to.slice(0, 30).map(at));
      expect(m32.durationsS).toBeInstanceOf(Float32Array);
      for (let k = 0; k < 900; k++) {
        expect(m32.durationsS[k]).toBe(Math.fround(m.durationsS[k]));
        expect(m32.distancesM[k]).toBe(Math.fround(m.distancesM[k]));
      }
    });
  },
);

describe('failed snaps passed back in', () => {
  it('matrixSync and routeSync give that point its own error, as values', () => {
    const router = routerFor(
      osm(
        nodesABCD,
        way(10, [1, 3], { highway: 'residential', oneway: 'yes' }) +
          way(11, [3, 4], { highway: 'residential' }) +
          way(12, [4, 2], { highway: 'residential' }) +
          way(13, [1, 2], { highway: 'residential' }),
      ),
    );
    const [bad, good] = router.snapSync([[NaN, 50], A]);
    expect(bad.ok).toBe(false);
    const m = router.matrixSync([bad, good], [good, bad]);
    expect(m.sources[0]).toEqual(bad);
    expect(m.targets[1]).toEqual(bad);
    expect(Array.from(m.durationsS)).toEqual([Infinity, Infinity, 0, Infinity]);
    const r = router.routeSync(good, bad);
    expect(r).toMatchObject({ ok: false, reason: 'snap-failed', to: bad });
  });
});
