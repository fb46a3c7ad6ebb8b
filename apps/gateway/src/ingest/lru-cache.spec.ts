import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('never holds more than its capacity and evicts the least recently used, like a brute-force list', () => {
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cache = new LruCache<number, number>(8);
    let oracle: Array<[number, number]> = []; // most recent last
    for (let step = 0; step < 5000; step++) {
      const key = Math.floor(random() * 20);
      if (random() < 0.5) {
        const hit = oracle.find(([k]) => k === key);
        expect(cache.get(key)).toBe(hit?.[1]);
        if (hit) oracle = [...oracle.filter(([k]) => k !== key), hit];
      } else {
        cache.set(key, step);
        oracle = [...oracle.filter(([k]) => k !== key), [key, step]];
        if (oracle.length > 8) oracle.shift();
      }
      expect(cache.size).toBe(oracle.length);
    }
  });
});
