import { ChRoadRouter } from '../ch-road-router';
import { haversineM } from '../geo';
import { buildRoadGraphs } from '../import-osm';
import { prepareProfile } from '../routing-data';
import { MOTORBIKE, VAN } from '../profiles';
import { generateMountainCounty } from './mountain-county';

/** True when segment ab crosses segment cd (lon/lat treated as planar at this scale). */
function crosses(a: number[], b: number[], c: number[], d: number[]): boolean {
  const side = (p: number[], q: number[], r: number[]) =>
    Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  return side(a, b, c) !== side(a, b, d) && side(c, d, a) !== side(c, d, b);
}

describe('generated mountain county', () => {
  const county = generateMountainCounty({ seed: 3 });
  const graphs = buildRoadGraphs(county.osm, [VAN, MOTORBIKE]);
  const router = new ChRoadRouter({
    profiles: {
      van: prepareProfile(graphs.van, { weightings: ['fastest'] }),
      motorbike: prepareProfile(graphs.motorbike, { weightings: ['fastest'] }),
    },
  });

  it('is deterministic for a seed', () => {
    const again = generateMountainCounty({ seed: 3 });
    expect(again.osm.nodeLon).toEqual(county.osm.nodeLon);
    expect(again.uplandVillages).toEqual(county.uplandVillages);
    expect(generateMountainCounty({ seed: 4 }).uplandVillages).not.toEqual(county.uplandVillages);
  });

  it('puts upland villages far by road (switchbacks) and near by air', () => {
    expect(county.uplandVillages).toHaveLength(5);
    for (const [i, village] of county.uplandVillages.entries()) {
      const byRoad = router.routeSync(county.hub, village, { profile: 'motorbike' });
      expect(byRoad.ok).toBe(true);
      if (!byRoad.ok) continue;
      const fromPortM = haversineM(county.dronePort[0], county.dronePort[1], village[0], village[1]);
      const fromHubM = haversineM(county.hub[0], county.hub[1], village[0], village[1]);
      // The hairpins: at least 8 km of road beyond the straight line, while the port is within 10 km by air.
      expect(county.switchbackLengthM[i]).toBeGreaterThan(8_000);
      expect(byRoad.distanceM).toBeGreaterThan(fromHubM + 8_000);
      expect(fromPortM).toBeLessThan(10_000);
      expect(byRoad.durationS).toBeGreaterThan(15 * 60);
    }
    for (const village of county.valleyVillages)
      expect(router.routeSync(county.hub, village, { profile: 'van' }).ok).toBe(true);
  });

  it('has an airfield between the port and an eastern upland village', () => {
    const ring = county.airport.coordinates[0];
    const blocked = county.uplandVillages.filter((v) =>
      ring.slice(1).some((p, k) => crosses(county.dronePort, v, ring[k], p)),
    );
    expect(blocked.length).toBeGreaterThan(0);
  });
});
