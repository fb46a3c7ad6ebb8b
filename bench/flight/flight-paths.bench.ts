/**
 * Flight benchmark, in sections (run one with --section, or all):
 *
 *   paths  1,000 seeded port → landing-spot path queries among 500 no-fly zones and 50 corridors:
 *          preprocessing time, p50/p99 per query cold and with the path cache, against a textbook
 *          visibility graph (every obstacle vertex, every edge checked against every obstacle, no
 *          spatial index, no search window) on the same queries in the same process, with the
 *          ratios printed and the path lengths of both compared.
 *
 *   npm run bench:flight
 *   npm run bench:flight -- --section paths --queries 2000 --seed 7
 *
 * Figures on a shared machine are noisy: compare the ratios printed beside them.
 */
import { parseArgs } from 'node:util';
import {
  buildAirspace,
  FlightPathCache,
  generateSyntheticAirspace,
  planFlightPath,
  resolveFlightScope,
  type Airspace,
  type FlightPathOptions,
  type LonLat,
} from '@rd/flight';
import {
  pointInUnion,
  pointStrictlyInside,
  projectX,
  projectY,
  segmentEntersRings,
  segmentInsideUnion,
} from '@rd/flight/local-geometry';
import { MinHeap, seededRandom } from '@rd/routing';

const OPTIONS = {
  section: { type: 'string', default: 'all' },
  seed: { type: 'string', default: '1' },
  queries: { type: 'string', default: '1000' },
  zones: { type: 'string', default: '500' },
  corridors: { type: 'string', default: '50' },
  baseline: { type: 'string', default: '40' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const HELP = `npm run bench:flight -- [options]

  --section <name>    paths, or all (default all)
  --seed <n>          seed of the generated airspace and queries (default 1)
  --queries <n>       path queries (default 1000)
  --zones <n>         no-fly zones (default 500)
  --corridors <n>     corridors, over 5 of the 10 ports (default 50)
  --baseline <n>      queries that also run the textbook baseline (default 40; it is slow)
  -h, --help          this text`;

interface BenchArgs {
  seed: number;
  queries: number;
  zones: number;
  corridors: number;
  baseline: number;
}

const now = (): number => performance.now();
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const us = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;

function parse(): { section: string; args: BenchArgs } | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const known = Object.keys(OPTIONS)
      .map((k) => `--${k}`)
      .join(', ');
    console.error(`${(error as Error).message}\nKnown options: ${known}\n\n${HELP}`);
    process.exitCode = 2;
    return null;
  }
  if (values.help) {
    console.log(HELP);
    return null;
  }
  const int = (name: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${text}`);
    return n;
  };
  return {
    section: values.section,
    args: {
      seed: int('seed', values.seed),
      queries: int('queries', values.queries),
      zones: int('zones', values.zones),
      corridors: int('corridors', values.corridors),
      baseline: int('baseline', values.baseline),
    },
  };
}

interface Query {
  from: { portId: string; point: LonLat };
  to: LonLat;
  options: FlightPathOptions;
}

function pathsSection(args: BenchArgs): void {
  console.log(
    `\n## paths: ${args.queries} queries, ${args.zones} zones, ${args.corridors} corridors (seed ${args.seed})\n`,
  );
  const county = generateSyntheticAirspace({ seed: args.seed, zones: args.zones, corridors: args.corridors });
  let t = now();
  const { airspace, rejected } = buildAirspace(county.input);
  const buildMs = now() - t;
  const vertices = airspace.obstacles.reduce((n, o) => n + o.xs.length, 0);
  console.log(
    `preprocessing: ${buildMs.toFixed(0)} ms (${airspace.zones.length} zones → ${airspace.obstacles.length} buffered obstacles, ${vertices} vertices; ${airspace.corridors.length} corridors; ${rejected.length} rejected)`,
  );

  const spotById = new Map(county.spots.map((s) => [s.id, s]));
  const day0 = Date.UTC(2026, 5, 1);
  const makeQueries = (count: number, seed: number): Query[] => {
    const random = seededRandom(seed);
    const out: Query[] = [];
    for (let q = 0; q < count; q++) {
      const port = county.ports[Math.floor(random() * county.ports.length)];
      const spot = spotById.get(port.spotIds[Math.floor(random() * port.spotIds.length)]);
      if (!spot) continue;
      out.push({
        from: { portId: port.id, point: port.point },
        to: spot.point,
        options: { atMs: day0 + Math.floor(random() * 24) * 3_600_000, cruiseAltitudeAglM: 80 },
      });
    }
    return out;
  };
  const queries = makeQueries(args.queries, args.seed * 7919 + 1);
  // Warm the JIT on other queries (nothing is cached between queries but scratch arrays).
  for (const q of makeQueries(300, args.seed * 7919 + 2)) planFlightPath(airspace, q.from, q.to, q.options);

  const coldMs: number[] = [];
  const outcomes = new Map<string, number>();
  let bent = 0;
  for (const q of queries) {
    t = now();
    const result = planFlightPath(airspace, q.from, q.to, q.options);
    coldMs.push(now() - t);
    const key = result.ok ? 'ok' : result.code;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (result.ok && result.path.length > 2) bent++;
  }
  const cache = new FlightPathCache();
  for (const q of queries) cache.plan(airspace, q.from, q.to, q.options);
  const warmMs: number[] = [];
  const missesBefore = cache.stats().misses;
  const hitsBefore = cache.stats().hits;
  for (const q of queries) {
    t = now();
    cache.plan(airspace, q.from, q.to, q.options);
    warmMs.push(now() - t);
  }
  coldMs.sort((a, b) => a - b);
  warmMs.sort((a, b) => a - b);
  console.log(
    `outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; ${bent} paths bend around zones or along corridors`,
  );
  const stats = cache.stats();
  console.log(
    `cache: ${stats.size} entries (distinct port, spot, active-zone set); second pass ${stats.hits - hitsBefore} hits, ${stats.misses - missesBefore} misses`,
  );

  // Baseline on the first queries whose straight line is blocked and that have a path (the straight ones are
  // the same work for both; proving "no path" makes the textbook method search the whole county).
  const sample = queries.filter((q) => {
    const r = planFlightPath(airspace, q.from, q.to, q.options);
    return r.ok && r.path.length > 2;
  });
  const baselineQueries = sample.slice(0, args.baseline);
  const oursMs: number[] = [];
  const baseMs: number[] = [];
  let maxDiff = 0;
  const baselineStart = now();
  for (const q of baselineQueries) {
    // Time box: the baseline may take seconds per query; stop after a minute with what was measured.
    if (now() - baselineStart > 60_000) break;
    t = now();
    const ours = planFlightPath(airspace, q.from, q.to, q.options);
    oursMs.push(now() - t);
    t = now();
    const baseM = textbookLengthM(airspace, q);
    baseMs.push(now() - t);
    const oursM = ours.ok ? localLengthM(airspace, ours.path) : Infinity;
    if (Number.isFinite(baseM) || Number.isFinite(oursM)) {
      maxDiff = Math.max(maxDiff, Math.abs(oursM - baseM) / Math.max(1, baseM));
    }
  }
  oursMs.sort((a, b) => a - b);
  baseMs.sort((a, b) => a - b);

  const row = (label: string, sorted: number[], versus: string) =>
    console.log(
      `| ${label.padEnd(36)} | ${us(pct(sorted, 0.5)).padStart(9)} | ${us(pct(sorted, 0.99)).padStart(9)} | ${versus.padEnd(15)} |`,
    );
  console.log(
    `\n| ${'per query'.padEnd(36)} | ${'p50'.padStart(9)} | ${'p99'.padStart(9)} | ${'p50 vs textbook'.padEnd(15)} |`,
  );
  console.log(`| ${'-'.repeat(36)} | ${'-'.repeat(9)} | ${'-'.repeat(9)} | ${'-'.repeat(15)} |`);
  row(`all ${queries.length} queries, no cache`, coldMs, '');
  row(`all ${queries.length} queries, cache warm`, warmMs, '');
  row(
    `${baselineQueries.length} detour queries, ours`,
    oursMs,
    `${ratio(pct(baseMs, 0.5), pct(oursMs, 0.5))} faster`,
  );
  row(`${baseMs.length} detour queries, textbook`, baseMs, '1×');
  console.log(
    `\n(baseline: ${baseMs.length} of the first ${baselineQueries.length} detour queries within its one-minute time box)`,
  );
  console.log(`path lengths, ours vs textbook: largest relative difference ${maxDiff.toExponential(1)}`);
  console.log(`cold p50 vs cached p50: ${ratio(pct(coldMs, 0.5), pct(warmMs, 0.5))}`);
}

function localLengthM(airspace: Airspace, path: LonLat[]): number {
  const p = airspace.projection;
  let total = 0;
  for (let i = 1; i < path.length; i++) {
    total += Math.hypot(
      projectX(p, path[i][0]) - projectX(p, path[i - 1][0]),
      projectY(p, path[i][1]) - projectY(p, path[i - 1][1]),
    );
  }
  return total;
}

/**
 * The textbook method: nodes are every vertex of every active obstacle and keep-in corridor (plus the
 * corridor crossings), A* with the straight-line heuristic and edges checked lazily against every active
 * obstacle in a linear scan — no spatial index, no search window, no convexity or tangent pruning.
 */
function textbookLengthM(airspace: Airspace, q: Query): number {
  const scope = resolveFlightScope(airspace, q.from, q.options);
  if ('ok' in scope) return Infinity;
  const p = airspace.projection;
  const active = airspace.obstacles.filter((_, o) => scope.obstacleActive[o] === 1);
  const keepIn = scope.keepIn.map((c) => airspace.corridorRings[c]);
  const xs = [projectX(p, q.from.point[0]), projectX(p, q.to[0])];
  const ys = [projectY(p, q.from.point[1]), projectY(p, q.to[1])];
  const blocked = (x: number, y: number) => active.some((rings) => pointStrictlyInside(rings, x, y));
  if (blocked(xs[0], ys[0]) || blocked(xs[1], ys[1])) return Infinity;
  const free = (x: number, y: number) =>
    !blocked(x, y) && (keepIn.length === 0 || pointInUnion(keepIn, x, y));
  for (const rings of [...active, ...keepIn]) {
    for (let i = 0; i < rings.xs.length; i++) {
      if (free(rings.xs[i], rings.ys[i])) {
        xs.push(rings.xs[i]);
        ys.push(rings.ys[i]);
      }
    }
  }
  for (const c of scope.keepIn) {
    const crossings = airspace.corridorCrossings[c];
    for (let i = 0; i < crossings.xs.length; i++) {
      if (free(crossings.xs[i], crossings.ys[i])) {
        xs.push(crossings.xs[i]);
        ys.push(crossings.ys[i]);
      }
    }
  }
  const visible = (a: number, b: number) =>
    !active.some((rings) => segmentEntersRings(rings, xs[a], ys[a], xs[b], ys[b])) &&
    (keepIn.length === 0 || segmentInsideUnion(keepIn, xs[a], ys[a], xs[b], ys[b]));
  const n = xs.length;
  const dist = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  const heap = new MinHeap(n);
  const h = (v: number) => Math.hypot(xs[1] - xs[v], ys[1] - ys[v]);
  dist[0] = 0;
  heap.push(0, h(0));
  while (heap.length > 0) {
    const u = heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    if (u === 1) break;
    for (let v = 1; v < n; v++) {
      if (done[v]) continue;
      const nd = dist[u] + Math.hypot(xs[v] - xs[u], ys[v] - ys[u]);
      if (nd >= dist[v] || !visible(u, v)) continue;
      dist[v] = nd;
      heap.push(v, nd + h(v));
    }
  }
  return dist[1];
}

const SECTIONS: Record<string, (args: BenchArgs) => void> = { paths: pathsSection };

function main(): void {
  const parsed = parse();
  if (!parsed) return;
  const names = parsed.section === 'all' ? Object.keys(SECTIONS) : parsed.section.split(',');
  for (const name of names) {
    const run = SECTIONS[name];
    if (!run) {
      console.error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}, all`);
      process.exitCode = 2;
      return;
    }
    run(parsed.args);
  }
}

main();
