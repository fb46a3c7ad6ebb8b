import { sharedDataPath } from '@rd/testing/shared-data';
import { bellmanFord, mulberry32, pathWeight, randomRoadGraph } from '../../test-fixtures/random-graph';
import { ChRoadRouter } from '../ch-road-router';
import { importOsm } from '../import-osm';
import type { Weighting } from '../road-graph';
import { prepareRoutingData } from '../routing-data';
import { ChQuery } from './ch-query';
import { contract } from './contract';
import { buildCoreTable, defaultCoreSize } from './core-table';
import { Seeds } from './seeds';

const close = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
/** The table keeps second figures in 32 bits. */
const closeAux = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

describe('CH query through a core table', () => {
  for (const [seed, weighting] of [
    [1, 'fastest'],
    [1, 'shortest'],
    [2, 'fastest'],
    [2, 'shortest'],
  ] as Array<[number, Weighting]>) {
    it(`every pair of a random graph (seed ${seed}, ${weighting}) against Bellman-Ford, for cores of 1, 6, 25 and all nodes`, () => {
      const g = randomRoadGraph(70, 130, seed);
      const ch = contract(g, weighting, { witnessSettleLimit: 5, simulateSettleLimit: 3 });
      const plain = new ChQuery(ch);
      let throughCore = 0;
      for (const size of [1, 6, 25, ch.nodeCount]) {
        const q = new ChQuery(ch, buildCoreTable(ch, size));
        for (let s = 0; s < g.nodeCount; s++) {
          const oracle = bellmanFord(g, weighting, s);
          for (let t = 0; t < g.nodeCount; t++) {
            const r = q.query(Seeds.node(s), Seeds.node(t), true);
            if (!close(r.weight, oracle[t]))
              throw new Error(`core ${size}, ${s}→${t}: ${r.weight} ≠ ${oracle[t]}`);
            if (r.weight === Infinity) continue;
            // plain checks, not expect(): tens of thousands of pairs
            if (!closeAux(r.aux, plain.query(Seeds.node(s), Seeds.node(t)).aux))
              throw new Error(`core ${size}, ${s}→${t}: second figure ${r.aux}`);
            if (!close(pathWeight(g, weighting, r.edgeDirs, s, t), r.weight))
              throw new Error(`core ${size}, ${s}→${t}: the path does not add up to ${r.weight}`);
            if (q.lastCorePairs > 0) throughCore++;
          }
        }
      }
      // the core was used, not bypassed
      expect(throughCore).toBeGreaterThan(g.nodeCount);
    });
  }

  it('finds the best of several seeds a side (points mid-edge) and their seed nodes', () => {
    const g = randomRoadGraph(120, 240, 9);
    const ch = contract(g, 'fastest');
    const plain = new ChQuery(ch);
    const q = new ChQuery(ch, buildCoreTable(ch, 30));
    const rnd = mulberry32(3);
    for (let i = 0; i < 400; i++) {
      const src = new Seeds();
      const tgt = new Seeds();
      for (let k = 0; k < 2; k++) {
        src.add(Math.floor(rnd() * g.nodeCount), rnd() * 50, rnd() * 500);
        tgt.add(Math.floor(rnd() * g.nodeCount), rnd() * 50, rnd() * 500);
      }
      const a = plain.query(src, tgt, true);
      const b = q.query(src, tgt, true);
      expect(close(b.weight, a.weight)).toBe(true);
      if (a.weight === Infinity) continue;
      expect(closeAux(b.aux, a.aux)).toBe(true);
      const seedCost = (seeds: Seeds, node: number): number => seeds.weights[seeds.nodes.indexOf(node)];
      expect(
        close(
          seedCost(src, b.sourceNode) +
            pathWeight(g, 'fastest', b.edgeDirs, b.sourceNode, b.targetNode) +
            seedCost(tgt, b.targetNode),
          b.weight,
        ),
      ).toBe(true);
    }
  });

  it('refuses a hierarchy whose core would not be closed upward', () => {
    const ch = contract(randomRoadGraph(40, 80, 4), 'fastest');
    const top = ch.nodeCount - 1;
    const x = Array.from({ length: ch.nodeCount }, (_, v) => v).find(
      (v) => v >= top - 5 && ch.upFirst[v + 1] > ch.upFirst[v],
    ) as number;
    const upTarget = ch.upTarget.slice();
    upTarget[ch.upFirst[x]] = 0;
    expect(() => buildCoreTable({ ...ch, upTarget }, 6)).toThrow(/numbered by rank/);
  });

  it('sizes the core by the graph: none for a county, a few thousand nodes for a province', () => {
    expect(defaultCoreSize(50_000)).toBe(0);
    expect(defaultCoreSize(1_000_000)).toBeGreaterThan(1000);
    expect(defaultCoreSize(5_000_000)).toBeGreaterThan(defaultCoreSize(1_000_000));
    expect(defaultCoreSize(500_000_000)).toBeLessThanOrEqual(6144);
  });

  it('routes on Andorra (turn restrictions included) exactly as without a core', () => {
    const { van } = importOsm(sharedDataPath('osm', 'andorra-2025-01.osm.pbf'), { profiles: ['van'] }).graphs;
    const data = prepareRoutingData({ van }, { weightings: ['fastest'] });
    const plain = new ChRoadRouter(data, { coreSize: 0 });
    const cored = new ChRoadRouter(data, { coreSize: 1500 });
    const rnd = mulberry32(77);
    // points beside the roads: a shape point of a random edge, moved a little
    const nearRoad = (): [number, number] => {
      const p = van.edgeGeomFirst[Math.floor(rnd() * van.edgeCount)];
      return [van.geomLon[p] + (rnd() - 0.5) * 0.002, van.geomLat[p] + (rnd() - 0.5) * 0.002];
    };
    let routed = 0;
    for (let i = 0; i < 300; i++) {
      const from = nearRoad();
      const to = nearRoad();
      const a = plain.routeSync(from, to, { profile: 'van', geometry: true });
      const b = cored.routeSync(from, to, { profile: 'van', geometry: true });
      expect(b.ok).toBe(a.ok);
      if (!a.ok || !b.ok) continue;
      routed++;
      expect(b.durationS).toBeCloseTo(a.durationS, 6);
      expect(closeAux(b.distanceM, a.distanceM)).toBe(true);
      expect(b.geometry?.coordinates).toEqual(a.geometry?.coordinates);
    }
    expect(routed).toBeGreaterThan(250);
  });
});
