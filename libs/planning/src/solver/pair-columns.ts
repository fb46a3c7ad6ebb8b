import type { MatrixCells } from '../model';

/**
 * The matrix columns into each paired stop's location, stored as rows: a pair check reads the leg from every
 * position of a route into the pickup and into the delivery, and in the full matrix those cells lie a row apart
 * each (a cache miss per position, the largest cost of a pair check on long routes). Only the stops of pairs get
 * a row, so the copy stays small next to the matrices.
 */
export interface PairColumns {
  /** Per stop, its row in the tables below, -1 for a stop that is not part of a pair. */
  row: Int32Array;
  /** Per profile, `rows × nLoc`: cell `row[s] * nLoc + x` is the travel time (distance) from location x to s's. */
  toStopS: MatrixCells[];
  toStopM: MatrixCells[];
}

export function pairColumns(
  partner: Int32Array,
  stopLoc: Int32Array,
  nLoc: number,
  durS: MatrixCells[],
  distM: MatrixCells[],
): PairColumns {
  const S = partner.length;
  const row = new Int32Array(S).fill(-1);
  const locs: number[] = [];
  for (let s = 0; s < S; s++) {
    if (partner[s] < 0) continue;
    row[s] = locs.length;
    locs.push(stopLoc[s]);
  }
  const n = locs.length;
  const copy = (m: MatrixCells): MatrixCells => {
    const out = m instanceof Float32Array ? new Float32Array(n * nLoc) : new Float64Array(n * nLoc);
    // in blocks of matrix rows: the block's rows stay in cache while every stop's short run of cells is written
    const B = 32;
    for (let x0 = 0; x0 < nLoc; x0 += B) {
      const x1 = Math.min(nLoc, x0 + B);
      for (let k = 0; k < n; k++) {
        const l = locs[k];
        const o = k * nLoc;
        for (let x = x0; x < x1; x++) out[o + x] = m[x * nLoc + l];
      }
    }
    return out;
  };
  return { row, toStopS: durS.map(copy), toStopM: distM.map(copy) };
}
