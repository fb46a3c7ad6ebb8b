import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, expectBadPageQueries, walkPages, type Body } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REGION = 'alps';

/** A square around a centre, `halfDeg` degrees each side, outer ring counter-clockwise unless `clockwise`. */
function square(lon: number, lat: number, halfDeg: number, clockwise = false): number[][] {
  const ring = [
    [lon - halfDeg, lat - halfDeg],
    [lon + halfDeg, lat - halfDeg],
    [lon + halfDeg, lat + halfDeg],
    [lon - halfDeg, lat + halfDeg],
    [lon - halfDeg, lat - halfDeg],
  ];
  return clockwise ? ring.reverse() : ring;
}

describe('airspace import and weather', () => {
  let app: RunningApp;
  const http = () => request(app.app.getHttpServer());
  const admin = () => app.auth('admin');
  let port: Body;

  const airport = (extra: Body = {}) => ({
    type: 'Feature',
    geometry: { type: 'Polygon', coordinates: [square(1.5, 42.5, 0.01, true)] },
    properties: {
      layer: 'no_fly_zone',
      name: 'Valley airfield',
      kind: 'airport',
      ceilingM: 500,
      altitudeRef: 'above_ground',
      ...extra,
    },
  });

  beforeAll(async () => {
    app = await startApp('airspace', createIntakeApp);
    port = await createHub(app, {
      code: 'ALP-PORT',
      name: 'Valley drone port',
      kind: 'drone_port',
      location: [1.45, 42.45],
      region: REGION,
    });
    await createHub(app, {
      code: 'ALP-VSP',
      name: 'Upper village point',
      kind: 'village_service_point',
      location: [1.47, 42.47],
      region: REGION,
    });
  });
  afterAll(() => app.close());

  it('imports zones (polygon, circle, afternoon-only), a corridor and a landing spot; lists, reads and deletes them', async () => {
    const res = await http()
      .post(`/v1/regions/${REGION}/airspace/import`)
      .set('Authorization', admin())
      .send({
        type: 'FeatureCollection',
        features: [
          airport(),
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [1.46, 42.49] },
            properties: {
              layer: 'no_fly_zone',
              name: 'School',
              kind: 'school',
              radiusM: 300,
              ceilingM: 120,
              altitudeRef: 'above_ground',
              dailyWindowsUtc: [{ from: '12:00', to: '16:30' }],
            },
          },
          {
            type: 'Feature',
            geometry: {
              type: 'LineString',
              coordinates: [
                [1.45, 42.45],
                [1.47, 42.47],
              ],
            },
            properties: {
              layer: 'corridor',
              name: 'Valley lane',
              ceilingM: 120,
              floorM: 30,
              altitudeRef: 'above_takeoff',
              ports: ['ALP-PORT'],
              halfWidthM: 150,
            },
          },
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [1.4701, 42.4702] },
            properties: {
              layer: 'landing_spot',
              name: 'Upper village',
              clearRadiusM: 8,
              lowering: 'winch',
              hub: 'ALP-VSP',
            },
          },
        ],
      })
      .expect(201);
    expect(res.body.imported).toEqual({ noFlyZones: 2, corridors: 1, landingSpots: 1 });
    // The clockwise airport ring was re-wound to RFC 7946 order, not refused.
    expect(res.body.rewound).toEqual([0]);

    const zones = await http()
      .get(`/v1/regions/${REGION}/no-fly-zones`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(zones.body.type).toBe('FeatureCollection');
    const byName = new Map<string, Json>(zones.body.features.map((f: Json) => [f.properties.name, f]));
    expect([...byName.keys()].sort()).toEqual(['School', 'Valley airfield']);
    expect(byName.get('Valley airfield')!.geometry.type).toBe('MultiPolygon');
    const school = byName.get('School')!;
    expect(school.properties.dailyWindowsUtc).toEqual([{ from: '12:00', to: '16:30' }]);
    const corridor = (
      await http().get(`/v1/regions/${REGION}/corridors`).set('Authorization', admin()).expect(200)
    ).body.features[0];
    expect(corridor.properties).toMatchObject({
      ports: ['ALP-PORT'],
      portIds: [port.id],
      altitudeRef: 'above_takeoff',
    });
    expect(corridor.geometry.type).toBe('Polygon');
    const spot = (
      await http()
        .get(`/v1/regions/${REGION}/landing-spots`)
        .set('Authorization', app.auth('pilot'))
        .expect(200)
    ).body.features[0];
    expect(spot).toMatchObject({
      geometry: { type: 'Point', coordinates: [1.4701, 42.4702] },
      properties: { hub: 'ALP-VSP', lowering: 'winch' },
    });

    const id = school.id;
    await http().get(`/v1/regions/${REGION}/no-fly-zones/${id}`).set('Authorization', admin()).expect(200);
    await http()
      .delete(`/v1/regions/${REGION}/no-fly-zones/${id}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(403);
    await http().delete(`/v1/regions/${REGION}/no-fly-zones/${id}`).set('Authorization', admin()).expect(204);
    await http().get(`/v1/regions/${REGION}/no-fly-zones/${id}`).set('Authorization', admin()).expect(404);
    await http()
      .delete(`/v1/regions/other/no-fly-zones/${byName.get('Valley airfield')!.id}`)
      .set('Authorization', admin())
      .expect(404);
  });

  it('refuses bad geometry with the reason per feature and stores nothing', async () => {
    const before = (await http().get(`/v1/regions/${REGION}/no-fly-zones`).set('Authorization', admin())).body
      .features.length;
    const bowtie = [
      [1.5, 42.5],
      [1.52, 42.52],
      [1.52, 42.5],
      [1.5, 42.52],
      [1.5, 42.5],
    ];
    const res = await http()
      .post(`/v1/regions/${REGION}/airspace/import`)
      .set('Authorization', admin())
      .send({
        type: 'FeatureCollection',
        features: [
          airport({ name: 'Fine' }),
          { ...airport(), geometry: { type: 'Polygon', coordinates: [bowtie] } },
          { ...airport(), geometry: { type: 'Polygon', coordinates: [square(1.5, 42.5, 0.01).slice(0, 4)] } },
          airport({ ceilingM: 0 }),
          {
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: [square(1.5, 42.5, 0.01)] },
            properties: {
              layer: 'corridor',
              name: 'x',
              ceilingM: 120,
              altitudeRef: 'amsl',
              ports: ['ALP-VSP'],
            },
          },
        ],
      })
      .expect(400);
    expect(res.body.error).toBe('validation_failed');
    const byField = Object.fromEntries(res.body.details.map((d: Body) => [d.field, d.reason]));
    expect(byField['features.1.geometry']).toMatch(/^self_intersection: the boundary crosses itself/);
    expect(byField['features.2.geometry']).toMatch(/^unclosed_ring/);
    expect(byField['features.3.properties.ceilingM']).toMatch(/ceiling must be above the floor/);
    expect(byField['features.4.properties.ports.0']).toMatch(/not a drone_port/);
    expect(Object.keys(byField).some((f) => f.startsWith('features.0'))).toBe(false);
    const after = (await http().get(`/v1/regions/${REGION}/no-fly-zones`).set('Authorization', admin())).body
      .features.length;
    expect(after).toBe(before);
    await http()
      .post(`/v1/regions/${REGION}/airspace/import`)
      .set('Authorization', admin())
      .send({ type: 'FeatureCollection', features: [] })
      .expect(400);
  });

  it('keeps the region weather: set by a dispatcher, read by a pilot, validated', async () => {
    await http().get(`/v1/regions/${REGION}/weather`).set('Authorization', admin()).expect(404);
    await http()
      .put(`/v1/regions/${REGION}/weather`)
      .set('Authorization', app.auth('dispatcher'))
      .send({ windSpeedMps: 6.5, windFromDeg: 270, rain: false })
      .expect(200);
    const read = await http()
      .get(`/v1/regions/${REGION}/weather`)
      .set('Authorization', app.auth('pilot'))
      .expect(200);
    expect(read.body).toMatchObject({ windSpeedMps: 6.5, windFromDeg: 270, rain: false });
    const bad = await http()
      .put(`/v1/regions/${REGION}/weather`)
      .set('Authorization', admin())
      .send({ windSpeedMps: -1, windFromDeg: 360, rain: 'no' })
      .expect(400);
    expect(bad.body.details.map((d: Body) => d.field).sort()).toEqual([
      'rain',
      'windFromDeg',
      'windSpeedMps',
    ]);
    await http()
      .put(`/v1/regions/${REGION}/weather`)
      .set('Authorization', app.auth('pilot'))
      .send({})
      .expect(403);
  });

  it('pages each layer as a FeatureCollection with nextCursor: every feature exactly once', async () => {
    const region = 'alps-paged';
    await createHub(app, {
      code: 'ALPP-PORT',
      kind: 'drone_port',
      location: [1.45, 42.45],
      region,
    });
    const zone = (i: number) => airport({ name: `Zone ${i}` });
    const corridor = (i: number) => ({
      type: 'Feature',
      geometry: {
        type: 'LineString',
        coordinates: [
          [1.45, 42.45],
          [1.46 + i / 100, 42.47],
        ],
      },
      properties: {
        layer: 'corridor',
        name: `Lane ${i}`,
        ceilingM: 120,
        altitudeRef: 'above_takeoff',
        ports: ['ALPP-PORT'],
        halfWidthM: 100,
      },
    });
    const spot = (i: number) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [1.47 + i / 100, 42.47] },
      properties: { layer: 'landing_spot', name: `Spot ${i}`, clearRadiusM: 6, lowering: 'land' },
    });
    const counts = { 'no-fly-zones': 5, corridors: 3, 'landing-spots': 4 };
    // One import is one transaction: its features share created_at, so the pages turn on the id alone.
    await http()
      .post(`/v1/regions/${region}/airspace/import`)
      .set('Authorization', admin())
      .send({
        type: 'FeatureCollection',
        features: [...[0, 1, 2, 3, 4].map(zone), ...[0, 1, 2].map(corridor), ...[0, 1, 2, 3].map(spot)],
      })
      .expect(201);
    // A later import comes first (newest first).
    await http()
      .post(`/v1/regions/${region}/airspace/import`)
      .set('Authorization', admin())
      .send({ type: 'FeatureCollection', features: [zone(5)] })
      .expect(201);
    counts['no-fly-zones'] = 6;
    for (const [layer, count] of Object.entries(counts)) {
      const path = `/v1/regions/${region}/${layer}`;
      const whole = await http().get(path).query({ limit: 500 }).set('Authorization', admin()).expect(200);
      expect(whole.body).toMatchObject({ type: 'FeatureCollection', nextCursor: null });
      expect(whole.body.features).toHaveLength(count);
      const walked = await walkPages(app, path, { role: 'pilot', limit: 2, key: 'features' });
      expect(walked.ids).toEqual(whole.body.features.map((f: Json) => f.id));
      expect(new Set(walked.ids).size).toBe(count);
      expect(walked.pages).toBe(Math.ceil(count / 2));
      await expectBadPageQueries(app, path, 'pilot');
    }
    const zones = await http()
      .get(`/v1/regions/${region}/no-fly-zones`)
      .query({ limit: 1 })
      .set('Authorization', admin())
      .expect(200);
    expect(zones.body.features[0].properties.name).toBe('Zone 5');
    expect(zones.body.nextCursor).toEqual(expect.any(String));
  });
});
