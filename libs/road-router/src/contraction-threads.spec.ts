import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChQuery,
  contract,
  generateRuralGraphs,
  importOsm,
  Seeds,
  VAN,
  type ContractionHierarchy,
  type ContractionRunner,
  type RoadGraph,
  type Weighting,
} from '@rd/routing';
import { bundleWorker } from '../test-fixtures/bundle-worker';
import { sharedDataPath } from '@rd/testing/shared-data';
import { ContractionThreads } from './contraction-threads';

/** Every array of a hierarchy, so two hierarchies can be compared arc for arc. */
function arraysOf(ch: ContractionHierarchy): Record<string, unknown> {
  const { weighting, nodeCount, arcCount, shortcutCount, ...arrays } = ch;
  return { weighting, nodeCount, arcCount, shortcutCount, ...arrays };
}

describe('ContractionThreads: contraction rounds over worker threads', () => {
  let dir: string;
  let workerPath: string;
  let threads: ContractionThreads;
  let andorra: RoadGraph;

  beforeAll(() => {
    // the worker as `npm run build` would compile it (one bundled file here, so no build is needed)
    dir = mkdtempSync(join(tmpdir(), 'rd-contraction-worker-'));
    workerPath = bundleWorker('contraction.worker', dir);
    // tiny chunks and no lower limit: every phase is split between the threads
    threads = new ContractionThreads({ threads: 3, workerPath, minNodes: 0, chunkNodes: 3 });
    andorra = importOsm(sharedDataPath('osm', 'andorra-2025-01.osm.pbf')).graphs.van;
  });
  afterAll(async () => {
    await threads.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['fastest', 'shortest'] as Weighting[])(
    'Andorra, %s: the same hierarchy as on one thread, arc for arc',
    (weighting) => {
      const one = contract(andorra, weighting);
      const par = contract(andorra, weighting, { runner: threads });
      expect(threads.note).toBeUndefined();
      expect(par.shortcutCount).toBeGreaterThan(0);
      expect(arraysOf(par)).toEqual(arraysOf(one));
    },
  );

  it('a generated county with one-hop rounds: the same hierarchy, and exact', () => {
    const g = generateRuralGraphs({ seed: 11, targetNodes: 4000 }, [VAN]).van;
    const one = contract(g, 'fastest', { independence: 1 });
    const par = contract(g, 'fastest', { independence: 1, runner: threads });
    expect(arraysOf(par)).toEqual(arraysOf(one));
    // and it answers as the two-hop hierarchy does
    const a = new ChQuery(par);
    const b = new ChQuery(contract(g, 'fastest'));
    for (let s = 0; s < g.nodeCount; s += 97)
      for (let t = 0; t < g.nodeCount; t += 89)
        expect(a.query(Seeds.node(s), Seeds.node(t)).weight).toBeCloseTo(
          b.query(Seeds.node(s), Seeds.node(t)).weight,
          6,
        );
  });

  it("node lists outside shared memory (another caller's) are copied for the workers: the same hierarchy", () => {
    const g = generateRuralGraphs({ seed: 12, targetNodes: 3000 }, [VAN]).van;
    const plain = (nodes: Int32Array, count: number) => Int32Array.from(nodes.subarray(0, count));
    const plainLists: ContractionRunner = {
      shared: true,
      priorities: (a, s, nodes, count) => threads.priorities(a, s, plain(nodes, count), count),
      shortcuts: (a, s, nodes, count, round) => threads.shortcuts(a, s, plain(nodes, count), count, round),
    };
    expect(arraysOf(contract(g, 'fastest', { runner: plainLists }))).toEqual(
      arraysOf(contract(g, 'fastest')),
    );
  });

  it('without the compiled worker it contracts on the calling thread and says why', () => {
    const none = new ContractionThreads({ workerPath: join(dir, 'missing.js'), minNodes: 0 });
    const small = generateRuralGraphs({ seed: 3, targetNodes: 1500 }, [VAN]).van;
    const ch = contract(small, 'fastest', { runner: none });
    expect(none.note).toMatch(/no compiled contraction worker/);
    expect(arraysOf(ch)).toEqual(arraysOf(contract(small, 'fastest')));
  });
});
