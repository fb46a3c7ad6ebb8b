import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChRoadRouter,
  generateRuralGraphs,
  graphBbox,
  prepareProfile,
  seededRandom,
  VAN,
  type LonLat,
  type Weighting,
} from '@rd/routing';
import { bundleWorker } from '../test-fixtures/bundle-worker';
import { asyncRoadRouter } from './create-road-router';
import { MatrixThreads } from './matrix-threads';

describe('MatrixThreads: matrices over worker threads', () => {
  let dir: string;
  let workerPath: string;
  let router: ChRoadRouter;
  let points: LonLat[];
  let threads: MatrixThreads;

  beforeAll(() => {
    // the worker as `npm run build` would compile it (one bundled file here, so no build is needed)
    dir = mkdtempSync(join(tmpdir(), 'rd-matrix-worker-'));
    workerPath = bundleWorker('matrix.worker', dir);
    const g = generateRuralGraphs({ seed: 5, targetNodes: 3000 }, [VAN]).van;
    router = new ChRoadRouter({
      profiles: { van: prepareProfile(g, { weightings: ['fastest', 'shortest'] }) },
    });
    const rnd = seededRandom(9);
    const [minLon, minLat, maxLon, maxLat] = graphBbox(g);
    points = Array.from({ length: 120 }, () => [
      minLon + rnd() * (maxLon - minLon),
      minLat + rnd() * (maxLat - minLat),
    ]);
    // points that cannot be placed: each keeps its own error, its row or column stays Infinity
    points[7] = [Number.NaN, 0];
    points[50] = [minLon - 1, minLat - 1];
    threads = new MatrixThreads({ threads: 2, workerPath, minEntries: 0, chunkRows: 3 });
  });
  afterAll(async () => {
    await threads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['fastest', 'shortest'] as Weighting[])(
    '%s: the same numbers as matrixSync and matrix32Sync, entry for entry',
    async (weighting) => {
      const src = points.slice(0, 60);
      const tgt = points.slice(40);
      const sync = router.matrixSync(src, tgt, { weighting });
      const par = await threads.matrix(router, src, tgt, { weighting });
      expect(threads.note).toBeUndefined();
      expect(par.durationsS).toEqual(sync.durationsS);
      expect(par.distancesM).toEqual(sync.distancesM);
      expect(par.sources).toEqual(sync.sources);
      const sync32 = router.matrix32Sync(src, tgt, { weighting });
      const par32 = await threads.matrix(router, src, tgt, { weighting }, 32);
      expect(par32.durationsS).toBeInstanceOf(Float32Array);
      expect(par32.durationsS).toEqual(sync32.durationsS);
      expect(par32.distancesM).toEqual(sync32.distancesM);
      expect(sync.durationsS.some((x) => x !== Infinity)).toBe(true);
    },
  );

  it('through a core table (a province-sized router): the same numbers as without one, on threads too', async () => {
    const cored = new ChRoadRouter(router.data, { coreSize: 300 });
    const src = points.slice(0, 60);
    const tgt = points.slice(40);
    const plain = router.matrixSync(src, tgt);
    const sync = cored.matrixSync(src, tgt);
    const par = await threads.matrix(cored, src, tgt);
    expect(par.durationsS).toEqual(sync.durationsS);
    expect(par.distancesM).toEqual(sync.distancesM);
    for (let o = 0; o < plain.durationsS.length; o++) {
      expect(sync.durationsS[o]).toBeCloseTo(plain.durationsS[o], 6);
      // second figures through the core table are kept in 32 bits
      if (plain.distancesM[o] !== Infinity)
        expect(Math.abs(sync.distancesM[o] - plain.distancesM[o])).toBeLessThanOrEqual(
          1e-6 * plain.distancesM[o] + 1e-6,
        );
    }
  });

  it('failed snaps are per-point errors: their rows and columns are Infinity, the rest is filled', async () => {
    const m = await threads.matrix(router, points, points);
    expect(m.sources[7]).toMatchObject({ ok: false, error: 'invalid-coordinate' });
    expect(m.targets[50]).toMatchObject({ ok: false, error: 'outside-area' });
    for (let k = 0; k < m.cols; k++) {
      expect(m.durationsS[7 * m.cols + k]).toBe(Infinity);
      expect(m.durationsS[k * m.cols + 50]).toBe(Infinity);
    }
    expect(m.durationsS[0 * m.cols + 1]).toBeLessThan(Infinity);
  });

  it('asyncRoadRouter with matrixThreads answers as without', async () => {
    const plain = await asyncRoadRouter(router).matrix(points.slice(0, 30), points.slice(30, 90));
    const par = await asyncRoadRouter(router, { matrixThreads: threads }).matrix(
      points.slice(0, 30),
      points.slice(30, 90),
    );
    expect(par.durationsS).toEqual(plain.durationsS);
  });

  it('without the compiled worker it runs on the calling thread and says why', async () => {
    const none = new MatrixThreads({ workerPath: join(dir, 'missing.js'), minEntries: 0 });
    const m = await none.matrix(router, points.slice(0, 10), points.slice(10, 20));
    expect(none.note).toMatch(/compiled worker not found/);
    expect(m.durationsS).toEqual(router.matrixSync(points.slice(0, 10), points.slice(10, 20)).durationsS);
  });
});
