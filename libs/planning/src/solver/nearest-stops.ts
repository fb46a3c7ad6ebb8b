import type { MatrixCells } from '../model';

/**
 * Per stop, the `k` other stops nearest by min(d(s, t), d(t, s)) on the `nLoc × nLoc` matrix `d`, ordered by
 * that distance and then by stop index, written to `out` (`stopCount × k`). Returns the mean distance to the
 * third nearest (the typical edge that scales the annealing temperature), 1 when none is finite.
 *
 * A bounded max-heap per stop keeps the k best seen so far: after the first few hundred stops almost every
 * candidate fails one comparison with the heap's top, where copying and selecting each row of a 5,000-stop
 * day cost most of the compile time.
 */
export function nearestStops(
  stopLoc: Int32Array,
  d: MatrixCells,
  nLoc: number,
  k: number,
  out: Int32Array,
): number {
  const S = stopLoc.length;
  if (k <= 0) return 1;
  const heapKey = new Float64Array(k);
  const heapStop = new Int32Array(k);
  let scaleSum = 0;
  let scaleN = 0;
  // rows in blocks: the reverse distances of a block are short runs of each row instead of a column walk
  // through the whole matrix (a 5,000-stop day spent seconds on cache misses)
  const B = Math.min(64, S);
  const keys = new Float64Array(B * S);
  for (let s0 = 0; s0 < S; s0 += B) {
    const n = Math.min(B, S - s0);
    for (let t = 0; t < S; t++) {
      const rowT = stopLoc[t] * nLoc;
      const lt = stopLoc[t];
      for (let i = 0; i < n; i++) {
        const ls = stopLoc[s0 + i];
        const a = d[ls * nLoc + lt];
        const b = d[rowT + ls];
        keys[i * S + t] = a < b ? a : b;
      }
    }
    for (let i = 0; i < n; i++) {
      const s = s0 + i;
      const base = i * S;
      let size = 0;
      for (let t = 0; t < S; t++) {
        if (t === s) continue;
        const key = keys[base + t];
        if (size < k) {
          // sift up; t is larger than every stop in the heap, so a tie ranks it higher
          let j = size++;
          while (j > 0) {
            const up = (j - 1) >> 1;
            if (heapKey[up] > key) break;
            heapKey[j] = heapKey[up];
            heapStop[j] = heapStop[up];
            j = up;
          }
          heapKey[j] = key;
          heapStop[j] = t;
        } else if (key < heapKey[0]) siftDown(heapKey, heapStop, k, key, t);
      }
      // pop the largest k times: the nearest end up first
      for (let j = size - 1; j >= 0; j--) {
        out[s * k + j] = heapStop[0];
        if (j === Math.min(k, 3) - 1 && Number.isFinite(heapKey[0])) {
          scaleSum += heapKey[0];
          scaleN++;
        }
        siftDown(heapKey, heapStop, j, heapKey[j], heapStop[j]);
      }
    }
  }
  return scaleN > 0 ? scaleSum / scaleN : 1;
}

/** Put (key, stop) at the root of the max-heap of `size` entries and sift it down; ties rank by stop. */
function siftDown(
  heapKey: Float64Array,
  heapStop: Int32Array,
  size: number,
  key: number,
  stop: number,
): void {
  let j = 0;
  for (;;) {
    let child = 2 * j + 1;
    if (child >= size) break;
    const right = child + 1;
    if (
      right < size &&
      (heapKey[right] > heapKey[child] ||
        (heapKey[right] === heapKey[child] && heapStop[right] > heapStop[child]))
    )
      child = right;
    if (heapKey[child] < key || (heapKey[child] === key && heapStop[child] < stop)) break;
    heapKey[j] = heapKey[child];
    heapStop[j] = heapStop[child];
    j = child;
  }
  heapKey[j] = key;
  heapStop[j] = stop;
}
