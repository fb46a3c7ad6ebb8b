/**
 * Contraction priorities side by side in one process on one generated county: each variant of
 * `contract`'s priority weights and witness limits builds its own hierarchy of the same graph,
 * then answers the same point-to-point pairs and the same table. Prints contraction time,
 * shortcuts, settled nodes, query p50 / mean CPU and table time, each with its ratio to the
 * first variant, and checks that every variant gives the same answers.
 *
 *   npm run bench:routing:priority -- --nodes 1000000 --variants '10,1,5,2;10,1,5,10'
 */
import { cpuUsage } from 'node:process';
import { parseArgs } from 'node:util';
import {
  ChQuery,
  ChRoadRouter,
  buildRoadGraphs,
  generateRuralNetwork,
  prepareProfile,
  sourceSeeds,
  targetSeeds,
  VAN,
  type ContractOptions,
  type SnappedPoint,
} from '@rd/routing';
import { CliUsageError, exitOnUsageError, guardCli } from '@rd/config';
import { ContractionThreads } from '@rd/road-router';
import { randomSnapped } from './random-points';

const USAGE = `usage: npm run bench:routing:priority -- [flags]

  --nodes <n>       generated county size in graph nodes (default 1000000)
  --variants <list> ';'-separated priority weights "edgeDiff,origEdges,neighbours,level", each
                    optionally followed by "/simulateLimit/witnessLimit[/hops[/threads]]" (default
                    "10,1,5,2;10,1,5,10": the old default against the current one)
  --pairs <n>       point-to-point pairs (default 5000)
  --matrix <n>      table side, 0 skips (default 2000)
  -h, --help        this text`;

interface Variant {
  label: string;
  options: ContractOptions;
  threads: number;
}

function parseVariants(text: string): Variant[] {
  return text.split(';').map((part) => {
    const [weights, simulate, witness, hops, threads] = part.trim().split('/');
    const w = weights.split(',').map(Number);
    if (w.length !== 4 || w.some((x) => !Number.isFinite(x)))
      throw new CliUsageError(
        `--variants: "${part}" needs four numbers "edgeDiff,origEdges,neighbours,level"`,
      );
    return {
      label: part.trim(),
      options: {
        priorityWeights: w as [number, number, number, number],
        ...(simulate ? { simulateSettleLimit: Number(simulate) } : {}),
        ...(witness ? { witnessSettleLimit: Number(witness) } : {}),
        ...(hops ? { independence: Number(hops) as 1 | 2 } : {}),
      },
      threads: threads ? Number(threads) : 1,
    };
  });
}

const cpuMs = (): number => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  guardCli(USAGE, ['nodes', 'variants', 'pairs', 'matrix']);
  const opts = parseArgs({
    strict: true,
    options: {
      nodes: { type: 'string', default: '1000000' },
      variants: { type: 'string', default: '10,1,5,2;10,1,5,10' },
      pairs: { type: 'string', default: '5000' },
      matrix: { type: 'string', default: '2000' },
    },
  }).values;
  const pairs = Number(opts.pairs);
  const side = Number(opts.matrix);
  let variants: Variant[];
  try {
    variants = parseVariants(opts.variants!);
  } catch (error) {
    exitOnUsageError(error);
  }
  const net = generateRuralNetwork({ seed: 2026, targetNodes: Number(opts.nodes) });
  const g = buildRoadGraphs(net.osm, [VAN]).van;
  console.log(
    `contraction priorities on a generated county of ${g.nodeCount} graph nodes (seed 2026), van fastest; ` +
      `${pairs} pairs, ${side}² table on one thread; CPU time; ratios against the first variant`,
  );
  console.log(
    '| weights (edge diff, orig. edges, neighbours, level)[/simulate/witness limits/hops/threads] | contraction wall (CPU, all threads) | shortcuts | settled per query | CH p50 | CH mean CPU | table CPU |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  let points: SnappedPoint[] | null = null;
  let base: number[] | null = null;
  let answers: number | null = null;
  for (const variant of variants) {
    const runner = variant.threads > 1 ? new ContractionThreads({ threads: variant.threads }) : undefined;
    let t = cpuMs();
    const wall = performance.now();
    const pd = prepareProfile(g, { weightings: ['fastest'], contract: { ...variant.options, runner } });
    const contractMs = cpuMs() - t;
    const contractWallMs = performance.now() - wall;
    if (runner?.note) console.log(`(${variant.label}: ${runner.note})`);
    await runner?.close();
    const ch = pd.ch.fastest!;
    const router = new ChRoadRouter({ profiles: { van: pd } });
    points ??= randomSnapped(router, g, Math.max(4000, 2 * side), 5, 'van');
    const n = points.length;
    const src = points.map((p) => sourceSeeds(g, 'fastest', p));
    const tgt = points.map((p) => targetSeeds(g, 'fastest', p));
    const q = new ChQuery(ch);
    for (let i = 0; i < 500; i++) q.query(src[i % n], tgt[(i * 7 + 3) % n]);
    const times: number[] = [];
    let settled = 0;
    let sum = 0;
    t = cpuMs();
    for (let i = 0; i < pairs; i++) {
      const a = performance.now();
      const r = q.query(src[(2 * i) % n], tgt[(2 * i + 1) % n]);
      times.push(performance.now() - a);
      settled += q.lastSettled;
      if (Number.isFinite(r.weight)) sum += r.weight;
    }
    const meanUs = ((cpuMs() - t) / pairs) * 1000;
    times.sort((a, b) => a - b);
    const p50Us = times[Math.floor(pairs / 2)] * 1000;
    let tableMs = NaN;
    if (side > 0) {
      router.matrix32Sync(points.slice(0, 10), points.slice(0, 10), { profile: 'van' });
      t = cpuMs();
      router.matrix32Sync(points.slice(0, side), points.slice(side, 2 * side), { profile: 'van' });
      tableMs = cpuMs() - t;
    }
    // any hierarchy answers exactly: the weights summed over all pairs agree to rounding
    if (answers === null) answers = sum;
    else if (Math.abs(sum - answers) > 1e-6 * answers)
      throw new Error(`${variant.label}: answers differ from the first variant (${sum} vs ${answers})`);
    const figures = [contractWallMs, ch.shortcutCount, settled / pairs, p50Us, meanUs, tableMs];
    base ??= figures;
    const cell = (i: number, text: string) => `${text} (${(figures[i] / base![i]).toFixed(2)}×)`;
    console.log(
      `| ${variant.label} | ${cell(0, `${(contractWallMs / 1000).toFixed(1)} s`)} (CPU ${(contractMs / 1000).toFixed(1)} s) | ${cell(1, String(ch.shortcutCount))} | ` +
        `${cell(2, (settled / pairs).toFixed(0))} | ${cell(3, `${p50Us.toFixed(1)} µs`)} | ${cell(4, `${meanUs.toFixed(1)} µs`)} | ` +
        `${side > 0 ? cell(5, `${tableMs.toFixed(0)} ms`) : '–'} |`,
    );
  }
}

void main();
