import { type PlanKey, type Snapshot, betterPlan } from './plan-key';

/**
 * The best plan shared between threads in one SharedArrayBuffer: a spin lock, a version, the plan's
 * key (unserved mandatory stops, vehicles, optional penalties, routing cost, all unassigned penalties)
 * and its node lists.
 */
/** mandUn, used, optPen, cost, unPen */
const KEY_FIELDS = 5;

export class SharedElite {
  readonly buffer: SharedArrayBuffer;
  private readonly head: Int32Array;
  private readonly key: Float64Array;
  private readonly lens: Int32Array;
  private readonly nodes: Int32Array;
  private readonly stride: number;

  constructor(vehicleCount: number, maxLen: number, buffer?: SharedArrayBuffer) {
    this.stride = maxLen;
    const keyBytes = 8 * KEY_FIELDS;
    const bytes = 16 + keyBytes + 4 * vehicleCount + 4 * vehicleCount * maxLen;
    this.buffer = buffer ?? new SharedArrayBuffer(bytes + 8);
    this.head = new Int32Array(this.buffer, 0, 4);
    this.key = new Float64Array(this.buffer, 16, KEY_FIELDS);
    this.lens = new Int32Array(this.buffer, 16 + keyBytes, vehicleCount);
    this.nodes = new Int32Array(this.buffer, 16 + keyBytes + 4 * vehicleCount, vehicleCount * maxLen);
    if (!buffer) this.key.fill(Infinity);
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

  /** Key of the shared plan. */
  peekKey(out: PlanKey): void {
    this.lock();
    out.mandUn = this.key[0];
    out.used = this.key[1];
    out.optPen = this.key[2];
    out.cost = this.key[3];
    this.unlock();
  }

  write(s: Snapshot): void {
    this.lock();
    this.key[0] = s.mandUn;
    this.key[1] = s.used;
    this.key[2] = s.optPen;
    this.key[3] = s.cost;
    this.key[4] = s.unPen;
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
    const s: Snapshot = {
      nodes,
      mandUn: this.key[0],
      used: this.key[1],
      optPen: this.key[2],
      cost: this.key[3],
      unPen: this.key[4],
    };
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
  const key: PlanKey = { mandUn: Infinity, used: Infinity, optPen: Infinity, cost: Infinity };
  let lastAdopt = 0;
  return (best, elapsedMs) => {
    elite.peekKey(key);
    if (betterPlan(best, key, fleet)) {
      elite.write(best);
      return undefined;
    }
    if (elapsedMs - lastAdopt >= adoptEveryMs) {
      lastAdopt = elapsedMs;
      const s = elite.read();
      if (betterPlan(s, best, fleet)) return s;
    }
    return undefined;
  };
}
