import { MinHeap, QuadHeap } from './heap';
import { seededRandom } from './synthetic/rural-network';

describe.each([
  ['MinHeap', () => new MinHeap(2)],
  ['QuadHeap', () => new QuadHeap(2)],
])('%s', (_name, make) => {
  it('pops the smallest value each time, with repeats, interleaved pushes and growth (against a scan)', () => {
    const rnd = seededRandom(17);
    const heap = make();
    for (let round = 0; round < 20; round++) {
      heap.clear();
      const pushed: number[] = [];
      const live: number[] = [];
      const popOne = () => {
        const value = heap.peekValue();
        expect(value).toBe(Math.min(...live));
        const id = heap.pop();
        expect(pushed[id]).toBe(value);
        live.splice(live.indexOf(value), 1);
      };
      for (let i = 0; i < 300; i++) {
        const value = Math.floor(rnd() * 50);
        heap.push(i, value);
        pushed.push(value);
        live.push(value);
        if (rnd() < 0.3) popOne();
      }
      while (heap.length > 0) popOne();
      expect(live).toEqual([]);
      expect(heap.peekValue()).toBe(Infinity);
    }
  });

  it('drains in sorted order when everything is pushed first', () => {
    const rnd = seededRandom(3);
    const heap = make();
    const values = Array.from({ length: 1000 }, () => rnd() * 1000);
    values.forEach((v, i) => heap.push(i, v));
    const out: number[] = [];
    while (heap.length > 0) {
      out.push(heap.peekValue());
      heap.pop();
    }
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });
});
