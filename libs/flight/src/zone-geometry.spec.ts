import { area, booleanClockwise, booleanPointInPolygon, destination } from '@turf/turf';
import { buildAirspace } from './airspace';
import { circleToPolygon, validateZoneGeometry } from './zone-geometry';

const square = [
  [100.2, 25.6],
  [100.21, 25.6],
  [100.21, 25.61],
  [100.2, 25.61],
  [100.2, 25.6],
];

describe('validateZoneGeometry', () => {
  it('accepts a valid polygon (or a Feature holding one) and reports its area', () => {
    const result = validateZoneGeometry({ type: 'Polygon', coordinates: [square] });
    expect(result).toMatchObject({ ok: true, rewound: false });
    if (!result.ok) return;
    expect(result.areaM2).toBeCloseTo(area(result.polygon), 6);
    expect(result.areaM2).toBeGreaterThan(1.1e6);
    expect(result.areaM2).toBeLessThan(1.15e6);
    expect(
      validateZoneGeometry({
        type: 'Feature',
        properties: {},
        geometry: { type: 'Polygon', coordinates: [square] },
      }),
    ).toMatchObject({ ok: true });
  });

  it('fixes the winding instead of refusing it (outer counter-clockwise, holes clockwise)', () => {
    const clockwise = [...square].reverse();
    const hole = [
      [100.203, 25.603],
      [100.207, 25.603],
      [100.207, 25.607],
      [100.203, 25.607],
      [100.203, 25.603],
    ]; // counter-clockwise: wrong for a hole
    const result = validateZoneGeometry({ type: 'Polygon', coordinates: [clockwise, hole] });
    expect(result).toMatchObject({ ok: true, rewound: true });
    if (!result.ok) return;
    expect(booleanClockwise(result.polygon.coordinates[0] as [number, number][])).toBe(false);
    expect(booleanClockwise(result.polygon.coordinates[1] as [number, number][])).toBe(true);
    // The input is not modified.
    expect(clockwise[1]).toEqual([100.2, 25.61]);
  });

  it.each([
    ['a point', { type: 'Point', coordinates: [100, 25] }, 'not_polygon'],
    ['a ring of strings', { type: 'Polygon', coordinates: [[['a', 'b']]] }, 'not_polygon'],
    ['no ring', { type: 'Polygon', coordinates: [] }, 'too_few_points'],
    [
      'two corners',
      {
        type: 'Polygon',
        coordinates: [
          [
            [100.2, 25.6],
            [100.21, 25.6],
            [100.2, 25.6],
          ],
        ],
      },
      'too_few_points',
    ],
    ['an unclosed ring', { type: 'Polygon', coordinates: [square.slice(0, 4)] }, 'unclosed_ring'],
    [
      'a bow tie',
      {
        type: 'Polygon',
        coordinates: [
          [
            [100.2, 25.6],
            [100.21, 25.61],
            [100.21, 25.6],
            [100.2, 25.61],
            [100.2, 25.6],
          ],
        ],
      },
      'self_intersection',
    ],
    [
      'lat/lon swapped past the pole',
      { type: 'Polygon', coordinates: [square.map(([lon, lat]) => [lat, lon])] },
      'coordinates_out_of_range',
    ],
    [
      'a continent',
      {
        type: 'Polygon',
        coordinates: [
          [
            [80, 20],
            [120, 20],
            [120, 50],
            [80, 50],
            [80, 20],
          ],
        ],
      },
      'too_large',
    ],
    [
      'a speck',
      {
        type: 'Polygon',
        coordinates: [
          [
            [100.2, 25.6],
            [100.2000001, 25.6],
            [100.2000001, 25.6000001],
            [100.2, 25.6],
          ],
        ],
      },
      'too_small',
    ],
  ])('refuses %s with its code and a reason', (_name, geojson, code) => {
    const result = validateZoneGeometry(geojson);
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
  });

  it('applies configurable area limits', () => {
    expect(
      validateZoneGeometry({ type: 'Polygon', coordinates: [square] }, { maxAreaM2: 1e6 }),
    ).toMatchObject({
      ok: false,
      code: 'too_large',
    });
  });
});

describe('circleToPolygon', () => {
  it('contains the whole disc: chord midpoints are at least the radius from the centre', () => {
    const center: [number, number] = [100.2, 25.6];
    const polygon = circleToPolygon(center, 500, 16);
    for (let bearing = 0; bearing < 360; bearing += 1) {
      const onCircle = destination(center, 499.9, bearing, { units: 'meters' });
      expect(booleanPointInPolygon(onCircle, polygon)).toBe(true);
    }
  });
});

describe('buildAirspace', () => {
  it('reports invalid zones and corridors as values, keeps the rest, and versions by content', () => {
    const good = {
      id: 'good',
      shape: { kind: 'polygon' as const, polygon: { type: 'Polygon' as const, coordinates: [square] } },
      floorM: 0,
      ceilingM: 120,
      altitudeReference: 'above_ground' as const,
    };
    const bowTie = {
      ...good,
      id: 'bow-tie',
      shape: {
        kind: 'polygon' as const,
        polygon: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [100.2, 25.6],
              [100.21, 25.61],
              [100.21, 25.6],
              [100.2, 25.61],
              [100.2, 25.6],
            ],
          ],
        },
      },
    };
    const upsideDown = { ...good, id: 'upside-down', floorM: 200, ceilingM: 100 };
    const { airspace, rejected } = buildAirspace({
      zones: [good, bowTie, upsideDown],
      corridors: [
        {
          id: 'lane',
          portIds: ['p'],
          shape: { kind: 'line', line: [[100.2, 25.6]], halfWidthM: 50 },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_ground',
        },
      ],
    });
    expect(airspace.zones.map((z) => z.id)).toEqual(['good']);
    expect(rejected.map((r) => [r.kind, r.id, r.code])).toEqual([
      ['zone', 'bow-tie', 'self_intersection'],
      ['zone', 'upside-down', 'altitude_band'],
      ['corridor', 'lane', 'too_few_points'],
    ]);
    const again = buildAirspace({ zones: [good], corridors: [] }).airspace;
    expect(again.version).toBe(airspace.version);
    expect(buildAirspace({ zones: [good], corridors: [], safetyBufferM: 80 }).airspace.version).not.toBe(
      airspace.version,
    );
  });
});
