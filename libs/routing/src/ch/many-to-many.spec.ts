import { sourceSeeds, targetSeeds, ChRoadRouter } from '../ch-road-router';
import { graphBbox, type Weighting } from '../road-graph';
import { prepareProfile, type ProfileRoutingData } from '../routing-data';
import type { SnappedPoint } from '../snap';
import { generateRuralGraphs, seededRandom } from '../synthetic/rural-network';
import { VAN } from '../profiles';
import { ChQuery } from './ch-query';
import { buildCoreTable } from './core-table';
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

  it.each([
    [1, 'fastest'],
    [40, 'fastest'],
    [400, 'shortest'],
    [0, 'fastest'],
  ] as Array<[number, Weighting]>)(
    'through a core table of %s nodes (%s; 0: all): every entry equals the table without, in 64 and 32 bits',
    (size, w) => {
      const ch = pd.ch[w]!;
      const core = buildCoreTable(ch, size || ch.nodeCount);
      const src = pts.slice(0, 40).map((p) => sourceSeeds(pd.graph, w, p));
      const tgt = pts.slice(30).map((p) => targetSeeds(pd.graph, w, p));
      // a source with no seeds (a failed point) and one with two
      src.push(new Seeds());
      const two = new Seeds();
      two.add(pd.ch[w]!.order[5], 0, 0);
      two.add(pd.ch[w]!.order[ch.nodeCount - 1], 30, 40);
      src.push(two);
      const n = src.length * tgt.length;
      const plainW = new Float64Array(n);
      const plainAux = new Float64Array(n);
      new ChManyToMany(ch).compute(src, tgt, plainW, plainAux, 'buckets');
      const engine = new ChManyToMany(ch, { core });
      expect(engine.chooseMethod(packSeeds(src, ch.rank), packSeeds(tgt, ch.rank)).method).toBe('buckets');
      const coreW = new Float64Array(n);
      const coreAux = new Float64Array(n);
      engine.compute(src, tgt, coreW, coreAux);
      const w32 = new Float32Array(n);
      const aux32 = new Float32Array(n);
      engine.compute(src, tgt, w32, aux32);
      for (let o = 0; o < n; o++) {
        if (!close(coreW[o], plainW[o])) throw new Error(`entry ${o}: ${coreW[o]} ≠ ${plainW[o]}`);
        if (plainW[o] === Infinity) continue;
        expect(Math.abs(coreAux[o] - plainAux[o])).toBeLessThanOrEqual(1e-6 * Math.max(1, plainAux[o]));
        expect(Math.abs(w32[o] - plainW[o])).toBeLessThanOrEqual(1e-6 * Math.max(1, plainW[o]));
      }
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

  describe('batched sweep (several rows per pass over the closure)', () => {
    // rows that do not fill whole batches, a failed point (no seeds), nodes off the main component
    // (unreachable pairs), a point seeded at two nodes of different edges
    const mixedSeeds = (w: Weighting, from: number, count: number, side: 'source' | 'target'): Seeds[] => {
      const seeds = pts
        .slice(from, from + count)
        .map((p) => (side === 'source' ? sourceSeeds(pd.graph, w, p) : targetSeeds(pd.graph, w, p)));
      const off: number[] = [];
      for (let v = 0; v < pd.graph.nodeCount && off.length < 3; v++) if (pd.inMain[v] === 0) off.push(v);
      const two = new Seeds();
      two.add(3, 5, 50);
      two.add(pd.graph.nodeCount - 4, 9, 90);
      return [...seeds.slice(0, 5), new Seeds(), ...off.map((v) => Seeds.node(v)), two, ...seeds.slice(5)];
    };

    it('finds nodes off the main component to make unreachable pairs', () => {
      expect(Array.from(pd.inMain).filter((x) => x === 0).length).toBeGreaterThanOrEqual(3);
    });

    it.each([
      [16, 'fastest'],
      [4, 'fastest'],
      [5, 'shortest'],
      [16, 'shortest'],
    ] as Array<[number, Weighting]>)(
      '%d rows per pass (%s): every entry equals the point-to-point query, unreachable pairs stay Infinity',
      (lanes, w) => {
        const ch = pd.ch[w]!;
        const src = mixedSeeds(w, 0, 34, 'source');
        const tgt = mixedSeeds(w, 40, 45, 'target');
        const table = new ChManyToMany(ch, { sweepLanes: lanes });
        const outW = new Float64Array(src.length * tgt.length);
        const outAux = new Float64Array(src.length * tgt.length);
        table.compute(src, tgt, outW, outAux, 'sweep');
        const q = new ChQuery(ch);
        let unreachable = 0;
        for (let i = 0; i < src.length; i++)
          for (let j = 0; j < tgt.length; j++) {
            const r = q.query(src[i], tgt[j]);
            const o = i * tgt.length + j;
            if (!close(outW[o], r.weight))
              throw new Error(`(${i},${j}) ${lanes} lanes ${outW[o]} ≠ query ${r.weight}`);
            if (r.weight === Infinity) {
              unreachable++;
              expect(outAux[o]).toBe(Infinity);
            } else expect(Number.isFinite(outAux[o])).toBe(true);
          }
        // the failed point's row and column at least, and the off-component nodes
        expect(unreachable).toBeGreaterThan(src.length + tgt.length);
        expect(src.length % lanes).not.toBe(0);
      },
    );

    it.each(['fastest', 'shortest'] as Weighting[])(
      '(%s) gives the one-row sweep to the bit at any batch size, 64- and 32-bit',
      (w) => {
        const ch = pd.ch[w]!;
        const src = packSeeds(mixedSeeds(w, 0, 37, 'source'), ch.rank);
        const tgt = packSeeds(mixedSeeds(w, 40, 50, 'target'), ch.rank);
        const n = src.count * tgt.count;
        const fill = (
          lanes: number,
          bits: 32 | 64,
        ): [Float64Array | Float32Array, Float64Array | Float32Array] => {
          const m = new ChManyToMany(ch, { sweepLanes: lanes });
          const outW = bits === 32 ? new Float32Array(n) : new Float64Array(n);
          const outAux = bits === 32 ? new Float32Array(n) : new Float64Array(n);
          m.fillRows(m.prepare(tgt, 'sweep'), src, 0, src.count, outW, outAux);
          return [outW, outAux];
        };
        const [oneW, oneAux] = fill(1, 64);
        expect(oneW.some((x) => x === Infinity) && oneW.some((x) => x > 0 && x < Infinity)).toBe(true);
        for (const lanes of [2, 5, 8, 16, 64]) {
          const [w64, aux64] = fill(lanes, 64);
          expect(w64).toEqual(oneW);
          expect(aux64).toEqual(oneAux);
          const [w32, aux32] = fill(lanes, 32);
          expect(w32).toEqual(Float32Array.from(oneW));
          expect(aux32).toEqual(Float32Array.from(oneAux));
        }
      },
    );

    it('row ranges that split batches fill the same rows as the whole table, and touch no others', () => {
      const ch = pd.ch.fastest!;
      const src = packSeeds(mixedSeeds('fastest', 0, 33, 'source'), ch.rank);
      const tgt = packSeeds(mixedSeeds('fastest', 40, 30, 'target'), ch.rank);
      const rows = src.count;
      const cols = tgt.count;
      const m = new ChManyToMany(ch, { sweepLanes: 8 });
      const table = m.prepare(tgt, 'sweep');
      const whole = new Float64Array(rows * cols);
      const wholeAux = new Float64Array(rows * cols);
      m.fillRows(table, src, 0, rows, whole, wholeAux);
      const parts = new Float64Array(rows * cols).fill(-1);
      const partsAux = new Float64Array(rows * cols).fill(-1);
      m.fillRows(table, src, 5, 18, parts, partsAux);
      expect(parts.subarray(0, 5 * cols).every((x) => x === -1)).toBe(true);
      expect(parts.subarray(18 * cols).every((x) => x === -1)).toBe(true);
      for (const [from, to] of [
        [0, 5],
        [18, 19],
        [19, rows],
      ])
        m.fillRows(table, src, from, to, parts, partsAux);
      expect(parts).toEqual(whole);
      expect(partsAux).toEqual(wholeAux);
    });
  });

  it('counts a batched sweep cheaper per row than a one-row sweep', () => {
    const ch = pd.ch.fastest!;
    const rows = packSeeds(
      pts.map((p) => sourceSeeds(pd.graph, 'fastest', p)),
      ch.rank,
    );
    // targets at every fourth node: a closure about as large as the buckets a row scans
    const spread = packSeeds(
      Array.from({ length: Math.floor(pd.graph.nodeCount / 4) }, (_, k) => Seeds.node(4 * k)),
      ch.rank,
    );
    const one = new ChManyToMany(ch, { sweepLanes: 1 }).chooseMethod(rows, spread);
    const batched = new ChManyToMany(ch, { sweepLanes: 16 }).chooseMethod(rows, spread);
    expect(batched.sweepArcs).toBe(one.sweepArcs);
    expect(batched.bucketEntriesPerRow).toBeCloseTo(one.bucketEntriesPerRow);
    // the same estimate of both tables, and the batched sweep's cost (per closure arc or node) is lower
    expect(batched.sweepCostPerRow).toBeLessThan(one.sweepCostPerRow);
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
