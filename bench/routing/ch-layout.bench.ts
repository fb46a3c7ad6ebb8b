/**
 * Hierarchy numbering, back to back in one process on one generated county: contraction order
 * (the default) against `renumberForLocality` (level, then Hilbert order). Same pairs, same
 * matrices, rounds interleaved so a busy machine slows both alike; wall and CPU time. Prints the
 * ratio.
 *
 *   npm run bench:routing:layout -- --nodes 1000000 [--cache /tmp/county-1m.rdrt] [--matrix 2000]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ChManyToMany,
  ChQuery,
  ChRoadRouter,
  generateRuralNetwork,
  buildRoadGraphs,
  graphBbox,
  loadRoutingData,
  prepareProfile,
  renumberForLocality,
  saveRoutingData,
  seededRandom,
  sourceSeeds,
  targetSeeds,
  VAN,
  type ContractionHierarchy,
  type LonLat,
  type ProfileRoutingData,
  type SnappedPoint,
} from '@rd/routing';
import { guardCli } from '@rd/config';

const USAGE = `usage: npm run bench:routing:layout -- [flags]

  --nodes <n>     generated county size in graph nodes (default 1000000)
  --cache <file>  routing data file: loaded when it exists, else built and saved there
  --pairs <n>     point-to-point pairs per round (default 2000)
  --rounds <n>    interleaved rounds (default 5)
  --matrix <n>    matrix side, 0 skips (default 2000)
  -h, --help      this text`;

const now = (): number => performance.now();

function main(): void {
  guardCli(USAGE, ['nodes', 'cache', 'pairs', 'rounds', 'matrix']);
  const opts = parseArgs({
    strict: true,
    options: {
      nodes: { type: 'string', default: '1000000' },
      cache: { type: 'string' },
      pairs: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '5' },
      matrix: { type: 'string', default: '2000' },
    },
  }).values;
  const nodes = Number(opts.nodes);
  const pairs = Number(opts.pairs);
  const rounds = Number(opts.rounds);
  const side = Number(opts.matrix);
  let pd: ProfileRoutingData;
  const t0 = now();
  if (opts.cache && existsSync(opts.cache)) pd = loadRoutingData(opts.cache).profiles.van;
  else {
    const g = buildRoadGraphs(generateRuralNetwork({ seed: 2026, targetNodes: nodes }).osm, [VAN]).van;
    // the contraction-order numbering (the layout before): contract without renumbering
    pd = prepareProfile(g, { weightings: ['fastest'] });
    if (opts.cache) saveRoutingData({ profiles: { van: pd } }, opts.cache);
  }
  const before = pd.ch.fastest as ContractionHierarchy;
  const t1 = now();
  const after = renumberForLocality(before, pd.graph);
  const renumberMs = now() - t1;
  console.log(
    `county: ${pd.graph.nodeCount} graph nodes, ${before.arcCount} arcs; ready in ${(t1 - t0).toFixed(0)} ms; renumbering ${renumberMs.toFixed(0)} ms (loaded machine: read the ratios)`,
  );

  const router = new ChRoadRouter({ profiles: { van: pd } });
  const pts = randomSnapped(router, pd, Math.max(2 * pairs, 2 * side), 7);
  const src = pts.map((p) => sourceSeeds(pd.graph, 'fastest', p));
  const tgt = pts.map((p) => targetSeeds(pd.graph, 'fastest', p));
  const layouts = [
    { name: 'contraction order (the default)', ch: before },
    { name: 'level + Hilbert order (renumber: true)', ch: after },
  ].map((l) => ({
    ...l,
    times: [] as number[],
    matrixMs: [] as number[],
    cpuUs: 0,
    matrixCpuMs: [] as number[],
  }));
  const queries = layouts.map((l) => new ChQuery(l.ch));
  const tables = layouts.map((l) => new ChManyToMany(l.ch));
  // same answers, pair by pair
  for (let i = 0; i < 200; i++) {
    const a = queries[0].query(src[2 * i], tgt[2 * i + 1]).weight;
    for (const q of queries.slice(1)) {
      const b = q.query(src[2 * i], tgt[2 * i + 1]).weight;
      if (!(a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, a)))
        throw new Error(`pair ${i}: ${a} before, ${b} after`);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const [k, layout] of layouts.entries()) {
      const q = queries[k];
      // CPU time as well as wall time: on a machine shared by many processes, wall time mostly
      // measures waiting for a core
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < pairs; i++) {
        const t = now();
        q.query(src[(2 * i) % src.length], tgt[(2 * i + 1) % tgt.length]);
        layout.times.push(now() - t);
      }
      layout.cpuUs += process.cpuUsage(cpu0).user;
      if (side > 0) {
        const out = new Float32Array(side * side);
        const aux = new Float32Array(side * side);
        const t = now();
        const cpu1 = process.cpuUsage();
        tables[k].compute(src.slice(0, side), tgt.slice(tgt.length - side), out, aux);
        layout.matrixMs.push(now() - t);
        layout.matrixCpuMs.push(process.cpuUsage(cpu1).user / 1000);
      }
    }
  }
  const p = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))];
  const cpuPerQuery = (l: (typeof layouts)[number]) => l.cpuUs / (rounds * pairs);
  for (const l of layouts)
    console.log(
      `${l.name}: CH p50 ${(p(l.times, 0.5) * 1000).toFixed(1)} µs wall, ${cpuPerQuery(l).toFixed(1)} µs CPU per query` +
        (side > 0
          ? `; matrix ${side}² median ${p(l.matrixMs, 0.5).toFixed(0)} ms wall, ${p(l.matrixCpuMs, 0.5).toFixed(0)} ms CPU`
          : ''),
    );
  const [a, b] = layouts;
  console.log(
    `ratio before/after: CH p50 wall ${(p(a.times, 0.5) / p(b.times, 0.5)).toFixed(2)}×, CPU per query ${(cpuPerQuery(a) / cpuPerQuery(b)).toFixed(2)}×` +
      (side > 0
        ? `; matrix wall ${(p(a.matrixMs, 0.5) / p(b.matrixMs, 0.5)).toFixed(2)}×, CPU ${(p(a.matrixCpuMs, 0.5) / p(b.matrixCpuMs, 0.5)).toFixed(2)}×`
        : ''),
  );
}

function randomSnapped(
  router: ChRoadRouter,
  pd: ProfileRoutingData,
  count: number,
  seed: number,
): SnappedPoint[] {
  const rnd = seededRandom(seed);
  const [minLon, minLat, maxLon, maxLat] = graphBbox(pd.graph);
  const out: SnappedPoint[] = [];
  while (out.length < count) {
    const batch: LonLat[] = [];
    for (let i = 0; i < 512; i++)
      batch.push([minLon + rnd() * (maxLon - minLon), minLat + rnd() * (maxLat - minLat)]);
    for (const s of router.snapSync(batch, { maxDistanceM: 2000 }))
      if (s.ok && out.length < count) out.push(s);
  }
  return out;
}

main();
