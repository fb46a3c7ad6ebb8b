/**
 * The storage both heaps share: (id, value) pairs in two parallel typed arrays (flatqueue's layout), grown by
 * doubling. Duplicates are allowed: callers skip stale entries when they pop (lazy deletion). `clear()` is O(1).
 */
abstract class HeapStorage {
  ids: Int32Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.ids = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  peekValue(): number {
    return this.length > 0 ? this.values[0] : Infinity;
  }

  protected grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
  }
}

/** A reusable binary min-heap of (id, value) pairs (HeapStorage). */
export class MinHeap extends HeapStorage {
  push(id: number, value: number): void {
    if (this.length === this.ids.length) this.grow();
    const ids = this.ids;
    const values = this.values;
    let pos = this.length++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pv = values[parent];
      if (value >= pv) break;
      ids[pos] = ids[parent];
      values[pos] = pv;
      pos = parent;
    }
    ids[pos] = id;
    values[pos] = value;
  }

  /** Removes the smallest entry and returns its id; read its value with `peekValue()` before popping. */
  pop(): number {
    const ids = this.ids;
    const values = this.values;
    const top = ids[0];
    const n = --this.length;
    if (n > 0) {
      const id = ids[n];
      const value = values[n];
      let pos = 0;
      const half = n >> 1;
      while (pos < half) {
        let child = 2 * pos + 1;
        const right = child + 1;
        if (right < n && values[right] < values[child]) child = right;
        if (values[child] >= value) break;
        ids[pos] = ids[child];
        values[pos] = values[child];
        pos = child;
      }
      ids[pos] = id;
      values[pos] = value;
    }
    return top;
  }
}

/**
 * MinHeap's interface as a 4-ary heap: half the levels of a binary heap, so a push climbs fewer
 * steps and a pop sinks through fewer (four children side by side in one cache line of values).
 * Duplicates allowed, lazy deletion as in MinHeap.
 */
export class QuadHeap extends HeapStorage {
  push(id: number, value: number): void {
    if (this.length === this.ids.length) this.grow();
    const ids = this.ids;
    const values = this.values;
    let pos = this.length++;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const pv = values[parent];
      if (value >= pv) break;
      ids[pos] = ids[parent];
      values[pos] = pv;
      pos = parent;
    }
    ids[pos] = id;
    values[pos] = value;
  }

  /** Removes the smallest entry and returns its id; read its value with `peekValue()` before popping. */
  pop(): number {
    const ids = this.ids;
    const values = this.values;
    const top = ids[0];
    const n = --this.length;
    if (n > 0) {
      const id = ids[n];
      const value = values[n];
      let pos = 0;
      for (;;) {
        const c = 4 * pos + 1;
        if (c >= n) break;
        // smallest of up to four children
        let child = c;
        let cv = values[c];
        const last = Math.min(c + 4, n);
        for (let k = c + 1; k < last; k++) {
          if (values[k] < cv) {
            cv = values[k];
            child = k;
          }
        }
        if (cv >= value) break;
        ids[pos] = ids[child];
        values[pos] = cv;
        pos = child;
      }
      ids[pos] = id;
      values[pos] = value;
    }
    return top;
  }
}
