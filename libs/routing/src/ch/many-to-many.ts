import { grown } from '../typed-arrays';
import { MinHeap } from '../heap';
import type { ContractionHierarchy } from './contract';
import { packSeeds, type PackedSeeds } from './packed-seeds';
import { CoreNodeList, type CoreTable } from './core-table';
import type { Seeds } from './seeds';

/**
 * The targets' side of a table, computed once and then read by every row (in any thread: all
 * typed arrays, nothing else). `buckets`: the classic bucket many-to-many (each target's upward
 * backward search leaves (target, weight) entries at the nodes it settles; a row scans the
 * buckets of the nodes its forward search settles). `sweep`: RPHAST (Delling et al., "Faster
 * Batched Shortest Paths in Road Networks", 2011): the targets' upward closure as a small
 * downward graph in a topological order (by depth, see `sweepOrder`); rows are filled in
 * batches of `sweepLanes`: their forward searches, then one linear sweep over that graph for all of
 * them. Which is cheaper depends on the graph and the targets (see `chooseMethod`).
 */
export type TargetTable = BucketTable | SweepTable;

export interface BucketTable {
  method: 'buckets';
  cols: number;
  /** With a core table (ChManyToManyOptions.core): buckets below the core only, and each target's exits into it. */
  core?: BucketCore;
  /** CSR over hierarchy ids: node x's bucket is entries first[x] to first[x + 1], targets ascending. */
  first: Uint32Array;
  target: Int32Array;
  weight: Float64Array;
  aux: Float64Array;
}

/**
 * The core part of a bucket table: searches stop at the core (ids from `start` up); each target's
 * backward search leaves its exits (core node, weight, second figure) instead of buckets there, and
 * a row adds (source → entry) + core table (entry → exit) + (exit → target), in two passes: the
 * row's entries against the whole core table (the distance to every core node), then each target's
 * few exits. Tens of entries and exits a side against the half a million bucket entries a row
 * scans at 5 M nodes without it.
 */
export interface BucketCore extends CoreTable {
  /** Target j's exits: exitFirst[j] to exitFirst[j + 1], core-local node ids. */
  exitFirst: Uint32Array;
  exitLocal: Int32Array;
  exitWeight: Float64Array;
  exitAux: Float64Array;
}

export interface SweepTable {
  method: 'sweep';
  cols: number;
  /** Hierarchy id → position in the sweep, or -1 outside the targets' closure. */
  local: Int32Array;
  /** Arcs into sweep node l come from earlier sweep nodes (of higher rank): arcFirst[l] to arcFirst[l + 1]. */
  arcFirst: Uint32Array;
  arcFrom: Uint32Array;
  arcWeight: Float64Array;
  arcAux: Float64Array;
  /** Target j's seeds as sweep positions with their remaining cost: targetFirst[j] to targetFirst[j + 1]. */
  targetFirst: Uint32Array;
  targetLocal: Uint32Array;
  targetWeight: Float64Array;
  targetAux: Float64Array;
}

export type TableMethod = TargetTable['method'];

/** The parts of a hierarchy a table reads (what a worker thread is sent, in shared memory). */
export type TableHierarchy = Pick<
  ContractionHierarchy,
  | 'nodeCount'
  | 'rank'
  | 'upFirst'
  | 'upTarget'
  | 'upWeight'
  | 'upAux'
  | 'downFirst'
  | 'downSource'
  | 'downWeight'
  | 'downAux'
>;

export const TABLE_HIERARCHY_ARRAYS = [
  'rank',
  'upFirst',
  'upTarget',
  'upWeight',
  'upAux',
  'downFirst',
  'downSource',
  'downWeight',
  'downAux',
] as const;

/** Cost estimates (in bucket-entry visits per row) behind the automatic method choice. */
export interface TableEstimate {
  method: TableMethod;
  bucketEntriesPerRow: number;
  /** The sweep's estimated cost per row in the same unit (bucket entries), for its rows per pass. */
  sweepCostPerRow: number;
  sweepNodes: number;
  sweepArcs: number;
}

// Cost of one closure arc or node per row against one bucket entry, for a sweep of `lanes` rows
// per pass: 1 + 1.5 / lanes. Measured on a 1 M-node county, 10,000 targets (closure 94 k nodes /
// 281 k arcs; bench:routing:lanes, CPU time in one process): 2.4 at 1 lane, 1.4 at 4, 1.1 at 8,
// 1.0 at 16; the formula stays a little above each, on the safe side. A target seed costs about one.
const SWEEP_CLOSURE_COST = 1;
const SWEEP_CLOSURE_COST_PER_PASS = 1.5;
const SAMPLE = 32;
/** Tables up to this many entries use buckets without estimating (the estimate would cost as much). */
const SMALL_TABLE = 64 * 64;
/** Buckets chosen without an estimate (a small table, or buckets through a core table). */
const BUCKETS_UNESTIMATED: TableEstimate = Object.freeze({
  method: 'buckets',
  bucketEntriesPerRow: NaN,
  sweepCostPerRow: NaN,
  sweepNodes: NaN,
  sweepArcs: NaN,
});

type Out = Float64Array | Float32Array;

// what an upward search does at each node it settles (one loop for all four uses)
const COLLECT = 0; // backward: leave a bucket entry
const SCAN = 1; // forward: scan the node's bucket
const SEED_SWEEP = 2; // forward: start the sweep at the node
const COUNT = 3; // forward: add up bucket sizes (estimate)

export interface ChManyToManyOptions {
  /**
   * Rows a sweep table fills per pass over its closure (default 16): each arc is read once per
   * batch and relaxes every lane, so the closure streams through the cache once per batch, not
   * once per row (Delling, Goldberg, Werneck 2011). 1 is the plain one-row sweep.
   */
  sweepLanes?: number;
  /** A core table of the hierarchy (buildCoreTable): bucket tables go through it (BucketCore). */
  core?: CoreTable | null;
}

// 16: 2.4× the one-row sweep on a 1 M-node county, 8: 2.1×, 32: 2.3× (bench:routing:lanes)
const DEFAULT_SWEEP_LANES = 16;
/** Targets per block when a sweep batch writes its entries. */
const TARGET_BLOCK = 256;

/**
 * Many-to-many on a CH: `compute` for a whole table, or `prepare` once and `fillRows` for row
 * ranges (how worker threads share one table). Upward searches use stall-on-demand. Reusable; not
 * re-entrant; one per thread.
 */
export class ChManyToMany {
  private readonly dist: Float64Array;
  private readonly aux: Float64Array;
  private readonly stamp: Int32Array;
  private stampValue = 0;
  private readonly heap = new MinHeap(256);
  // bucket entries, collected per target then sorted by node
  private entryNode: Int32Array = new Int32Array(1024);
  private entryTarget: Int32Array = new Int32Array(1024);
  private entryWeight: Float64Array = new Float64Array(1024);
  private entryAux: Float64Array = new Float64Array(1024);
  private entryCount = 0;
  private counts: Uint32Array | null = null;
  private closureMark: Int32Array | null = null;
  private closureStamp = 0;
  private counted = 0;
  // sweep state of a batch: sweep position l's weights in lanes at l * 2 * lanes + r, its second
  // figures right after them (+ lanes), so one arc reads one block of adjacent cache lines
  private sweepState = new Float64Array(0);
  /** The lane the current forward search seeds (its row's place in the batch). */
  private lane = 0;
  /** Rows per sweep pass (see ChManyToManyOptions.sweepLanes). */
  readonly lanes: number;
  private readonly core: CoreTable | null;
  // a core row: the row's core entries, then its weights (and second figures) to every core node
  private readonly rowEntries = new CoreNodeList(64);
  private coreRowW = new Float64Array(0);
  private coreRowAux = new Float64Array(0);
  // a core bucket table's exits while it is prepared
  private readonly exits = new CoreNodeList(1024);
  // the table a forward search reads, and the row it writes
  private table: TargetTable | null = null;
  private outW: Out | null = null;
  private outAux: Out | null = null;
  private rowOffset = 0;
  /** Bucket entries of the last bucket table, for benchmarks. */
  lastBucketEntries = 0;
  /** The method of the last `compute` and its estimate. */
  lastEstimate: TableEstimate | null = null;

  constructor(
    readonly ch: TableHierarchy,
    options: ChManyToManyOptions = {},
  ) {
    this.lanes = Math.max(1, Math.floor(options.sweepLanes ?? DEFAULT_SWEEP_LANES));
    this.core = options.core ?? null;
    const n = ch.nodeCount;
    this.dist = new Float64Array(n);
    this.aux = new Float64Array(n);
    this.stamp = new Int32Array(n);
  }

  /**
   * Fills `outWeight[i * cols + j]` and `outAux[…]` with the best weight (Infinity if none) and its
   * second figure from sources[i] to targets[j]. Does not consider paths that stay on one edge
   * (callers add those). `method` forces one algorithm (default: the cheaper by estimate).
   */
  compute(
    sources: readonly Seeds[],
    targets: readonly Seeds[],
    outWeight: Out,
    outAux: Out,
    method?: TableMethod,
  ): void {
    const src = packSeeds(sources, this.ch.rank);
    const tgt = packSeeds(targets, this.ch.rank);
    const table = this.prepare(tgt, method ?? this.chooseMethod(src, tgt).method);
    this.fillRows(table, src, 0, src.count, outWeight, outAux);
  }

  /** Estimates both methods' cost per row on samples of the sources and targets, and picks the cheaper. */
  chooseMethod(sources: PackedSeeds, targets: PackedSeeds): TableEstimate {
    // through a core, buckets are small: the sweep's whole closure is not worth estimating against
    const est = this.core ? BUCKETS_UNESTIMATED : this.estimate(sources, targets);
    this.lastEstimate = est;
    return est;
  }

  /** The targets' side of a table (see TargetTable). */
  prepare(targets: PackedSeeds, method: TableMethod): TargetTable {
    return method === 'sweep' ? this.prepareSweep(targets) : this.prepareBuckets(targets);
  }

  /**
   * Writes rows `from` to `to` (exclusive) of the table: row i at `i * cols` in the outputs, which
   * hold the whole table (rows outside the range are not touched).
   */
  fillRows(
    table: TargetTable,
    sources: PackedSeeds,
    from: number,
    to: number,
    outWeight: Out,
    outAux: Out,
  ): void {
    const cols = table.cols;
    // a sweep row writes every entry once; a bucket row keeps minima, so it starts from Infinity
    if (table.method === 'buckets') {
      outWeight.fill(Infinity, from * cols, to * cols);
      outAux.fill(Infinity, from * cols, to * cols);
    }
    this.table = table;
    this.outW = outWeight;
    this.outAux = outAux;
    if (table.method === 'buckets') {
      const core = table.core;
      for (let i = from; i < to; i++) {
        this.rowOffset = i * cols;
        this.rowEntries.count = 0;
        this.search(sources, i, true, SCAN, i, core ? core.start : this.ch.nodeCount);
        if (core) this.throughCore(core, cols);
      }
    } else {
      const lanes = this.lanes;
      const size = table.arcFirst.length - 1;
      this.ensureSweepState(size * 2 * lanes);
      // batches of `lanes` rows within the range; the last may be partial (its spare lanes stay Infinity)
      for (let i = from; i < to; i += lanes) {
        const rows = Math.min(lanes, to - i);
        this.sweepState.fill(Infinity, 0, size * 2 * lanes);
        for (let r = 0; r < rows; r++) {
          this.lane = r;
          this.search(sources, i + r, true, SEED_SWEEP, i + r, this.ch.nodeCount);
        }
        this.sweep(table, i, rows);
      }
    }
    this.table = null;
    this.outW = null;
    this.outAux = null;
  }

  private prepareBuckets(targets: PackedSeeds): BucketTable {
    const n = this.ch.nodeCount;
    this.entryCount = 0;
    this.exits.count = 0;
    const core = this.core;
    const exitFirst = new Uint32Array(targets.count + 1);
    for (let j = 0; j < targets.count; j++) {
      this.search(targets, j, false, COLLECT, j, core ? core.start : n);
      exitFirst[j + 1] = this.exits.count;
    }
    // counting sort of entries by node (stable: targets stay ascending within a bucket)
    const count = this.entryCount;
    this.lastBucketEntries = count;
    const first = new Uint32Array(n + 1);
    for (let k = 0; k < count; k++) first[this.entryNode[k] + 1]++;
    for (let v = 0; v < n; v++) first[v + 1] += first[v];
    const fill = first.slice(0, n);
    const target = new Int32Array(count);
    const weight = new Float64Array(count);
    const aux = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      const i = fill[this.entryNode[k]]++;
      target[i] = this.entryTarget[k];
      weight[i] = this.entryWeight[k];
      aux[i] = this.entryAux[k];
    }
    const table: BucketTable = { method: 'buckets', cols: targets.count, first, target, weight, aux };
    if (core) {
      const { count, local, weight: exitWeight, aux: exitAux } = this.exits;
      table.core = {
        ...core,
        exitFirst,
        exitLocal: local.slice(0, count),
        exitWeight: exitWeight.slice(0, count),
        exitAux: exitAux.slice(0, count),
      };
    }
    return table;
  }

  /**
   * The targets' upward closure (over the down lists) in descending rank, and its arc count. Marks
   * with a stamp in a reused array, so the cost follows the closure, not the graph (small tables
   * on a province graph stay cheap).
   */
  private closure(targets: PackedSeeds): { nodes: Uint32Array; arcs: number } {
    const ch = this.ch;
    const mark = (this.closureMark ??= new Int32Array(ch.nodeCount));
    const stamp = ++this.closureStamp;
    let list = new Uint32Array(Math.max(16, targets.node.length * 4));
    let size = 0;
    const push = (v: number): void => {
      mark[v] = stamp;
      if (size === list.length) {
        const next = new Uint32Array(size * 2);
        next.set(list);
        list = next;
      }
      list[size++] = v;
    };
    for (let k = 0; k < targets.node.length; k++) if (mark[targets.node[k]] !== stamp) push(targets.node[k]);
    const { downFirst, downSource } = ch;
    let arcs = 0;
    // the list is its own work queue: nodes past `done` still have their arcs to follow
    for (let done = 0; done < size; done++) {
      const x = list[done];
      arcs += downFirst[x + 1] - downFirst[x];
      for (let i = downFirst[x], end = downFirst[x + 1]; i < end; i++)
        if (mark[downSource[i]] !== stamp) push(downSource[i]);
    }
    const nodes = list.slice(0, size).sort().reverse();
    return { nodes, arcs };
  }

  private prepareSweep(targets: PackedSeeds): SweepTable {
    const ch = this.ch;
    const { nodes: byRank, arcs } = this.closure(targets);
    const size = byRank.length;
    const local = new Int32Array(ch.nodeCount).fill(-1);
    const nodes = this.sweepOrder(byRank, local);
    for (let l = 0; l < size; l++) local[nodes[l]] = l;
    const arcFirst = new Uint32Array(size + 1);
    const arcFrom = new Uint32Array(arcs);
    const arcWeight = new Float64Array(arcs);
    const arcAux = new Float64Array(arcs);
    const { downFirst, downSource, downWeight, downAux } = ch;
    let k = 0;
    for (let l = 0; l < size; l++) {
      const x = nodes[l];
      for (let i = downFirst[x], end = downFirst[x + 1]; i < end; i++, k++) {
        arcFrom[k] = local[downSource[i]];
        arcWeight[k] = downWeight[i];
        arcAux[k] = downAux[i];
      }
      arcFirst[l + 1] = k;
    }
    const m = targets.node.length;
    const targetLocal = new Uint32Array(m);
    for (let i = 0; i < m; i++) targetLocal[i] = local[targets.node[i]];
    return {
      method: 'sweep',
      cols: targets.count,
      local,
      arcFirst,
      arcFrom,
      arcWeight,
      arcAux,
      targetFirst: targets.first,
      targetLocal,
      targetWeight: targets.weight,
      targetAux: targets.aux,
    };
  }

  /**
   * The sweep's order: the closure by depth below its top (a node comes one level below the deepest
   * node with an arc into it), descending rank within a depth. Any order with every node after the
   * nodes its arcs come from gives the same numbers; this one halved the batched sweep's CPU time on
   * a 1 M-node county against descending rank alone (bench:routing:lanes), because the nodes a level
   * reads were mostly written by the level just above and are still in cache.
   */
  private sweepOrder(byRank: Uint32Array, local: Int32Array): Uint32Array {
    const size = byRank.length;
    for (let l = 0; l < size; l++) local[byRank[l]] = l;
    const depth = new Uint32Array(size);
    let depths = 0;
    const { downFirst, downSource } = this.ch;
    // descending rank is an order in which every arc's source comes first
    for (let l = 0; l < size; l++) {
      const x = byRank[l];
      let d = 0;
      for (let i = downFirst[x], end = downFirst[x + 1]; i < end; i++) {
        const above = depth[local[downSource[i]]] + 1;
        if (above > d) d = above;
      }
      depth[l] = d;
      if (d >= depths) depths = d + 1;
    }
    // counting sort by depth, stable (rank stays descending within a depth)
    const start = new Uint32Array(depths + 1);
    for (let l = 0; l < size; l++) start[depth[l] + 1]++;
    for (let d = 0; d < depths; d++) start[d + 1] += start[d];
    const out = new Uint32Array(size);
    for (let l = 0; l < size; l++) out[start[depth[l]]++] = byRank[l];
    return out;
  }

  private estimate(sources: PackedSeeds, targets: PackedSeeds): TableEstimate {
    const ch = this.ch;
    if (sources.count * targets.count <= SMALL_TABLE) return BUCKETS_UNESTIMATED;
    const { nodes, arcs } = this.closure(targets);
    const size = nodes.length;
    // bucket sizes of a sample of targets, then the entries a sample of rows would scan
    const counts = (this.counts ??= new Uint32Array(ch.nodeCount));
    const tStep = Math.max(1, Math.floor(targets.count / SAMPLE));
    const sStep = Math.max(1, Math.floor(sources.count / SAMPLE));
    this.entryCount = 0;
    let sampledTargets = 0;
    for (let j = 0; j < targets.count; j += tStep, sampledTargets++)
      this.search(targets, j, false, COLLECT, j, ch.nodeCount);
    for (let k = 0; k < this.entryCount; k++) counts[this.entryNode[k]]++;
    this.counted = 0;
    let sampledSources = 0;
    for (let i = 0; i < sources.count; i += sStep, sampledSources++)
      this.search(sources, i, true, COUNT, i, ch.nodeCount);
    for (let k = 0; k < this.entryCount; k++) counts[this.entryNode[k]] = 0;
    this.entryCount = 0;
    const bucketEntriesPerRow =
      sampledSources > 0 && sampledTargets > 0
        ? (this.counted / sampledSources) * (targets.count / sampledTargets)
        : 0;
    const closureCost = SWEEP_CLOSURE_COST + SWEEP_CLOSURE_COST_PER_PASS / this.lanes;
    const sweepCost = closureCost * (arcs + size) + targets.node.length;
    return {
      method: sweepCost < bucketEntriesPerRow ? 'sweep' : 'buckets',
      bucketEntriesPerRow,
      sweepCostPerRow: sweepCost,
      sweepNodes: size,
      sweepArcs: arcs,
    };
  }

  private ensureSweepState(entries: number): void {
    if (this.sweepState.length >= entries) return;
    this.sweepState = new Float64Array(entries);
  }

  /**
   * Rows `row0` to `row0 + rows` of a sweep table at once: down the closure in sweep order,
   * each arc relaxing every lane, then each target's seeds. Lane r is row row0 + r; its forward
   * search left its weights at its settled closure nodes and Infinity elsewhere. Per lane, the
   * weights are added and compared in the same order as a one-row sweep, so the entries are the
   * same to the bit whatever the batch size. A second figure is only read where its weight is finite
   * (so it needs no clearing).
   */
  private sweep(t: SweepTable, row0: number, rows: number): void {
    const S = this.sweepState;
    const K = this.lanes;
    const stride = 2 * K;
    const { arcFirst, arcFrom, arcWeight, arcAux } = t;
    const size = arcFirst.length - 1;
    for (let l = 0, lb = 0; l < size; l++, lb += stride) {
      for (let k = arcFirst[l], end = arcFirst[l + 1]; k < end; k++) {
        const ub = arcFrom[k] * stride;
        const cw = arcWeight[k];
        const ca = arcAux[k];
        for (let r = 0; r < K; r++) {
          const c = S[ub + r] + cw;
          if (c < S[lb + r]) {
            S[lb + r] = c;
            S[lb + K + r] = S[ub + K + r] + ca;
          }
        }
      }
    }
    this.writeTargets(t, row0, rows);
  }

  /** A batch's entries: for each target and lane, the best of the target's seeds. */
  private writeTargets(t: SweepTable, row0: number, rows: number): void {
    const S = this.sweepState;
    const K = this.lanes;
    const stride = 2 * K;
    const outW = this.outW as Out;
    const outAux = this.outAux as Out;
    const { targetFirst, targetLocal, targetWeight, targetAux } = t;
    const cols = t.cols;
    // blocks of targets, row by row within a block: each row's writes stay sequential and the
    // block's seeds stay in L1 for all lanes (target-major order wrote `lanes` rows at once and
    // spent most of its time in those scattered stores)
    for (let j0 = 0; j0 < cols; j0 += TARGET_BLOCK) {
      const j1 = Math.min(cols, j0 + TARGET_BLOCK);
      for (let r = 0; r < rows; r++) {
        const rowStart = (row0 + r) * cols;
        for (let j = j0, k = targetFirst[j0]; j < j1; j++) {
          let w = Infinity;
          let a = Infinity;
          for (const end = targetFirst[j + 1]; k < end; k++) {
            const x = targetLocal[k] * stride + r;
            const c = S[x] + targetWeight[k];
            if (c < w) {
              w = c;
              a = S[x + K] + targetAux[k];
            }
          }
          outW[rowStart + j] = w;
          outAux[rowStart + j] = a;
        }
      }
    }
  }

  /**
   * One upward search from seed set `i`; `mode` says what to do at each settled node. Nodes from
   * `coreStart` up (a core bucket table) are not expanded: a row keeps them as entries, a target as exits.
   */
  private search(
    seeds: PackedSeeds,
    i: number,
    forward: boolean,
    mode: number,
    index: number,
    coreStart: number,
  ): void {
    const ch = this.ch;
    const { dist, aux, heap } = this;
    const stamps = this.stamp;
    const stamp = ++this.stampValue;
    heap.clear();
    for (let k = seeds.first[i], end = seeds.first[i + 1]; k < end; k++) {
      const v = seeds.node[k];
      // two seeds on one node (a turn copy is its own node, so rare): keep the cheaper
      if (stamps[v] === stamp && dist[v] <= seeds.weight[k]) continue;
      stamps[v] = stamp;
      dist[v] = seeds.weight[k];
      aux[v] = seeds.aux[k];
      heap.push(v, dist[v]);
    }
    // forward: relax up, stall via down; backward: relax down, stall via up
    const relaxFirst = forward ? ch.upFirst : ch.downFirst;
    const relaxTo = forward ? ch.upTarget : ch.downSource;
    const relaxW = forward ? ch.upWeight : ch.downWeight;
    const relaxAux = forward ? ch.upAux : ch.downAux;
    const stallFirst = forward ? ch.downFirst : ch.upFirst;
    const stallFrom = forward ? ch.downSource : ch.upTarget;
    const stallW = forward ? ch.downWeight : ch.upWeight;
    while (heap.length > 0) {
      const d = heap.peekValue();
      const x = heap.pop();
      if (d > dist[x]) continue;
      let stalled = false;
      for (let k = stallFirst[x], end = stallFirst[x + 1]; k < end; k++) {
        const y = stallFrom[k];
        if (stamps[y] === stamp && dist[y] + stallW[k] < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      const ax = aux[x];
      if (x >= coreStart) {
        (mode === SCAN ? this.rowEntries : this.exits).push(x - coreStart, d, ax);
        continue;
      }
      if (mode === SCAN) this.scanBucket(x, d, ax);
      else if (mode === SEED_SWEEP) {
        const l = (this.table as SweepTable).local[x];
        if (l >= 0) {
          const at = l * 2 * this.lanes + this.lane;
          this.sweepState[at] = d;
          this.sweepState[at + this.lanes] = ax;
        }
      } else if (mode === COLLECT) this.addEntry(x, index, d, ax);
      else this.counted += (this.counts as Uint32Array)[x];
      for (let k = relaxFirst[x], end = relaxFirst[x + 1]; k < end; k++) {
        const y = relaxTo[k];
        const nd = d + relaxW[k];
        if (stamps[y] !== stamp || nd < dist[y]) {
          stamps[y] = stamp;
          dist[y] = nd;
          aux[y] = ax + relaxAux[k];
          heap.push(y, nd);
        }
      }
    }
  }

  /**
   * The core part of a row: its weights to every core node (entries × core table rows, read in
   * order), then each target's exits; keeps an entry only where it beats the buckets' meeting.
   */
  private throughCore(core: BucketCore, cols: number): void {
    const k = core.size;
    if (this.coreRowW.length < k) {
      this.coreRowW = new Float64Array(k);
      this.coreRowAux = new Float64Array(k);
    }
    const D = this.coreRowW;
    const DA = this.coreRowAux;
    D.fill(Infinity, 0, k);
    const { weight: T, aux: TA } = core;
    const entries = this.rowEntries;
    for (let e = 0; e < entries.count; e++) {
      const df = entries.weight[e];
      const af = entries.aux[e];
      const base = entries.local[e] * k;
      for (let c = 0; c < k; c++) {
        const v = df + T[base + c];
        if (v < D[c]) {
          D[c] = v;
          DA[c] = af + TA[base + c];
        }
      }
    }
    const outW = this.outW as Out;
    const outAux = this.outAux as Out;
    const row = this.rowOffset;
    const { exitFirst, exitLocal, exitWeight, exitAux } = core;
    for (let j = 0; j < cols; j++) {
      const o = row + j;
      let best = outW[o];
      for (let x = exitFirst[j], end = exitFirst[j + 1]; x < end; x++) {
        const v = D[exitLocal[x]] + exitWeight[x];
        if (v < best) {
          best = v;
          outW[o] = v;
          outAux[o] = DA[exitLocal[x]] + exitAux[x];
        }
      }
    }
  }

  private scanBucket(x: number, d: number, ax: number): void {
    const { first, target, weight, aux } = this.table as BucketTable;
    const outW = this.outW as Out;
    const outAux = this.outAux as Out;
    const row = this.rowOffset;
    for (let k = first[x], end = first[x + 1]; k < end; k++) {
      const o = row + target[k];
      const w = d + weight[k];
      if (w < outW[o]) {
        outW[o] = w;
        outAux[o] = ax + aux[k];
      }
    }
  }

  private addEntry(node: number, target: number, weight: number, aux: number): void {
    if (this.entryCount === this.entryNode.length) {
      const cap = this.entryCount * 2;
      this.entryNode = grown(this.entryNode, cap);
      this.entryTarget = grown(this.entryTarget, cap);
      this.entryWeight = grown(this.entryWeight, cap);
      this.entryAux = grown(this.entryAux, cap);
    }
    const k = this.entryCount++;
    this.entryNode[k] = node;
    this.entryTarget[k] = target;
    this.entryWeight[k] = weight;
    this.entryAux[k] = aux;
  }
}
