import { ruralDay } from '../test-helpers';
import { compile, KIND_PD_PICKUP } from './compile';
import { recreate } from './ops/recreate';
import { DEFAULT_PARAMS, Search, type Snapshot } from './search';
import { SearchState } from './search-state';

/** The counts a snapshot carries, recounted from its routes. */
function recount(c: ReturnType<typeof compile>, snap: Snapshot): { mandUn: number; used: number } {
  const served = new Uint8Array(c.stopCount);
  let used = 0;
  for (const nodes of snap.nodes) {
    let any = false;
    for (const s of nodes) {
      if (s < 0) continue;
      served[s] = 1;
      any = true;
    }
    if (any) used++;
  }
  let mandUn = 0;
  for (let s = 0; s < c.stopCount; s++) if (!served[s] && c.mandatory[s]) mandUn++;
  return { mandUn, used };
}

describe('removing a pickup with its delivery', () => {
  // emptying whole routes (the fleet phase) takes pairs out with both ends in the removed range
  test.each([
    ['fleet', 11],
    ['cost', 12],
  ] as const)(
    '%s preset, seed %i: the plan counts each left-out stop and each used route once',
    (preset, seed) => {
      const c = compile(ruralDay(seed, 90), preset);
      const search = new Search(c, {
        ...DEFAULT_PARAMS,
        seed,
        timeLimitMs: 1e9,
        now: () => 0,
        maxIterations: 120,
      });
      const best = search.run();
      const { mandUn, used } = recount(c, best);
      expect({ mandUn: best.mandUn, used: best.used }).toEqual({ mandUn, used });
      const cur = search.snapshot();
      expect({ mandUn: cur.mandUn, used: cur.used }).toEqual(recount(c, cur));
    },
  );
});

describe('removeFromRoute', () => {
  it('counts a delivery removed with its pickup once (both ends in the removed range)', () => {
    const c = compile(ruralDay(12, 90), 'cost');
    const st = new SearchState(c, {
      ...DEFAULT_PARAMS,
      seed: 12,
      timeLimitMs: 1e9,
      now: () => 0,
      maxIterations: 1,
    });
    st.beginCandidate();
    recreate(st);
    st.accept();
    // a route serving a pickup and its delivery, removed whole
    let v = -1;
    for (let u = 0; u < c.vehicleCount && v < 0; u++) {
      const r = st.route(u);
      for (let i = 0; i < r.len; i++) {
        const s = r.nodes[i];
        if (s >= 0 && c.stopKind[s] === KIND_PD_PICKUP && st.curRouteOf[c.partner[s]] === u) v = u;
      }
    }
    expect(v).toBeGreaterThanOrEqual(0);
    st.beginCandidate();
    const r = st.touch(v);
    const stops = r.nStops - c.locked[v].length; // locked stops stay
    expect(st.removeFromRoute(v, r, c.locked[v].length, r.len)).toBe(stops);
    let mandUn = 0;
    for (let s = 0; s < c.stopCount; s++) if (st.candRouteOf[s] < 0 && c.mandatory[s]) mandUn++;
    expect(st.candMandUn).toBe(mandUn);
  });
});
