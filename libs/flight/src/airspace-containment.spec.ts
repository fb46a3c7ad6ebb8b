import { seededRandom } from '@rd/routing';
import { booleanPointInPolygon, lineString, point, pointToLineDistance } from '@turf/turf';
import { buildAirspace, type NoFlyZoneInput } from './airspace';
import {
  bandContainsFix,
  corridorsContainingPoint,
  distanceToLineM,
  zonesContainingFix,
  type FixAltitude,
} from './airspace-containment';
import type { GeoJsonPolygon, LonLat } from './types';

const at: FixAltitude = { heightAboveTakeoffM: 60, altitudeAmslM: null };

function square(lon: number, lat: number, size: number): GeoJsonPolygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
      ],
    ],
  };
}

function zone(id: string, polygon: GeoJsonPolygon, extra: Partial<NoFlyZoneInput> = {}): NoFlyZoneInput {
  return {
    id,
    shape: { kind: 'polygon', polygon },
    floorM: 0,
    ceilingM: 500,
    altitudeReference: 'above_ground',
    ...extra,
  };
}

describe('airspace containment of a drone fix', () => {
  it('finds the zones containing random points exactly as a brute-force point-in-polygon test (seeded)', () => {
    const random = seededRandom(7);
    const polygons = Array.from({ length: 12 }, () =>
      square(100 + random() * 0.1, 25 + random() * 0.1, 0.005 + random() * 0.03),
    );
    const { airspace, rejected } = buildAirspace({
      zones: polygons.map((p, i) => zone(`z${i}`, p)),
      corridors: [],
      safetyBufferM: 0,
    });
    expect(rejected).toEqual([]);
    for (let k = 0; k < 500; k++) {
      const p: LonLat = [100 + random() * 0.13, 25 + random() * 0.13];
      const oracle = polygons.flatMap((poly, i) => (booleanPointInPolygon(point(p), poly) ? [i] : []));
      expect(zonesContainingFix(airspace, p, 0, at)).toEqual(oracle);
    }
  });

  it('counts a zone only while it is active at the device time and its band holds the altitude', () => {
    const { airspace } = buildAirspace({
      zones: [
        zone('event', square(100, 25, 0.01), { activity: { periods: [{ fromMs: 1000, toMs: 2000 }] } }),
        zone('low', square(100, 25, 0.01), { floorM: 0, ceilingM: 30 }),
        zone('tower', square(100, 25, 0.01), { floorM: 100, ceilingM: 200, altitudeReference: 'amsl' }),
      ],
      corridors: [],
      safetyBufferM: 0,
    });
    const inside: LonLat = [100.005, 25.005];
    expect(zonesContainingFix(airspace, inside, 1500, at)).toEqual([0, 2]); // AMSL unknown: applies
    expect(zonesContainingFix(airspace, inside, 2500, at)).toEqual([2]);
    expect(
      zonesContainingFix(airspace, inside, 2500, { heightAboveTakeoffM: 20, altitudeAmslM: 300 }),
    ).toEqual([1]);
    expect(zonesContainingFix(airspace, [100.02, 25.005], 1500, at)).toEqual([]);
  });

  it('finds corridors containing a point, buffered lines included', () => {
    const { airspace } = buildAirspace({
      zones: [],
      corridors: [
        {
          id: 'lane',
          portIds: ['p1'],
          shape: {
            kind: 'line',
            line: [
              [100, 25],
              [100.05, 25],
            ],
            halfWidthM: 200,
          },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_takeoff',
        },
      ],
      safetyBufferM: 0,
    });
    expect(corridorsContainingPoint(airspace, [100.02, 25.001])).toEqual([0]); // ~110 m off the line
    expect(corridorsContainingPoint(airspace, [100.02, 25.003])).toEqual([]); // ~330 m off
  });

  it('measures the distance to a line like Turf within a metre (seeded)', () => {
    const random = seededRandom(3);
    for (let k = 0; k < 200; k++) {
      const line: LonLat[] = Array.from({ length: 2 + Math.floor(random() * 5) }, () => [
        115 + random() * 0.05,
        28 + random() * 0.05,
      ]);
      const p: LonLat = [115 + random() * 0.06, 28 + random() * 0.06];
      const oracle = pointToLineDistance(point(p), lineString(line), { units: 'meters' });
      expect(Math.abs(distanceToLineM(line, p) - oracle)).toBeLessThan(Math.max(1, oracle * 0.003));
    }
    expect(distanceToLineM([], [0, 0])).toBe(Infinity);
  });

  it('treats an unknown altitude as inside every band (the safe side)', () => {
    const band = { floorM: 50, ceilingM: 100, altitudeReference: 'amsl' as const };
    expect(bandContainsFix(band, { heightAboveTakeoffM: 10, altitudeAmslM: null })).toBe(true);
    expect(bandContainsFix(band, { heightAboveTakeoffM: 10, altitudeAmslM: 120 })).toBe(false);
  });
});
