import { Prng } from '../prng';
import { selectNth } from './compile';

describe('selectNth', () => {
  test('finds the n-th smallest like a sort does (ties, infinities, sorted and reversed input)', () => {
    const rng = new Prng(7);
    for (let round = 0; round < 300; round++) {
      const len = 1 + rng.int(60);
      const a = new Float64Array(len);
      const kind = round % 4;
      for (let i = 0; i < len; i++) {
        a[i] = kind === 0 ? rng.int(5) : kind === 1 ? i : kind === 2 ? len - i : rng.next() * 100;
        if (rng.next() < 0.05) a[i] = Infinity;
      }
      const sorted = Float64Array.from(a).sort();
      const n = rng.int(len);
      expect(selectNth(Float64Array.from(a), n)).toBe(sorted[n]);
    }
  });
});
