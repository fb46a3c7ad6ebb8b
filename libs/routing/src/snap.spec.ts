import { join } from 'node:path';
import { sharedDataPath } from '@rd/testing/shared-data';
import { mulberry32 } from '../test-fixtures/random-graph';
import { haversineM } from './geo';
import { importOsm } from './import-osm';
import { graphBbox } from './road-graph';
import { prepareProfile, type ProfileRoutingData } from './routing-data';
import type { SnappedPoint } from './snap';

describe('SnapIndex on liechtenstein (van)', () => {
  let pd: ProfileRoutingData;
  beforeAll(() => {
    const { graphs } = importOsm(sharedDataPath('osm', 'liechtenstein-2015.osm.pbf'), { profiles: ['van'] });
    pd = prepareProfile(graphs.van, { weightings: [] });
  });

  it('finds the same nearest road as a linear scan over every main-component segment (1,000 points)', () => {
    const g = pd.graph;
    const idx = pd.snapIndex;
    const [minLon, minLat, maxLon, maxLat] = graphBbox(g);
    const rnd = mulberry32(3);
    for (let i = 0; i < 1000; i++) {
      const lon = minLon + rnd() * (maxLon - minLon);
      const lat = minLat + rnd() * (maxLat - minLat);
      const r = idx.snap(lon, lat, { maxDistanceM: 1e6 });
      expect(r.ok).toBe(true);
      const s = r as SnappedPoint;
      // brute force in the same projection
      const x = lon * idx.kx;
      const y = lat * idx.ky;
      let best = Infinity;
      for (let e = 0; e < g.edgeCount; e++) {
        if (!pd.inMain[g.edgeFrom[e]] || !pd.inMain[g.edgeTo[e]]) continue;
        for (let p = g.edgeGeomFirst[e]; p < g.edgeGeomFirst[e + 1] - 1; p++) {
          const x0 = g.geomLon[p] * idx.kx;
          const y0 = g.geomLat[p] * idx.ky;
          const dx = g.geomLon[p + 1] * idx.kx - x0;
          const dy = g.geomLat[p + 1] * idx.ky - y0;
          const l2 = dx * dx + dy * dy;
          const t = l2 > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / l2)) : 0;
          best = Math.min(best, Math.hypot(x0 + t * dx - x, y0 + t * dy - y));
        }
      }
      const got = Math.hypot(s.snapped[0] * idx.kx - x, s.snapped[1] * idx.ky - y);
      expect(Math.abs(got - best)).toBeLessThan(1e-6);
      expect(pd.inMain[g.edgeFrom[s.edgeId]]).toBe(1);
      expect(s.fraction).toBeGreaterThanOrEqual(0);
      expect(s.fraction).toBeLessThanOrEqual(1);
      expect(Math.abs(s.offRoadM - haversineM(lon, lat, s.snapped[0], s.snapped[1]))).toBeLessThan(1e-9);
    }
  });

  it('reports bad points per point, as values', () => {
    const idx = pd.snapIndex;
    const nan = idx.snap(NaN, 47.1);
    expect(nan).toMatchObject({ ok: false, error: 'invalid-coordinate' });
    expect(idx.snap(9.5, 95)).toMatchObject({ ok: false, error: 'invalid-coordinate' });
    const outside = idx.snap(2.35, 48.85);
    expect(outside).toMatchObject({ ok: false, error: 'outside-area' });
    expect(outside.ok || outside.message).toMatch(/outside the road graph's area/);
    // a mountain point in the bbox far from roads: too far for a 20 m limit, with the distance reported
    const far = idx.snap(9.6, 47.1, { maxDistanceM: 20 });
    expect(far).toMatchObject({ ok: false, error: 'too-far' });
    if (!far.ok) expect(far.nearestM).toBeGreaterThan(20);
  });
});

describe('islands', () => {
  it('a point beside a road cut off from the network snaps to the main component', () => {
    const { graphs } = importOsm(join(__dirname, '..', 'test-fixtures', 'tiny-village.osm.xml'));
    const pd = prepareProfile(graphs.van, { weightings: ['fastest'] });
    // right on the isolated residential street 9-10 (lat 50.02): the nearest main road is ~1.7 km away
    const r = pd.snapIndex.snap(10.0505, 50.0201, { maxDistanceM: 5000 });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(pd.inMain[pd.graph.edgeFrom[r.edgeId]]).toBe(1);
      expect(r.offRoadM).toBeGreaterThan(1000);
    }
  });
});
