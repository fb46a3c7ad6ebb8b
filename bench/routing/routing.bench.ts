/**
 * Routing benchmark: for each OSM extract, import, contraction, save/load, point-to-point queries
 * (CH against our bidirectional Dijkstra, same process, same pairs) and matrices up to 10,000²
 * (32-bit output); then a scaling run on generated rural counties up to 5,000,000 graph nodes
 * (province scale). Figures on a shared machine are noisy: compare the ratios printed beside them.
 *
 *   npm run bench:routing                         (everything, ~25 minutes)
 *   npm run bench:routing -- --quick              (Andorra only, smaller scaling run)
 *   npm run bench:routing -- --help               (all flags)
 *
 * Each extract and each scaling size runs in its own child process, so "peak RSS" is that case's
 * own peak, not the whole run's.
 *
 * The largest matrix of each case runs four ways in one process: buckets, the one-row sweep and
 * the batched sweep (several rows per pass over the targets' closure) on one thread, then the
 * chosen method on --threads worker threads (MatrixThreads; the bench checks the numbers are the
 * same). Limits, measured and explained in libs/routing/README.md ("Fourth pass", "Fifth pass"):
 * a 10,000² table is 10⁸ entries; on a province the bucket scan visits ~59 meeting nodes per entry
 * (a weak hierarchy) and the targets' closure is ~94 k nodes at 1 M, which the batched sweep reads
 * once per batch of rows; threads divide the row work by the free cores, nothing more. From
 * 250,000 nodes up the router answers through a core table (ninth pass): the scaling rows print
 * the plain CH query and the same pairs through the core, and their matrices go through it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BidirectionalDijkstra,
  buildArcGraph,
  type ContractionHierarchy,
  ChManyToMany,
  buildRoadGraphs,
  ChQuery,
  ChRoadRouter,
  generateRuralNetwork,
  graphNodeOf,
  haversineM,
  importOsm,
  loadRoutingData,
  MOTORBIKE,
  prepareProfile,
  saveRoutingData,
  sourceSeeds,
  targetSeeds,
  VAN,
  type ProfileRoutingData,
  type RoadGraph,
  type RoutingData,
  type SnappedPoint,
  type ArcGraph,
  MinHeap,
  Seeds,
  type TableMethod,
} from '@rd/routing';
import { ContractionThreads, MatrixThreads } from '@rd/road-router';
import { sharedDataPath } from '@rd/testing/shared-data';
import { randomSnapped } from './random-points';

const USAGE = `usage: npm run bench:routing -- [flags]

  --quick             Andorra only, matrices up to 1,000², scaling 10 k and 100 k nodes
  --extracts <list>   comma-separated files in ../shared/data/osm (default: all four)
  --no-extracts       skip the extracts (scaling run only)
  --sizes <list>      scaling sizes in graph nodes, comma-separated (default 10000,100000,1000000,2000000,5000000)
  --no-scaling        skip the scaling run
  --matrix <n>        largest matrix side on the scaling rows of 1 M nodes and more (default 10000; 0 skips)
  --threads <n>       threads of the parallel matrix, and of the scaling rows' contraction (default 2)
  --hops <1|2>        contraction rounds: nodes lowest within this many hops (default 2, as contract's)
  --cache-dir <dir>   scaling rows: load county-<size>.rdrt from here when present, else build and save it
  -h, --help          this text`;

function parseFlags() {
  try {
    return parseArgs({
      strict: true,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean', default: false },
        extracts: { type: 'string' },
        'no-extracts': { type: 'boolean', default: false },
        sizes: { type: 'string' },
        'no-scaling': { type: 'boolean', default: false },
        matrix: { type: 'string', default: '10000' },
        threads: { type: 'string', default: '2' },
        'cache-dir': { type: 'string' },
        hops: { type: 'string', default: '2' },
        child: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}
const opts = parseFlags();
const quick = opts.quick;
const numberList = (text: string, flag: string): number[] =>
  text.split(',').map((x) => {
    const n = Number(x.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) {
      console.error(`${flag}: "${x}" is not a positive whole number\n\n${USAGE}`);
      process.exit(2);
    }
    return n;
  });
const bigMatrix = Number(opts.matrix);
const threadCount = numberList(opts.threads ?? '2', '--threads')[0];
const now = (): number => performance.now();
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) + ' ms';
const us = (x: number): string => `${(x * 1000).toFixed(1)} µs`;
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
/** Bytes held in the typed arrays of a structure (the routing data's real size). */
function typedBytes(x: unknown, seen = new Set<unknown>()): number {
  if (x === null || typeof x !== 'object' || seen.has(x)) return 0;
  seen.add(x);
  if (ArrayBuffer.isView(x)) return x.byteLength;
  if (x instanceof ArrayBuffer) return x.byteLength;
  let sum = 0;
  for (const v of Object.values(x as Record<string, unknown>)) sum += typedBytes(v, seen);
  return sum;
}

/**
 * The same roads with every OSM shape point as a graph node (what an importer without tower/pillar
 * compaction builds): only for a second, clearly labelled Dijkstra baseline. Tower ids are kept.
 */
function uncompactedGraph(g: RoadGraph): RoadGraph {
  let pillars = 0;
  for (let e = 0; e < g.edgeCount; e++) pillars += g.edgeGeomFirst[e + 1] - g.edgeGeomFirst[e] - 2;
  const n = g.nodeCount + pillars;
  const m = g.geomLon.length - g.edgeCount;
  const nodeLon = new Float64Array(n);
  const nodeLat = new Float64Array(n);
  nodeLon.set(g.nodeLon);
  nodeLat.set(g.nodeLat);
  const edgeFrom = new Uint32Array(m);
  const edgeTo = new Uint32Array(m);
  const edgeLengthM = new Float64Array(m);
  const fwd = new Float64Array(m);
  const bwd = new Float64Array(m);
  let next = g.nodeCount;
  let k = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeGeomFirst[e];
    const b = g.edgeGeomFirst[e + 1];
    let prev = g.edgeFrom[e];
    for (let p = a + 1; p < b; p++) {
      const id = p === b - 1 ? g.edgeTo[e] : next++;
      nodeLon[id] = g.geomLon[p];
      nodeLat[id] = g.geomLat[p];
      const len = haversineM(g.geomLon[p - 1], g.geomLat[p - 1], g.geomLon[p], g.geomLat[p]);
      const share = g.edgeLengthM[e] > 0 ? len / g.edgeLengthM[e] : 0;
      edgeFrom[k] = prev;
      edgeTo[k] = id;
      edgeLengthM[k] = len;
      fwd[k] = g.edgeDurationFwdS[e] * share;
      bwd[k] = g.edgeDurationBwdS[e] * share;
      k++;
      prev = id;
    }
  }
  const geomFirst = new Uint32Array(m + 1);
  return {
    profile: g.profile,
    nodeCount: n,
    edgeCount: m,
    nodeLon,
    nodeLat,
    edgeFrom,
    edgeTo,
    edgeLengthM,
    edgeDurationFwdS: fwd,
    edgeDurationBwdS: bwd,
    edgeGeomFirst: geomFirst,
    geomLon: new Float64Array(0),
    geomLat: new Float64Array(0),
    edgeWayId: new Float64Array(m),
  };
}

/** Plain one-directional Dijkstra (seeds to all targets' seeds), the textbook baseline. */
function oneWayDijkstra(
  g: ArcGraph,
  dist: Float64Array,
  stamp: Int32Array,
  heap: MinHeap,
  round: number,
  src: Seeds,
  tgt: Seeds,
): number {
  heap.clear();
  for (let i = 0; i < src.length; i++) {
    stamp[src.nodes[i]] = round;
    dist[src.nodes[i]] = src.weights[i];
    heap.push(src.nodes[i], src.weights[i]);
  }
  let best = Infinity;
  while (heap.length > 0) {
    const d = heap.peekValue();
    const x = heap.pop();
    if (d > dist[x]) continue;
    if (d >= best) break;
    for (let i = 0; i < tgt.length; i++)
      if (tgt.nodes[i] === x && d + tgt.weights[i] < best) best = d + tgt.weights[i];
    for (let i = g.outFirst[x]; i < g.outFirst[x + 1]; i++) {
      const y = g.outTarget[i];
      const nd = d + g.outWeight[i];
      if (stamp[y] !== round || nd < dist[y]) {
        stamp[y] = round;
        dist[y] = nd;
        heap.push(y, nd);
      }
    }
  }
  return best;
}

/** Extra Dijkstra baselines on the same pairs: one-directional, and bidirectional on the uncompacted graph. */
function timeExtraBaselines(
  pd: ProfileRoutingData,
  pts: SnappedPoint[],
  pairs: number,
): { oneWayP50: number; uncompactedP50: number; uncompactedNodes: number } {
  const g = pd.graph;
  const arcs = buildArcGraph(g, 'fastest');
  const dist = new Float64Array(arcs.nodeCount);
  const stamp = new Int32Array(arcs.nodeCount);
  const heap = new MinHeap(1024);
  const n = pts.length;
  const oneWay: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const s = sourceSeeds(g, 'fastest', pts[(2 * i) % n]);
    const t = targetSeeds(g, 'fastest', pts[(2 * i + 1) % n]);
    const a = now();
    oneWayDijkstra(arcs, dist, stamp, heap, i + 1, s, t);
    oneWay.push(now() - a);
  }
  // (this baseline ignores turn restrictions: seeds on via copies are moved to their graph node)
  const ug = uncompactedGraph(g);
  const dj = new BidirectionalDijkstra(buildArcGraph(ug, 'fastest'));
  const unc: number[] = [];
  const plain = (seeds: Seeds): Seeds => {
    const out = new Seeds();
    for (let k = 0; k < seeds.length; k++)
      out.add(graphNodeOf(g, seeds.nodes[k]), seeds.weights[k], seeds.auxes[k]);
    return out;
  };
  for (let i = 0; i < pairs; i++) {
    const s = plain(sourceSeeds(g, 'fastest', pts[(2 * i) % n]));
    const t = plain(targetSeeds(g, 'fastest', pts[(2 * i + 1) % n]));
    const a = now();
    dj.query(s, t);
    unc.push(now() - a);
  }
  oneWay.sort((x, y) => x - y);
  unc.sort((x, y) => x - y);
  return { oneWayP50: pct(oneWay, 0.5), uncompactedP50: pct(unc, 0.5), uncompactedNodes: ug.nodeCount };
}

interface QueryFigures {
  chP50: number;
  chP99: number;
  chMean: number;
  /** The same pairs through the core table (defaultCoreSize), when the graph gets one. */
  core: {
    size: number;
    buildMs: number;
    mib: number;
    p50: number;
    p99: number;
    settled: number;
    pairs: number;
  } | null;
  djP50: number;
  djP99: number;
  routeP50: number;
  settledCh: number;
  settledDj: number;
}

/**
 * The same pairs as timeQueries' CH rows through the core table the router uses for this graph
 * (none below defaultCoreSize's threshold; its build is timed here, the router's first use of the
 * hierarchy); every answer is checked against the plain query.
 */
function timeCoreQueries(
  router: ChRoadRouter,
  profile: string,
  ch: ContractionHierarchy,
  src: Seeds[],
  tgt: Seeds[],
  pairs: number,
): QueryFigures['core'] {
  const t = now();
  const table = router.coreTable(profile, 'fastest');
  const buildMs = now() - t;
  if (!table) return null;
  const plain = new ChQuery(ch);
  const q = new ChQuery(ch, table);
  const n = src.length;
  for (let i = 0; i < 500; i++) q.query(src[i % n], tgt[(i * 7 + 3) % n]);
  const times: number[] = [];
  let settled = 0;
  let corePairs = 0;
  const weights = new Float64Array(pairs);
  for (let i = 0; i < pairs; i++) {
    const a = now();
    weights[i] = q.query(src[(2 * i) % n], tgt[(2 * i + 1) % n]).weight;
    times.push(now() - a);
    settled += q.lastSettled;
    corePairs += q.lastCorePairs;
  }
  // checked after timing, so that the plain queries do not evict what the core queries keep in cache
  for (let i = 0; i < pairs; i++) {
    const ref = plain.query(src[(2 * i) % n], tgt[(2 * i + 1) % n]).weight;
    if (!(weights[i] === ref || Math.abs(weights[i] - ref) <= 1e-9 * ref))
      throw new Error(`core table query ${weights[i]} ≠ plain CH ${ref} on pair ${i}`);
  }
  times.sort((x, y) => x - y);
  return {
    size: table.size,
    buildMs,
    mib: (table.weight.byteLength + table.aux.byteLength) / 2 ** 20,
    p50: pct(times, 0.5),
    p99: pct(times, 0.99),
    settled: settled / pairs,
    pairs: corePairs / pairs,
  };
}

/** Times the same snapped pairs with the CH and with Dijkstra (both without geometry), and full routes with geometry. */
function timeQueries(
  pd: ProfileRoutingData,
  router: ChRoadRouter,
  pts: SnappedPoint[],
  pairs: number,
  djPairs: number,
): QueryFigures {
  const g = pd.graph;
  const ch = pd.ch.fastest;
  if (!ch) throw new Error('no fastest CH');
  const q = new ChQuery(ch);
  const dj = new BidirectionalDijkstra(buildArcGraph(g, 'fastest'));
  const src = pts.map((p) => sourceSeeds(g, 'fastest', p));
  const tgt = pts.map((p) => targetSeeds(g, 'fastest', p));
  const n = pts.length;
  // warm up
  for (let i = 0; i < 500; i++) q.query(src[i % n], tgt[(i * 7 + 3) % n]);
  for (let i = 0; i < 50; i++) dj.query(src[i % n], tgt[(i * 7 + 3) % n]);
  const chT: number[] = [];
  let settledCh = 0;
  const t0 = now();
  for (let i = 0; i < pairs; i++) {
    const a = now();
    q.query(src[(2 * i) % n], tgt[(2 * i + 1) % n]);
    chT.push(now() - a);
    settledCh += q.lastSettled;
  }
  const chMean = (now() - t0) / pairs;
  const core = timeCoreQueries(router, g.profile, ch, src, tgt, pairs);
  const djT: number[] = [];
  let settledDj = 0;
  for (let i = 0; i < djPairs; i++) {
    const a = now();
    dj.query(src[(2 * i) % n], tgt[(2 * i + 1) % n]);
    djT.push(now() - a);
    settledDj += dj.lastSettled;
  }
  const routeT: number[] = [];
  for (let i = 0; i < Math.min(pairs, 2000); i++) {
    const a = now();
    router.routeSync(pts[(2 * i) % n], pts[(2 * i + 1) % n], { profile: g.profile });
    routeT.push(now() - a);
  }
  chT.sort((x, y) => x - y);
  djT.sort((x, y) => x - y);
  routeT.sort((x, y) => x - y);
  return {
    chP50: pct(chT, 0.5),
    chP99: pct(chT, 0.99),
    chMean,
    core,
    djP50: pct(djT, 0.5),
    djP99: pct(djT, 0.99),
    routeP50: pct(routeT, 0.5),
    settledCh: settledCh / pairs,
    settledDj: settledDj / djPairs,
  };
}

function timeMatrix(
  router: ChRoadRouter,
  pts: SnappedPoint[],
  size: number,
  profile: string,
): { ms: number; reachable: number; bits: 32 | 64 } {
  const src = pts.slice(0, size);
  const tgt = pts.slice(pts.length - size);
  // above 5,000² the output goes to 32-bit floats (10,000² is 800 MB instead of 1.6 GB)
  const bits = size > 5000 ? 32 : 64;
  const run = () =>
    bits === 32 ? router.matrix32Sync(src, tgt, { profile }) : router.matrixSync(src, tgt, { profile });
  // best of 3 up to 1,000², one run above
  let took = Infinity;
  router.matrixSync(src.slice(0, 1), tgt.slice(0, 1), { profile });
  let m = null as ReturnType<typeof run> | null;
  for (let r = 0; r < (size <= 1000 ? 3 : 1); r++) {
    const t = now();
    m = run();
    took = Math.min(took, now() - t);
  }
  let reachable = 0;
  const d = m!.durationsS;
  for (let i = 0; i < d.length; i++) if (d[i] !== Infinity) reachable++;
  return { ms: took, reachable: reachable / d.length, bits };
}

/**
 * One table on the calling thread with a given method (or the chosen one), 32-bit output; wall and
 * CPU time. `lanes` is the sweep's rows per pass (1: the one-row sweep; default: the engine's).
 */
function fillTable(
  router: ChRoadRouter,
  src: SnappedPoint[],
  tgt: SnappedPoint[],
  profile: string,
  method: TableMethod | 'auto',
  lanes?: number,
): {
  ms: number;
  cpuMs: number;
  method: TableMethod;
  estimated: TableMethod;
  durationsS: Float32Array;
  estimate: string;
} {
  const t = now();
  const cpu = process.cpuUsage();
  const plan = router.planMatrix(src, tgt, { profile });
  const engine =
    lanes === undefined
      ? router.tableEngine(profile, plan.weighting)
      : new ChManyToMany(router.hierarchy(profile, plan.weighting), { sweepLanes: lanes });
  const est = engine.chooseMethod(plan.sourceSeeds, plan.targetSeeds);
  const chosen = method === 'auto' ? est.method : method;
  const estimate = Number.isNaN(est.bucketEntriesPerRow)
    ? 'no estimate (buckets through the core table, or a small table)'
    : `estimate: ${est.bucketEntriesPerRow.toFixed(0)} bucket entries per row, sweep over ${est.sweepNodes} nodes / ${est.sweepArcs} arcs`;
  const table = engine.prepare(plan.targetSeeds, chosen);
  const n = plan.rows * plan.cols;
  const d = new Float32Array(n);
  const a = new Float32Array(n);
  engine.fillRows(table, plan.sourceSeeds, 0, plan.rows, d, a);
  router.finishMatrix(plan, d, a);
  return {
    ms: now() - t,
    cpuMs: process.cpuUsage(cpu).user / 1000,
    method: chosen,
    estimated: est.method,
    durationsS: d,
    estimate,
  };
}

const sameEntries = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/**
 * The largest table four ways, same points, same process: buckets, the one-row sweep, the batched
 * sweep (the engine's rows per pass), each on the calling thread, and the chosen method over worker
 * threads (MatrixThreads). CPU time is this thread's for the first three (on a loaded machine wall
 * time is mostly waiting for a core) and every thread's for the last.
 */
async function compareMatrix(
  router: ChRoadRouter,
  pts: SnappedPoint[],
  size: number,
  profile: string,
): Promise<{ text: string; oneMs: number; parMs: number }> {
  const src = pts.slice(0, size);
  const tgt = pts.slice(pts.length - size);
  const buckets = fillTable(router, src, tgt, profile, 'buckets');
  const oneRow = fillTable(router, src, tgt, profile, 'sweep', 1);
  const batched = fillTable(router, src, tgt, profile, 'sweep');
  const chosen = batched.estimated;
  const pick = chosen === 'sweep' ? batched : buckets;
  const lanes = router.tableEngine(profile, 'fastest').lanes;
  const vs = (x: { ms: number; cpuMs: number }, y: { ms: number; cpuMs: number }): string =>
    `${(y.cpuMs / x.cpuMs).toFixed(2)}× CPU, ${(y.ms / x.ms).toFixed(2)}× wall`;
  let text =
    `matrix ${size}² (32-bit), one thread, ${batched.estimate}:\n` +
    `    buckets              ${ms(buckets.ms)} (CPU ${ms(buckets.cpuMs)})\n` +
    `    sweep, one row       ${ms(oneRow.ms)} (CPU ${ms(oneRow.cpuMs)}; ${vs(oneRow, buckets)} vs buckets)\n` +
    `    sweep, ${`${lanes} rows/pass`.padEnd(14)}${ms(batched.ms)} (CPU ${ms(batched.cpuMs)}; ${vs(batched, buckets)} vs buckets, ${vs(batched, oneRow)} vs the one-row sweep)\n` +
    `    same numbers (sweeps to the bit; sweep vs buckets): ${sameEntries(batched.durationsS, oneRow.durationsS) ? 'yes' : 'NO'}; ` +
    `${maxRelDiff(batched.durationsS, buckets.durationsS).toExponential(1)} max relative difference\n` +
    `    the estimate chooses "${chosen}"`;
  const threads = new MatrixThreads({ threads: threadCount, minEntries: 0 });
  try {
    const t0 = now();
    await threads.matrix(router, src.slice(0, 100), tgt.slice(0, 100), { profile }, 32);
    const startMs = now() - t0;
    if (threads.note)
      return { text: `${text}\n    parallel matrix not run: ${threads.note}`, oneMs: pick.ms, parMs: NaN };
    const t = now();
    const cpu = process.cpuUsage();
    const par = await threads.matrix(router, src, tgt, { profile }, 32);
    const parMs = now() - t;
    // process CPU: every thread's (the same work as one thread's, plus the threads' overhead)
    const parCpuMs = process.cpuUsage(cpu).user / 1000;
    text +=
      `\n    ${threadCount} worker threads, "${chosen}": ${ms(parMs)} (CPU of all threads ${ms(parCpuMs)}; ${(pick.ms / parMs).toFixed(2)}× one thread's wall, ${(buckets.ms / parMs).toFixed(2)}× buckets' wall; ` +
      `first call with thread start and hierarchy sharing ${ms(startMs)}); same numbers as one thread: ${sameEntries(par.durationsS, pick.durationsS) ? 'yes' : 'NO'}`;
    return { text, oneMs: pick.ms, parMs };
  } finally {
    await threads.close();
  }
}

/** Largest relative difference between two tables' finite entries (Infinity must match Infinity). */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  }
  return worst;
}

async function benchExtract(file: string, dir: string): Promise<void> {
  console.log(`\n## ${file}`);
  const t0 = now();
  const { graphs, stats } = importOsm(sharedDataPath('osm', file), { profiles: [VAN, MOTORBIKE] }, now);
  const importMs = now() - t0;
  console.log(
    `import: ${ms(importMs)} (parse ${ms(stats.parseMs)}, build graphs ${ms(stats.buildMs)}); OSM nodes ${stats.osmNodes}, highway ways ${stats.highwayWays}`,
  );
  const data: RoutingData = { profiles: {} };
  for (const [name, g] of Object.entries(graphs)) {
    const t = now();
    const pd = prepareProfile(g, { weightings: ['fastest', 'shortest'] });
    const prepMs = now() - t;
    data.profiles[name] = pd;
    const main = pd.inMain.subarray(0, g.nodeCount).reduce((a, b) => a + b, 0);
    console.log(
      `  ${name.padEnd(9)} nodes ${g.nodeCount}, edges ${g.edgeCount} (shape points ${g.geomLon.length}), main component ${((100 * main) / g.nodeCount).toFixed(1)} %; ` +
        `shortcuts fastest ${pd.ch.fastest?.shortcutCount}, shortest ${pd.ch.shortest?.shortcutCount}; preprocessing (both CHs + snap index) ${ms(prepMs)}`,
    );
  }
  console.log(
    `memory: routing data (typed arrays, both profiles) ${mb(typedBytes(data))}; peak RSS after preprocessing ${mb(peakRss())}`,
  );
  const file1 = join(dir, `${file}.rdrt`);
  const bytes = saveRoutingData(data, file1);
  let loadMs = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = now();
    loadRoutingData(file1);
    loadMs = Math.min(loadMs, now() - t);
  }
  console.log(`saved file ${mb(bytes)}; load ${ms(loadMs)} (best of 3)`);

  const router = new ChRoadRouter(loadRoutingData(file1));
  const pd = router.data.profiles.van;
  const g = pd.graph;
  const pts = randomSnapped(router, g, 10_000, 17, 'van');
  const tSnap = now();
  router.snapSync(
    pts.slice(0, 5000).map((p) => p.input),
    { profile: 'van', maxDistanceM: 2000 },
  );
  console.log(`snapping: ${us((now() - tSnap) / 5000)} per point`);
  const qf = timeQueries(pd, router, pts, quick ? 5000 : 20_000, 2000);
  console.log(
    `van fastest point-to-point (snapped pairs): CH p50 ${us(qf.chP50)}, p99 ${us(qf.chP99)}, mean ${us(qf.chMean)} (settles ${qf.settledCh.toFixed(0)} nodes); ` +
      `Dijkstra p50 ${us(qf.djP50)}, p99 ${us(qf.djP99)} (settles ${qf.settledDj.toFixed(0)}); ratio p50 ${(qf.djP50 / qf.chP50).toFixed(0)}×, p99 ${(qf.djP99 / qf.chP99).toFixed(0)}×; ` +
      `full route with GeoJSON geometry p50 ${us(qf.routeP50)}`,
  );
  const extra = timeExtraBaselines(pd, pts, 1000);
  console.log(
    `  other baselines, same pairs: one-directional Dijkstra p50 ${us(extra.oneWayP50)} (${(extra.oneWayP50 / qf.chP50).toFixed(0)}× CH); ` +
      `bidirectional Dijkstra on the uncompacted graph (${extra.uncompactedNodes} nodes: every OSM shape point a node) p50 ${us(extra.uncompactedP50)} (${(extra.uncompactedP50 / qf.chP50).toFixed(0)}× CH)`,
  );
  timeMatrix(router, pts, 50, 'van'); // warm-up
  const sizes = quick ? [100, 1000] : [100, 1000, 5000, 10_000];
  for (const size of sizes) {
    const m = timeMatrix(router, pts, size, 'van');
    console.log(
      `matrix ${size}×${size} (${m.bits}-bit): ${ms(m.ms)} (${((m.ms * 1e6) / (size * size)).toFixed(0)} ns per entry, ${(100 * m.reachable).toFixed(1)} % reachable); peak RSS ${mb(peakRss())}`,
    );
  }
  console.log((await compareMatrix(router, pts, sizes[sizes.length - 1], 'van')).text);
}

const SCALING_HEADER = `target | OSM nodes | graph nodes | edges | shortcuts | generate+build | contract on ${threadCount} threads (+index) | routing data | peak RSS (after contraction) | CH p50 | CH p99 | Dijkstra p50 | ratio p50 | CH settled nodes | core table (nodes, build, memory) | CH with core p50 / p99 (settled, entry pairs) | matrix 1000² | matrix ${bigMatrix}² one thread (32-bit) | same on ${threadCount} worker threads | peak RSS (end)`;

/** Generates the county and builds its van graph; the OSM data is dropped on return (only the graph stays). */
function generatedGraph(target: number): { g: RoadGraph; genMs: number; osmNodes: number } {
  const t = now();
  const net = generateRuralNetwork({ seed: 2026, targetNodes: target });
  const g = buildRoadGraphs(net.osm, [VAN]).van;
  return { g, genMs: now() - t, osmNodes: net.osm.nodeCount };
}

async function benchScalingRow(target: number): Promise<void> {
  const cache = opts['cache-dir'] ? join(opts['cache-dir'], `county-${target}.rdrt`) : null;
  let pd: ProfileRoutingData;
  let built = '– | (loaded)';
  let rssAfterPrep = 0;
  let osmNodes: number | string = '–';
  if (cache && existsSync(cache)) pd = loadRoutingData(cache).profiles.van;
  else {
    const gen = generatedGraph(target);
    const t = now();
    // contraction rounds on the calling thread and threadCount - 1 workers (ContractionThreads)
    const runner = new ContractionThreads({ threads: threadCount });
    const independence = opts.hops === '1' ? 1 : 2;
    pd = prepareProfile(gen.g, { weightings: ['fastest'], contract: { runner, independence } });
    if (runner.note) console.log(`  ${target}: ${runner.note}`);
    await runner.close();
    rssAfterPrep = peakRss();
    built = `${ms(gen.genMs)} | ${ms(now() - t)}`;
    osmNodes = gen.osmNodes;
    if (cache) {
      mkdirSync(opts['cache-dir'] as string, { recursive: true });
      saveRoutingData({ profiles: { van: pd } }, cache);
    }
  }
  const g = pd.graph;
  const router = new ChRoadRouter({ profiles: { van: pd } });
  const big = target >= 1_000_000 && bigMatrix > 0 ? bigMatrix : 0;
  const pts = randomSnapped(router, g, Math.max(4000, 2 * big), 5, 'van');
  const djPairs = target >= 1_000_000 ? 50 : target >= 300_000 ? 200 : 1000;
  const qf = timeQueries(pd, router, pts, 5000, djPairs);
  timeMatrix(router, pts, 50, 'van');
  const m = timeMatrix(router, pts, 1000, 'van');
  const cmp = big > 0 ? await compareMatrix(router, pts, big, 'van') : null;
  console.log(
    `${target} | ${osmNodes} | ${g.nodeCount} | ${g.edgeCount} | ${pd.ch.fastest?.shortcutCount} | ${built} | ${mb(typedBytes(pd))} | ${rssAfterPrep ? mb(rssAfterPrep) : '–'} | ` +
      `${us(qf.chP50)} | ${us(qf.chP99)} | ${us(qf.djP50)} | ${(qf.djP50 / qf.chP50).toFixed(0)}× | ${qf.settledCh.toFixed(0)} | ${coreCells(qf.core)} | ${ms(m.ms)} | ` +
      `${cmp ? ms(cmp.oneMs) : '–'} | ${cmp ? ms(cmp.parMs) : '–'} | ${mb(peakRss())}`,
  );
  if (cmp) console.log(`  ${target}: ${cmp.text}`);
}

function coreCells(core: QueryFigures['core']): string {
  if (!core) return '– | –';
  return (
    `${core.size}, ${ms(core.buildMs)}, ${core.mib.toFixed(0)} MiB | ` +
    `${us(core.p50)} / ${us(core.p99)} (${core.settled.toFixed(0)}, ${core.pairs.toFixed(0)})`
  );
}

/** Runs one case of this benchmark in a fresh Node process (own heap, own peak RSS). */
function runChild(args: string[]): void {
  const r = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', ...args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) console.log(`(case ${args.join(' ')} failed with status ${r.status})`);
}

async function main(): Promise<void> {
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  const argv = process.argv.slice(2);
  if (opts.child) {
    const child = argv.indexOf('--child');
    const [kind, value] = argv.slice(child + 1);
    if (kind === 'extract') {
      const dir = mkdtempSync(join(tmpdir(), 'rd-routing-bench-'));
      try {
        await benchExtract(value, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else await benchScalingRow(Number(value));
    return;
  }
  console.log(
    `routing benchmark — node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick)' : ''}; one case at a time; times are wall clock on a shared machine`,
  );
  const passOn = [
    ...(quick ? ['--quick'] : []),
    '--matrix',
    String(bigMatrix),
    '--threads',
    String(threadCount),
    ...(opts['cache-dir'] ? ['--cache-dir', opts['cache-dir']] : []),
    '--hops',
    String(opts.hops),
  ];
  const files = opts.extracts
    ? opts.extracts.split(',').map((f) => f.trim())
    : quick
      ? ['andorra-2025-01.osm.pbf']
      : [
          'andorra-2025-01.osm.pbf',
          'liechtenstein-2015.osm.pbf',
          'north-bayreuth-2014.osm.gz',
          'beatty-nv-2019.osm',
        ];
  if (!opts['no-extracts']) for (const f of files) runChild(['extract', f, ...passOn]);
  if (opts['no-scaling']) return;
  console.log('\n## scaling: generated rural counties and provinces (van, fastest; seed 2026)');
  console.log(SCALING_HEADER);
  const sizes = opts.sizes
    ? numberList(opts.sizes, '--sizes')
    : quick
      ? [10_000, 100_000]
      : [10_000, 100_000, 1_000_000, 2_000_000, 5_000_000];
  for (const n of sizes) runChild(['scale', String(n), ...passOn]);
}

void main();
