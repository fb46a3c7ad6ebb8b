import { Prng } from '../prng';
import { nearestStops } from './nearest-stops';

/** The oracle: every other stop sorted by min(d(s, t), d(t, s)), then by index; the first k. */
function nearestBySorting(stopLoc: Int32Array, d: Float64Array, nLoc: number, k: number): Int32Array {
  const S = stopLoc.length;
  const out = new Int32Array(S * k);
  for (let s = 0; s < S; s++) {
    const key = (t: number): number =>
      Math.min(d[stopLoc[s] * nLoc + stopLoc[t]], d[stopLoc[t] * nLoc + stopLoc[s]]);
    const others = [...Array(S).keys()].filter((t) => t !== s);
    others.sort((x, y) => key(x) - key(y) || x - y);
    for (let j = 0; j < k; j++) out[s * k + j] = others[j];
  }
  return out;
}

describe('nearestStops', () => {
  test('matches sorting every row (ties, infinities, shared locations, asymmetric distances)', () => {
    const rng = new Prng(11);
    for (let round = 0; round < 120; round++) {
      const nLoc = 2 + rng.int(40);
      const S = 2 + rng.int(90);
      const stopLoc = Int32Array.from({ length: S }, () => rng.int(nLoc));
      const d = new Float64Array(nLoc * nLoc);
      for (let i = 0; i < d.length; i++) {
        d[i] = round % 3 === 0 ? rng.int(4) : rng.next() * 1000;
        if (rng.next() < 0.05) d[i] = Infinity;
      }
      const k = 1 + rng.int(S - 1);
      const out = new Int32Array(S * k);
      nearestStops(stopLoc, d, nLoc, k, out);
      expect(Array.from(out)).toEqual(Array.from(nearestBySorting(stopLoc, d, nLoc, k)));
    }
  });

  test('matches sorting every row across many 64-stop tiles (ragged last tile, ties, infinities)', () => {
    const rng = new Prng(5);
    for (const S of [64, 65, 200, 333]) {
      const nLoc = S + 7;
      const stopLoc = Int32Array.from({ length: S }, (_, i) => (i * 7 + 3) % nLoc);
      const d = new Float64Array(nLoc * nLoc);
      for (let i = 0; i < d.length; i++) d[i] = rng.next() < 0.03 ? Infinity : rng.int(50);
      for (const k of [1, 3, 30]) {
        const out = new Int32Array(S * k);
        nearestStops(stopLoc, d, nLoc, k, out);
        expect(Array.from(out)).toEqual(Array.from(nearestBySorting(stopLoc, d, nLoc, k)));
      }
    }
  });
});
