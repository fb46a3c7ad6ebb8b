/**
 * Batched sweep, one table, several batch sizes side by side (same process, same points): CPU
 * time per row of buckets, the one-row sweep (lanes 1) and sweeps of k lanes, each checked entry
 * for entry against the one-row sweep.
 *
 *   npm run bench:routing:lanes -- --extract andorra-2025-01.osm.pbf --rows 1000 --cols 10000
 *   npm run bench:routing:lanes -- --load /path/county-1000000.rdrt --rows 400 --cols 10000
 *   --lanes 1,4,8,16   batch sizes (default)   --no-buckets   skip the bucket table
 *   --repeat 3         rounds over all cases; the best CPU time of each is printed
 */
import { parseArgs } from 'node:util';
import {
  ChManyToMany,
  ChRoadRouter,
  importOsm,
  loadRoutingData,
  prepareProfile,
  VAN,
  type ProfileRoutingData,
  type TableMethod,
} from '@rd/routing';
import { sharedDataPath } from '@rd/testing/shared-data';
import { randomSnapped } from './random-points';

const { values: opts } = parseArgs({
  options: {
    extract: { type: 'string' },
    load: { type: 'string' },
    rows: { type: 'string', default: '1000' },
    cols: { type: 'string', default: '10000' },
    lanes: { type: 'string', default: '1,4,8,16' },
    'no-buckets': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '3' },
  },
});

function profileData(): ProfileRoutingData {
  if (opts.load) return loadRoutingData(opts.load).profiles.van;
  const file = opts.extract ?? 'andorra-2025-01.osm.pbf';
  const g = importOsm(sharedDataPath('osm', file), { profiles: [VAN] }).graphs.van;
  return prepareProfile(g, { weightings: ['fastest'] });
}

const pd = profileData();
const router = new ChRoadRouter({ profiles: { van: pd } });
const rows = Number(opts.rows);
const cols = Number(opts.cols);
const pts = randomSnapped(router, pd.graph, rows + cols, 5, 'van');
const plan = router.planMatrix(pts.slice(0, rows), pts.slice(rows), {});
const ch = router.hierarchy('van', 'fastest');
const est = new ChManyToMany(ch).chooseMethod(plan.sourceSeeds, plan.targetSeeds);
console.log(
  `${pd.graph.nodeCount} graph nodes; ${rows}×${cols}; estimate: ${est.bucketEntriesPerRow.toFixed(0)} bucket entries per row, ` +
    `closure ${est.sweepNodes} nodes / ${est.sweepArcs} arcs; chooses ${est.method}`,
);

function run(
  method: TableMethod,
  lanes: number,
): { cpuMs: number; out: Float32Array; prepareMs: number; tableSize: string } {
  const m = new ChManyToMany(ch, { sweepLanes: lanes });
  const prepCpu = process.cpuUsage();
  const table = m.prepare(plan.targetSeeds, method);
  const prepareMs = process.cpuUsage(prepCpu).user / 1000;
  const tableSize =
    table.method === 'sweep' ? `${table.arcFirst.length - 1} nodes / ${table.arcFrom.length} arcs` : '';
  const w = new Float32Array(rows * cols);
  const a = new Float32Array(rows * cols);
  // touched before timing: the first write to fresh pages is a page fault (kernel time, and it
  // inflates user time too), the same for every method, and not what this compares
  w.fill(1);
  a.fill(1);
  const cpu = process.cpuUsage();
  m.fillRows(table, plan.sourceSeeds, 0, rows, w, a);
  return { cpuMs: process.cpuUsage(cpu).user / 1000, out: w, prepareMs, tableSize };
}

const cases: Array<[TableMethod, number]> = [];
if (!opts['no-buckets']) cases.push(['buckets', 1]);
for (const k of opts.lanes.split(',').map(Number)) cases.push(['sweep', k]);
run('sweep', 4); // warm-up
// rounds over all cases, best CPU time of each (the machine is shared: the best is the least disturbed)
const best = cases.map(() => Infinity);
const outs: Float32Array[] = [];
const prepared: string[] = [];
for (let round = 0; round < Number(opts.repeat); round++)
  cases.forEach(([method, lanes], c) => {
    const r = run(method, lanes);
    best[c] = Math.min(best[c], r.cpuMs);
    outs[c] = r.out;
    prepared[c] = `prepare ${r.prepareMs.toFixed(0)} ms CPU${r.tableSize ? `, ${r.tableSize}` : ''}`;
  });
const baseIndex = cases.findIndex(([m, k]) => m === 'sweep' && k === 1);
const reference = outs[cases.findIndex(([m]) => m === 'sweep')];
cases.forEach(([method, lanes], c) => {
  const same =
    method === 'buckets' ? 'n/a' : outs[c].every((x, i) => Object.is(x, reference[i])) ? 'yes' : 'NO';
  const ratio = baseIndex >= 0 ? `, ${(best[baseIndex] / best[c]).toFixed(2)}× one-row sweep` : '';
  console.log(
    `${method === 'buckets' ? 'buckets' : `sweep ×${lanes}`} (${prepared[c]}): best CPU ${best[c].toFixed(0)} ms, ${((best[c] * 1000) / rows).toFixed(0)} µs per row${ratio}; same as first sweep: ${same}`,
  );
});
