import { join } from 'node:path';
import { sharedDataPath } from '@rd/testing/shared-data';
import { ChRoadRouter } from './ch-road-router';
import type { LonLat } from './geo';
import { importOsm } from './import-osm';
import { VAN } from './profiles';
import { prepareRoutingData } from './routing-data';
import { deserializeRoutingData, serializeRoutingData } from './serialize';
import type { SnappedPoint } from './snap';

const village = join(__dirname, '..', 'test-fixtures', 'tiny-village.osm.xml');
const inVillage: LonLat = [10.004, 50.0001];
const alsoInVillage: LonLat = [10.0101, 50.003];

function villageRouter(profile = VAN): ChRoadRouter {
  const { graphs } = importOsm(village, { profiles: [profile] });
  return new ChRoadRouter(prepareRoutingData(graphs, { weightings: ['fastest'] }));
}

describe('routing data identity', () => {
  it('the same import gets the same id; a changed profile table gets another, and its points are refused', () => {
    const a = villageRouter();
    const same = villageRouter();
    const slower = villageRouter({
      ...VAN,
      highwaySpeedKmh: { ...VAN.highwaySpeedKmh, residential: 20 },
    });
    expect(a.data.profiles.van.dataId).toMatch(/^[0-9a-f]{16}$/);
    expect(same.data.profiles.van.dataId).toBe(a.data.profiles.van.dataId);
    expect(slower.data.profiles.van.dataId).not.toBe(a.data.profiles.van.dataId);

    const [p, q] = a.snapSync([inVillage, alsoInVillage]) as SnappedPoint[];
    expect(p.dataId).toBe(a.data.profiles.van.dataId);
    expect(same.routeSync(p, q).ok).toBe(true);

    const r = slower.routeSync(p, q);
    expect(r).toMatchObject({ ok: false, reason: 'snap-failed', from: { ok: false, error: 'foreign-snap' } });
    if (!r.ok) expect(r.message).toMatch(/snapped on other routing data .*snap it again/);
    const m = slower.matrixSync([p, inVillage], [alsoInVillage]);
    expect(m.sources[0]).toMatchObject({ ok: false, error: 'foreign-snap', input: inVillage });
    expect(m.durationsS[0]).toBe(Infinity);
    expect(m.durationsS[1]).toBeGreaterThan(0);
    expect(m.durationsS[1]).toBeLessThan(Infinity);
  });

  it('a point without an id (made before ids existed) is refused, not guessed', () => {
    const a = villageRouter();
    const [p, q] = a.snapSync([inVillage, alsoInVillage]) as SnappedPoint[];
    const old = { ...p } as Partial<SnappedPoint>;
    delete old.dataId;
    const r = a.routeSync(old as SnappedPoint, q);
    expect(r).toMatchObject({ ok: false, from: { error: 'foreign-snap' } });
  });

  it('the id is saved in the file: points snapped before saving route after loading', () => {
    const a = villageRouter();
    const loaded = new ChRoadRouter(deserializeRoutingData(serializeRoutingData(a.data)));
    expect(loaded.data.profiles.van.dataId).toBe(a.data.profiles.van.dataId);
    const [p, q] = a.snapSync([inVillage, alsoInVillage]) as SnappedPoint[];
    const before = a.routeSync(p, q);
    const after = loaded.routeSync(p, q);
    expect(after.ok && before.ok && after.durationS === before.durationS).toBe(true);
  });

  it('a Liechtenstein point is refused on the Andorra data (the issue: it routed 5,336 m)', () => {
    const load = (file: string): ChRoadRouter =>
      new ChRoadRouter(
        prepareRoutingData(importOsm(sharedDataPath('osm', file), { profiles: ['van'] }).graphs, {
          weightings: ['fastest'],
        }),
      );
    const andorra = load('andorra-2025-01.osm.pbf');
    const liechtenstein = load('liechtenstein-2015.osm.pbf');
    const [li] = liechtenstein.snapSync([[9.52, 47.14]]);
    const [ad] = andorra.snapSync([[1.52, 42.51]]);
    expect(li.ok && ad.ok).toBe(true);
    expect(andorra.routeSync(li, ad)).toMatchObject({ ok: false, from: { error: 'foreign-snap' } });
    expect(andorra.matrixSync([ad], [li]).targets[0]).toMatchObject({ ok: false, error: 'foreign-snap' });
  });
});
