import type { Snapshot } from './search';

/**
 * The best plan shared between threads in one SharedArrayBuffer: a spin lock, a version, the plan's
 * key (unassigned penalty, vehicles, routing cost) and its node lists.
 */
export class SharedElite {
  readonly buffer: SharedArrayBuffer;
  private readonly head: Int32Array;
  private readonly key: Float64Array;
  private readonly lens: Int32Array;
  private readonly nodes: Int32Array;
  private readonly stride: number;

  constructor(vehicleCount: number, maxLen: number, buffer?: SharedArrayBuffer) {
    this.stride = maxLen;
    const bytes = 16 + 24 + 4 * vehicleCount + 4 * vehicleCount * maxLen;
    this.buffer = buffer ?? new SharedArrayBuffer(bytes + 8);
    this.head = new Int32Array(this.buffer, 0, 4);
    this.key = new Float64Array(this.buffer, 16, 3);
    this.lens = new Int32Array(this.buffer, 40, vehicleCount);
    this.nodes = new Int32Array(this.buffer, 40 + 4 * vehicleCount, vehicleCount * maxLen);
    if (!buffer) {
      this.key[0] = Infinity;
      this.key[1] = Infinity;
      this.key[2] = Infinity;
    }
  }

  get version(): number {
    return Atomics.load(this.head, 1);
  }

  private lock(): void {
    while (Atomics.compareExchange(this.head, 0, 0, 1) !== 0) {
      // spin: the critical sections are a few microseconds
    }
  }

  private unlock(): void {
    Atomics.store(this.head, 0, 0);
  }

  /** Key of the shared plan: [unassigned penalty, vehicles, routing cost]. */
  peekKey(out: Float64Array): void {
    this.lock();
    out[0] = this.key[0];
    out[1] = this.key[1];
    out[2] = this.key[2];
    this.unlock();
  }

  write(s: Snapshot): void {
    this.lock();
    this.key[0] = s.unPen;
    this.key[1] = s.used;
    this.key[2] = s.cost;
    for (let v = 0; v < s.nodes.length; v++) {
      this.lens[v] = s.nodes[v].length;
      this.nodes.set(s.nodes[v], v * this.stride);
    }
    Atomics.add(this.head, 1, 1);
    this.unlock();
  }

  read(): Snapshot {
    this.lock();
    const nodes: Int32Array[] = [];
    for (let v = 0; v < this.lens.length; v++) {
      nodes.push(this.nodes.slice(v * this.stride, v * this.stride + this.lens[v]));
    }
    const s: Snapshot = { nodes, unPen: this.key[0], used: this.key[1], cost: this.key[2] };
    this.unlock();
    return s;
  }
}

/** An exchange hook for `Search`: publish our best when it beats the shared one, adopt the shared one now and then. */
export function eliteExchange(
  elite: SharedElite,
  fleet: boolean,
  adoptEveryMs: number,
): (best: Snapshot, elapsedMs: number) => Snapshot | undefined {
  const key = new Float64Array(3);
  let lastAdopt = 0;
  const better = (a: Snapshot, k: Float64Array): boolean => {
    if (a.unPen !== k[0]) return a.unPen < k[0];
    if (fleet && a.used !== k[1]) return a.used < k[1];
    return a.cost < k[2] - 1e-7;
  };
  return (best, elapsedMs) => {
    elite.peekKey(key);
    if (better(best, key)) {
      elite.write(best);
      return undefined;
    }
    if (elapsedMs - lastAdopt >= adoptEveryMs) {
      lastAdopt = elapsedMs;
      const s = elite.read();
      if (!better(best, key) && (s.unPen < best.unPen || s.cost < best.cost - 1e-7 || s.used < best.used))
        return s;
    }
    return undefined;
  };
}
