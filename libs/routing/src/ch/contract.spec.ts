import { sharedDataPath } from '@rd/testing/shared-data';
import { bellmanFord, mulberry32, pathWeight, randomRoadGraph } from '../../test-fixtures/random-graph';
import { BidirectionalDijkstra } from '../dijkstra';
import { importOsm } from '../import-osm';
import { buildArcGraph, type RoadGraph, type Weighting } from '../road-graph';
import { ChQuery } from './ch-query';
import { contract } from './contract';
import { Seeds } from './seeds';

const close = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('Dijkstra and CH against Bellman-Ford on small random graphs', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    for (const weighting of ['fastest', 'shortest'] as Weighting[]) {
      it(`seed ${seed}, ${weighting}`, () => {
        const g = randomRoadGraph(60, 110, seed);
        const dj = new BidirectionalDijkstra(buildArcGraph(g, weighting));
        const ch = new ChQuery(contract(g, weighting, { witnessSettleLimit: 5, simulateSettleLimit: 3 }));
        for (let s = 0; s < g.nodeCount; s++) {
          const oracle = bellmanFord(g, weighting, s);
          for (let t = 0; t < g.nodeCount; t++) {
            const a = dj.query(Seeds.node(s), Seeds.node(t)).weight;
            const b = ch.query(Seeds.node(s), Seeds.node(t)).weight;
            expect(close(a, oracle[t])).toBe(true);
            expect(close(b, oracle[t])).toBe(true);
          }
        }
      });
    }
  }
});

/** A k×k grid of equal two-way streets: ties everywhere (equal-length detours around every block). */
function gridGraph(k: number): RoadGraph {
  const g = randomRoadGraph(k * k, 2 * k * (k - 1), 1);
  let e = 0;
  const edge = (a: number, b: number) => {
    g.edgeFrom[e] = a;
    g.edgeTo[e] = b;
    g.edgeLengthM[e] = 100;
    g.edgeDurationFwdS[e] = 10;
    g.edgeDurationBwdS[e] = 10;
    e++;
  };
  for (let r = 0; r < k; r++)
    for (let c = 0; c < k; c++) {
      g.nodeLon[r * k + c] = 10 + c * 0.001;
      g.nodeLat[r * k + c] = 50 + r * 0.001;
      if (c + 1 < k) edge(r * k + c, r * k + c + 1);
      if (r + 1 < k) edge(r * k + c, (r + 1) * k + c);
    }
  return g;
}

describe('contraction rounds', () => {
  it.each([1, 2] as const)(
    'with %i-hop rounds: exact against Bellman-Ford, every upward arc to a higher rank',
    (independence) => {
      for (const seed of [6, 7, 8]) {
        const g = randomRoadGraph(80, 150, seed);
        const ch = contract(g, 'fastest', { independence, witnessSettleLimit: 8 });
        for (let r = 0; r < ch.nodeCount; r++) {
          for (let i = ch.upFirst[r]; i < ch.upFirst[r + 1]; i++) expect(ch.upTarget[i]).toBeGreaterThan(r);
          for (let i = ch.downFirst[r]; i < ch.downFirst[r + 1]; i++)
            expect(ch.downSource[i]).toBeGreaterThan(r);
        }
        const q = new ChQuery(ch);
        for (let s = 0; s < g.nodeCount; s += 3) {
          const oracle = bellmanFord(g, 'fastest', s);
          for (let t = 0; t < g.nodeCount; t++)
            if (!close(q.query(Seeds.node(s), Seeds.node(t)).weight, oracle[t]))
              throw new Error(`seed ${seed}: ${s}→${t} differs from Bellman-Ford`);
        }
      }
    },
  );

  it.each([1, 2] as const)(
    'with %i-hop rounds on a grid of equal streets: witness paths avoid the whole round',
    (independence) => {
      // a round's nodes share neighbours here (one-hop rounds): equal detours through another node
      // of the same round must not count as witnesses, or both drop the shortcut
      const g = gridGraph(12);
      const q = new ChQuery(contract(g, 'fastest', { independence }));
      for (let s = 0; s < g.nodeCount; s++) {
        const oracle = bellmanFord(g, 'fastest', s);
        for (let t = 0; t < g.nodeCount; t++)
          if (!close(q.query(Seeds.node(s), Seeds.node(t)).weight, oracle[t]))
            throw new Error(`${s}→${t} differs from Bellman-Ford`);
      }
    },
  );
});

const extracts = [
  'andorra-2025-01.osm.pbf',
  'liechtenstein-2015.osm.pbf',
  'north-bayreuth-2014.osm.gz',
  'beatty-nv-2019.osm',
];

describe.each(extracts)('CH equals bidirectional Dijkstra on %s', (file) => {
  let graphs: Record<string, RoadGraph>;
  beforeAll(() => {
    graphs = importOsm(sharedDataPath('osm', file)).graphs;
  });

  it.each([
    ['van', 'fastest'],
    ['van', 'shortest'],
    ['motorbike', 'fastest'],
  ] as Array<[string, Weighting]>)('%s %s: 2,000 seeded random pairs', (profile, weighting) => {
    const g = graphs[profile];
    const ch = new ChQuery(contract(g, weighting));
    const dj = new BidirectionalDijkstra(buildArcGraph(g, weighting));
    const rnd = mulberry32(42);
    let unreachable = 0;
    for (let i = 0; i < 2000; i++) {
      const s = Math.floor(rnd() * g.nodeCount);
      const t = Math.floor(rnd() * g.nodeCount);
      const withPath = i % 10 === 0;
      const a = ch.query(Seeds.node(s), Seeds.node(t), withPath);
      const b = dj.query(Seeds.node(s), Seeds.node(t), withPath);
      if (!close(a.weight, b.weight))
        throw new Error(`pair ${s}→${t}: CH ${a.weight} ≠ Dijkstra ${b.weight}`);
      if (a.weight === Infinity) unreachable++;
      else if (withPath) {
        expect(close(pathWeight(g, weighting, a.edgeDirs, s, t), a.weight)).toBe(true);
        expect(close(pathWeight(g, weighting, b.edgeDirs, s, t), b.weight)).toBe(true);
      }
    }
    expect(unreachable).toBeLessThan(2000);
  });
});

describe('renumbering for locality (level, then Hilbert order)', () => {
  it('answers exactly as contraction order, paths included, with rank and order inverse', () => {
    const g = randomRoadGraph(300, 600, 11);
    const plain = contract(g, 'fastest');
    const renumbered = contract(g, 'fastest', { renumber: true });
    for (let v = 0; v < renumbered.nodeCount; v++) expect(renumbered.order[renumbered.rank[v]]).toBe(v);
    expect(Array.from(renumbered.rank)).not.toEqual(Array.from(plain.rank));
    const a = new ChQuery(plain);
    const b = new ChQuery(renumbered);
    const rnd = mulberry32(5);
    for (let i = 0; i < 500; i++) {
      const s = Math.floor(rnd() * g.nodeCount);
      const t = Math.floor(rnd() * g.nodeCount);
      const ra = a.query(Seeds.node(s), Seeds.node(t), true);
      const rb = b.query(Seeds.node(s), Seeds.node(t), true);
      expect(rb.weight).toBe(ra.weight);
      if (rb.weight !== Infinity)
        expect(pathWeight(g, 'fastest', rb.edgeDirs, s, t)).toBeCloseTo(rb.weight, 6);
    }
  });
});

describe('contracting in a given order (a vehicle size reusing its profile hierarchy)', () => {
  it('is exact on a graph with a fifth of its edges closed, in the order of the full graph', () => {
    for (const seed of [21, 22, 23]) {
      const g = randomRoadGraph(80, 160, seed);
      const full = contract(g, 'fastest', { witnessSettleLimit: 5, simulateSettleLimit: 3 });
      // the same nodes with some roads closed, as a taller vehicle sees them
      const rnd = mulberry32(seed);
      const fwd = g.edgeDurationFwdS.slice();
      const bwd = g.edgeDurationBwdS.slice();
      for (let e = 0; e < g.edgeCount; e++) if (rnd() < 0.2) fwd[e] = bwd[e] = Infinity;
      const closed: RoadGraph = { ...g, edgeDurationFwdS: fwd, edgeDurationBwdS: bwd };
      const reordered = contract(closed, 'fastest', { order: full.order, witnessSettleLimit: 5 });
      // contracted in exactly that order
      for (let r = 0; r < reordered.nodeCount; r++) expect(reordered.rank[full.order[r]]).toBe(r);
      const q = new ChQuery(reordered);
      for (let s = 0; s < closed.nodeCount; s++) {
        const oracle = bellmanFord(closed, 'fastest', s);
        for (let t = 0; t < closed.nodeCount; t++)
          expect(close(q.query(Seeds.node(s), Seeds.node(t)).weight, oracle[t])).toBe(true);
      }
    }
  });
});
