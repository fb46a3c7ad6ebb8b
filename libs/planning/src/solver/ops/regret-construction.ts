import { KIND_PD_DELIVERY } from '../compile';
import type { SearchState } from '../search-state';

/**
 * Regret-k insertion (Potvin & Rousseau; Ropke & Pisinger's regret heuristics): repeatedly insert the
 * unserved stop (a pickup with its delivery) whose cheapest route beats its next k − 1 routes by most, so
 * stops with few good options go first. Costs are cached per stop and route; an insertion re-evaluates
 * only that route's column. Empty vehicles count once per class (the lowest-index one stands for it).
 */
export function constructByRegret(st: SearchState, k: number, untilMs: number): void {
  const c = st.c;
  const V = st.V;
  const S = st.S;
  const stops: number[] = [];
  for (let s = 0; s < S; s++) {
    if (st.candRouteOf[s] < 0 && c.stopKind[s] !== KIND_PD_DELIVERY) stops.push(s);
  }
  const n = stops.length;
  if (n === 0) return;
  const cost = new Float64Array(n * V).fill(Infinity);
  const posP = new Int32Array(n * V);
  const posP2 = new Int32Array(n * V);
  const open = new Uint8Array(n).fill(1);
  const active = new Uint8Array(V);
  const blink = st.p.blink;
  st.p.blink = 0;
  const evalColumn = (v: number): void => {
    const r = st.route(v);
    for (let i = 0; i < n; i++) {
      if (!open[i]) continue;
      const s = stops[i];
      cost[i * V + v] = Infinity;
      if (!c.compat[v * S + s]) continue;
      st.ins.bestDelta = Infinity;
      st.ins.bestV = -1;
      st.ins.evalRoute(s, v, r);
      if (st.ins.bestV < 0) continue;
      cost[i * V + v] = st.ins.bestDelta;
      posP[i * V + v] = st.ins.bestP;
      posP2[i * V + v] = st.ins.bestP2;
    }
  };
  /** An empty vehicle of this class to stand for the class, if the fleet limit allows one more. */
  const activateEmpty = (cls: number): void => {
    if (st.candUsed >= st.routeLimit) return;
    for (let v = 0; v < V; v++) {
      if (c.vClass[v] !== cls || active[v] || st.route(v).nStops > 0) continue;
      active[v] = 1;
      evalColumn(v);
      return;
    }
  };
  const seenClass = new Uint8Array(V);
  for (let v = 0; v < V; v++) {
    if (st.route(v).nStops > 0) {
      active[v] = 1;
      evalColumn(v);
    } else if (!seenClass[c.vClass[v]]) {
      seenClass[c.vClass[v]] = 1;
      activateEmpty(c.vClass[v]);
    }
  }
  const top = new Float64Array(k);
  while (untilMs === Infinity || st.elapsed() < untilMs) {
    let bestI = -1;
    let bestRegret = -Infinity;
    let bestCost = Infinity;
    let bestRoute = -1;
    for (let i = 0; i < n; i++) {
      if (!open[i]) continue;
      top.fill(Infinity);
      let arg = -1;
      for (let v = 0; v < V; v++) {
        if (!active[v]) continue;
        const x = cost[i * V + v];
        if (x >= top[k - 1]) continue;
        let j = k - 1;
        while (j > 0 && top[j - 1] > x) {
          top[j] = top[j - 1];
          j--;
        }
        top[j] = x;
        if (j === 0) arg = v;
      }
      if (arg < 0) continue;
      const s = stops[i];
      if (!c.mandatory[s]) {
        const q = c.partner[s];
        const pen = c.penalty[s] + (q >= 0 ? c.penalty[q] : 0);
        if (top[0] >= pen) continue;
      }
      // a route missing from the k best counts as a large regret: that stop has few options
      let regret = 0;
      for (let j = 1; j < k; j++) regret += (top[j] === Infinity ? 1e3 * c.edgeScale : top[j]) - top[0];
      if (regret > bestRegret || (regret === bestRegret && top[0] < bestCost)) {
        bestRegret = regret;
        bestCost = top[0];
        bestI = i;
        bestRoute = arg;
      }
    }
    if (bestI < 0) break;
    const v = bestRoute;
    const wasEmpty = st.route(v).nStops === 0;
    st.ins.bestV = v;
    st.ins.bestP = posP[bestI * V + v];
    st.ins.bestP2 = posP2[bestI * V + v];
    st.insertAt(stops[bestI]);
    open[bestI] = 0;
    evalColumn(v);
    if (wasEmpty) activateEmpty(c.vClass[v]);
  }
  st.p.blink = blink;
}
