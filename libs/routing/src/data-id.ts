import { GRAPH_ARRAYS, LIMIT_ARRAYS, TURN_ARRAYS, type RoadGraph } from './road-graph';

type Numeric = Float64Array | Uint32Array | Int32Array;

/** Graph arrays that decide what an edge id and a fraction mean, and what a route costs. */
const IDENTITY_ARRAYS = [...GRAPH_ARRAYS, ...TURN_ARRAYS, ...LIMIT_ARRAYS] as const;

/**
 * The identity of a profile's routing data: a 64-bit content hash (two 32-bit lanes, hex) of the
 * profile name and the graph's arrays. Snapped points carry it, so a router refuses points made on
 * other data (another region, or the same region imported with another profile table); an
 * identical re-import gets the same id, so its points stay valid.
 */
export function graphDataId(g: RoadGraph): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const mix = (w: number): void => {
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  };
  for (let i = 0; i < g.profile.length; i++) mix(g.profile.charCodeAt(i));
  mix(g.nodeCount);
  mix(g.edgeCount);
  const fields = g as unknown as Record<string, Numeric | undefined>;
  for (const key of IDENTITY_ARRAYS) {
    const a = fields[key];
    // graphs without dimension limits keep the ids they had before limits were recorded
    if (!a && (LIMIT_ARRAYS as readonly string[]).includes(key)) continue;
    mix(a ? a.length : 0xffffffff);
    if (!a) continue;
    const words = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
