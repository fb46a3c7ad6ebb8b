import { typedArray } from '../typed-arrays';

/**
 * Per-node lists of arc ids in one growable Int32Array slab (contraction's adjacency, which
 * changes as shortcuts are added and nodes removed). Each node owns a block; a full block moves to
 * the end of the slab with twice the room, and the slab is compacted, when it must grow, if moved-out blocks
 * take more than half as much room as the live ones. No per-node JS arrays: at 5 M nodes that is the difference between a
 * few hundred MB of typed arrays and several GB of boxed arrays. With `shared`, every array is in
 * shared memory, so worker threads can read the lists (parallel contraction).
 */
export class AdjacencyLists {
  /** Start of node v's block in `slab`. */
  start: Int32Array;
  /** Number of arcs in node v's list. */
  size: Int32Array;
  private cap: Int32Array;
  slab: Int32Array;
  private top = 0;
  private live = 0;
  /** Times the slab was compacted (for tests and stats). */
  compactions = 0;

  constructor(
    nodeCount: number,
    initialCapacity: number,
    private readonly shared = false,
  ) {
    this.start = typedArray(Int32Array, nodeCount, shared);
    this.size = typedArray(Int32Array, nodeCount, shared);
    this.cap = new Int32Array(nodeCount);
    this.slab = typedArray(Int32Array, Math.max(16, initialCapacity), shared);
  }

  /** Gives each node a block of `perNode[v]` slots up front (no moves while loading the original arcs). */
  reserve(perNode: ArrayLike<number>): void {
    let total = 0;
    for (let v = 0; v < this.start.length; v++) total += Math.max(2, perNode[v]);
    this.ensure(total);
    for (let v = 0; v < this.start.length; v++) {
      this.start[v] = this.top;
      this.cap[v] = Math.max(2, perNode[v]);
      this.top += this.cap[v];
    }
    this.live = this.top;
  }

  push(v: number, arc: number): void {
    if (this.size[v] === this.cap[v]) this.move(v, Math.max(4, this.cap[v] * 2));
    this.slab[this.start[v] + this.size[v]++] = arc;
  }

  /** Removes one occurrence of `arc` from v's list (the last entry takes its place, as before). */
  remove(v: number, arc: number): void {
    const s = this.start[v];
    const end = s + this.size[v];
    for (let i = s; i < end; i++) {
      if (this.slab[i] === arc) {
        this.slab[i] = this.slab[end - 1];
        this.size[v]--;
        return;
      }
    }
  }

  private move(v: number, newCap: number): void {
    // compact first when abandoned blocks dominate, so the slab does not grow without bound
    if (this.top + newCap > this.slab.length && this.top - this.live > this.live / 2) this.compact();
    this.ensure(this.top + newCap);
    const s = this.start[v];
    this.slab.copyWithin(this.top, s, s + this.size[v]);
    this.live += newCap - this.cap[v];
    this.start[v] = this.top;
    this.cap[v] = newCap;
    this.top += newCap;
  }

  private ensure(capacity: number): void {
    if (capacity <= this.slab.length) return;
    let cap = this.slab.length;
    while (cap < capacity) cap = Math.ceil(cap * 1.5);
    const next = typedArray(Int32Array, cap, this.shared);
    next.set(this.slab.subarray(0, this.top));
    this.slab = next;
  }

  /**
   * Slides all blocks down to close the gaps, in place, keeping each block's capacity: blocks in
   * address order (a radix sort of their starts), each copied to the end of the ones before it,
   * which never overtakes its own start. In place, not into a new slab: a shared slab that worker
   * threads hold stays the one they read, and no second slab is ever alive at the peak.
   */
  private compact(): void {
    const n = this.start.length;
    const byStart = sortedByStart(this.start);
    let top = 0;
    for (let k = 0; k < n; k++) {
      const v = byStart[k];
      const s = this.start[v];
      if (s !== top) this.slab.copyWithin(top, s, s + this.size[v]);
      this.start[v] = top;
      top += this.cap[v];
    }
    this.top = top;
    this.live = top;
    this.compactions++;
  }
}

/** Node ids ordered by `start` (two 16-bit counting passes: O(n), no comparator calls). */
function sortedByStart(start: Int32Array): Int32Array {
  const n = start.length;
  let from = new Int32Array(n);
  let to = new Int32Array(n);
  for (let v = 0; v < n; v++) from[v] = v;
  const count = new Int32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((start[from[i]] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) count[b + 1] += count[b];
    for (let i = 0; i < n; i++) to[count[(start[from[i]] >>> shift) & 0xffff]++] = from[i];
    [from, to] = [to, from];
  }
  return from;
}
