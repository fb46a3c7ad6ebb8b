import type { ArcGraph } from './road-graph';

/**
 * Marks the nodes of the largest strongly connected component (iterative Tarjan). Points snap only
 * to roads inside it, so a stop on a tiny island (a private estate cut off by access tags, a
 * fragment at the extract's edge) is routed from the main network instead of being unreachable.
 */
export function largestStronglyConnectedComponent(g: ArcGraph): Uint8Array {
  const n = g.nodeCount;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let cp: number;
  let counter = 0;
  const comp = new Int32Array(n).fill(-1);
  let compCount = 0;
  const compSize: number[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    callNode[0] = root;
    callEdge[0] = g.outFirst[root];
    cp = 1;
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (cp > 0) {
      const v = callNode[cp - 1];
      const e = callEdge[cp - 1];
      if (e < g.outFirst[v + 1]) {
        callEdge[cp - 1] = e + 1;
        const w = g.outTarget[e];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[cp] = w;
          callEdge[cp] = g.outFirst[w];
          cp++;
        } else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
        continue;
      }
      cp--;
      if (cp > 0) {
        const parent = callNode[cp - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          comp[w] = compCount;
          size++;
        } while (w !== v);
        compSize.push(size);
        compCount++;
      }
    }
  }
  let best = 0;
  for (let c = 1; c < compCount; c++) if (compSize[c] > compSize[best]) best = c;
  const inMain = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (comp[v] === best) inMain[v] = 1;
  return inMain;
}
