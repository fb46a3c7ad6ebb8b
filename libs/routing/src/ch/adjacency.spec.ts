import { mulberry32 } from '../../test-fixtures/random-graph';
import { AdjacencyLists } from './adjacency';

const listOf = (adj: AdjacencyLists, v: number): number[] =>
  Array.from(adj.slab.subarray(adj.start[v], adj.start[v] + adj.size[v]));

describe('AdjacencyLists', () => {
  it.each([1, 2, 3])(
    'matches plain arrays under random pushes and removals (seed %i), through moves and compactions',
    (seed) => {
      const rnd = mulberry32(seed);
      const n = 50;
      const adj = new AdjacencyLists(n, 8);
      const oracle: number[][] = Array.from({ length: n }, () => []);
      adj.reserve(new Int32Array(n).fill(1));
      for (let step = 0; step < 20_000; step++) {
        const v = Math.floor(rnd() * n);
        if (rnd() < 0.6 || oracle[v].length === 0) {
          const arc = step;
          adj.push(v, arc);
          oracle[v].push(arc);
        } else {
          const list = oracle[v];
          const arc = list[Math.floor(rnd() * list.length)];
          adj.remove(v, arc);
          const i = list.indexOf(arc);
          list[i] = list[list.length - 1];
          list.pop();
        }
      }
      for (let v = 0; v < n; v++) expect(listOf(adj, v)).toEqual(oracle[v]);
      expect(adj.compactions).toBeGreaterThan(0);
      // far fewer slots than 20,000 pushes would take without compaction
      expect(adj.slab.length).toBeLessThan(4 * 20_000);
    },
  );

  it('compacts in place: a slab big enough for the live lists is never replaced', () => {
    const rnd = mulberry32(4);
    const n = 40;
    // 80 reserved slots, then every list grows to 12 arcs (blocks of 16: 640 live slots); the moves
    // leave more than 1,000 slots behind, so the slab must compact, and never needs to grow
    const adj = new AdjacencyLists(n, 1_000);
    adj.reserve(new Int32Array(n).fill(2));
    const slab = adj.slab;
    const oracle: number[][] = Array.from({ length: n }, () => []);
    for (let step = 0; oracle.some((list) => list.length < 12); step++) {
      const v = Math.floor(rnd() * n);
      if (oracle[v].length === 12) continue;
      adj.push(v, step);
      oracle[v].push(step);
    }
    for (let v = 0; v < n; v++) expect(listOf(adj, v)).toEqual(oracle[v]);
    expect(adj.compactions).toBeGreaterThan(0);
    expect(adj.slab).toBe(slab);
  });
});
