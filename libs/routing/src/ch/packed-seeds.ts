import type { Seeds } from './seeds';

/**
 * Many seed sets in four flat typed arrays (set i is entries `first[i]` to `first[i + 1]`), with the
 * nodes already mapped to hierarchy ids: what a table search reads, and what crosses to a worker
 * thread as plain data (a `Seeds` object would arrive without its class).
 */
export interface PackedSeeds {
  count: number;
  first: Uint32Array;
  /** Hierarchy id (rank) of each seed node. */
  node: Uint32Array;
  weight: Float64Array;
  aux: Float64Array;
}

/** Packs seed sets, mapping graph node ids through `rank`. */
export function packSeeds(list: readonly Seeds[], rank: Uint32Array): PackedSeeds {
  let total = 0;
  for (const s of list) total += s.length;
  const first = new Uint32Array(list.length + 1);
  const node = new Uint32Array(total);
  const weight = new Float64Array(total);
  const aux = new Float64Array(total);
  let k = 0;
  list.forEach((s, i) => {
    for (let j = 0; j < s.length; j++, k++) {
      node[k] = rank[s.nodes[j]];
      weight[k] = s.weights[j];
      aux[k] = s.auxes[j];
    }
    first[i + 1] = k;
  });
  return { count: list.length, first, node, weight, aux };
}
