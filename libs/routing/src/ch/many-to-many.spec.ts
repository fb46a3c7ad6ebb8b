import { sourceSeeds, targetSeeds, ChRoadRouter } from '../ch-road-router';
import { graphBbox, type Weighting } from '../road-graph';
import { prepareProfile, type ProfileRoutingData } from '../routing-data';
import type { SnappedPoint } from '../snap';
import { generateRuralGraphs, seededRandom } from '../synthetic/rural-network';
import { VAN } from '../profiles';
import { ChQuery } from './ch-query';
import { ChManyToMany, type TableMethod } from './many-to-many';
import { packSeeds } from './packed-seeds';
import { Seeds } from './seeds';

const close = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('ChManyToMany: buckets and sweep', () => {
  let pd: ProfileRoutingData;
  let pts: SnappedPoint[];
  beforeAll(() => {
    const g = generateRuralGraphs({ seed: 11, targetNodes: 3000 }, [VAN]).van;
    pd = prepareProfile(g, { weightings: ['fastest', 'shortest'] });
    const router = new ChRoadRouter({ profiles: { van: pd } });
    const rnd = seededRandom(3);
    const [minLon, minLat, maxLon, maxLat] = graphBbox(g);
    pts = [];
    while (pts.length < 90) {
      const p: [number, number] = [minLon + rnd() * (maxLon - minLon), minLat + rnd() * (maxLat - minLat)];
      const s = router.snapSync([p], { maxDistanceM: 5000 })[0];
      if (s.ok) pts.push(s);
    }
  });

  it.each([
    ['buckets', 'fastest'],
    ['sweep', 'fastest'],
    ['buckets', 'shortest'],
    ['sweep', 'shortest'],
  ] as Array<[TableMethod, Weighting]>)(
    '%s (%s): every entry equals the point-to-point query',
    (method, w) => {
      const ch = pd.ch[w]!;
      const src = pts.slice(0, 40).map((p) => sourceSeeds(pd.graph, w, p));
      const tgt = pts.slice(40).map((p) => targetSeeds(pd.graph, w, p));
      const table = new ChManyToMany(ch);
      const outW = new Float64Array(src.length * tgt.length);
      const outAux = new Float64Array(src.length * tgt.length);
      table.compute(src, tgt, outW, outAux, method);
      const q = new ChQuery(ch);
      let reachable = 0;
      for (let i = 0; i < src.length; i++)
        for (let j = 0; j < tgt.length; j++) {
          const r = q.query(src[i], tgt[j]);
          const o = i * tgt.length + j;
          if (!close(outW[o], r.weight))
            throw new Error(`(${i},${j}) ${method} ${outW[o]} ≠ query ${r.weight}`);
          if (r.weight !== Infinity) reachable++;
        }
      expect(reachable).toBeGreaterThan(src.length * tgt.length * 0.9);
    },
  );

  it('row ranges of one prepared table fill the same rows as the whole table, and touch no others', () => {
    const ch = pd.ch.fastest!;
    const src = packSeeds(
      pts.slice(0, 30).map((p) => sourceSeeds(pd.graph, 'fastest', p)),
      ch.rank,
    );
    const tgt = packSeeds(
      pts.slice(30).map((p) => targetSeeds(pd.graph, 'fastest', p)),
      ch.rank,
    );
    for (const method of ['buckets', 'sweep'] as const) {
      const m = new ChManyToMany(ch);
      const table = m.prepare(tgt, method);
      const whole = new Float32Array(30 * 60);
      const wholeAux = new Float32Array(30 * 60);
      m.fillRows(table, src, 0, 30, whole, wholeAux);
      const parts = new Float32Array(30 * 60).fill(-1);
      const partsAux = new Float32Array(30 * 60).fill(-1);
      m.fillRows(table, src, 10, 20, parts, partsAux);
      expect(parts.subarray(0, 10 * 60).every((x) => x === -1)).toBe(true);
      expect(parts.subarray(20 * 60).every((x) => x === -1)).toBe(true);
      m.fillRows(table, src, 0, 10, parts, partsAux);
      m.fillRows(table, src, 20, 30, parts, partsAux);
      expect(parts).toEqual(whole);
      expect(partsAux).toEqual(wholeAux);
    }
  });

  it('picks the sweep when targets crowd a small graph, buckets for a few targets', () => {
    const ch = pd.ch.fastest!;
    const m = new ChManyToMany(ch);
    // four targets at every graph node: the closure is the whole (small) graph, the buckets are crowded
    const many = packSeeds(
      Array.from({ length: 4 * pd.graph.nodeCount }, (_, k) => Seeds.node(k % pd.graph.nodeCount)),
      ch.rank,
    );
    const one = packSeeds([targetSeeds(pd.graph, 'fastest', pts[0])], ch.rank);
    const rows = packSeeds(
      pts.map((p) => sourceSeeds(pd.graph, 'fastest', p)),
      ch.rank,
    );
    const crowded = m.chooseMethod(rows, many);
    expect(crowded).toMatchObject({ method: 'sweep' });
    expect(m.chooseMethod(rows, one).method).toBe('buckets');
  });
});
