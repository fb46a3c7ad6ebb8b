import { pairColumns } from './pair-columns';

describe('pairColumns', () => {
  it("holds each pair stop's matrix column as a row, for every profile, in the matrix's cell type", () => {
    const nLoc = 37; // not a multiple of the copy's block of rows
    const cells = (seed: number): Float32Array =>
      Float32Array.from({ length: nLoc * nLoc }, (_, i) => ((i * 7919 + seed) % 1009) / 7);
    const dur = [cells(1), cells(2)];
    const dist = [Float64Array.from(cells(3)), Float64Array.from(cells(4))];
    // stops 0-1 and 4-2 are pairs, 3 is a plain stop
    const partner = Int32Array.from([1, 0, 4, -1, 2]);
    const stopLoc = Int32Array.from([5, 36, 0, 9, 5]);
    const pc = pairColumns(partner, stopLoc, nLoc, dur, dist);
    expect(Array.from(pc.row)).toEqual([0, 1, 2, -1, 3]);
    expect(pc.toStopS[0]).toBeInstanceOf(Float32Array);
    expect(pc.toStopM[1]).toBeInstanceOf(Float64Array);
    let checked = 0;
    for (let prof = 0; prof < 2; prof++) {
      for (let s = 0; s < partner.length; s++) {
        if (pc.row[s] < 0) continue;
        for (let x = 0; x < nLoc; x++) {
          const at = pc.row[s] * nLoc + x;
          expect(pc.toStopS[prof][at]).toBe(dur[prof][x * nLoc + stopLoc[s]]);
          expect(pc.toStopM[prof][at]).toBe(dist[prof][x * nLoc + stopLoc[s]]);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 4 * nLoc);
  });
});
