import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

const shippedProfiles = join(__dirname, '..', '..', '..', 'libs', 'routing', 'profiles');

describe('map import with vehicle profiles', () => {
  let app: RunningApp;
  const http = () => request(app.app.getHttpServer());
  const dir = mkdtempSync(join(tmpdir(), 'rd-map-profiles-'));
  const van = JSON.parse(readFileSync(join(shippedProfiles, 'van.json'), 'utf8')) as Record<string, unknown>;

  beforeAll(async () => {
    // Profile files over HTTP come from the maps directory, like the maps themselves.
    app = await startApp('planner_map_profiles', createPlannerApp, { MAP_SOURCES_DIR: dir });
  });
  afterAll(() => app.close());

  it('builds the named built-in profiles and a user file, and shows them on the map record', async () => {
    const mine = join(dir, 'high-van.json');
    writeFileSync(
      mine,
      JSON.stringify({
        ...van,
        name: 'high-van',
        description: 'our 3.1 m box van',
        dimensions: { heightM: 3.1, widthM: 2.2, lengthM: 7, grossWeightG: 5_000_000, axleLoadG: 3_000_000 },
      }),
    );
    const started = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({
        region: 'prof1',
        generated: { seed: 3, targetNodes: 300 },
        profiles: ['tricycle', 'high-van.json'],
      })
      .expect(202);
    let map = started.body;
    for (let i = 0; i < 600 && map.status === 'importing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      map = (await http().get(`/v1/maps/${map.id}`).set('Authorization', app.auth('admin')).expect(200)).body;
    }
    expect(map).toMatchObject({ status: 'ready', profiles: ['tricycle', 'high-van'] });
    expect(map.stats.tricycle).toMatchObject({ source: 'built-in', dimensions: { heightM: 1.9 } });
    expect(map.stats['high-van']).toMatchObject({
      source: 'file:high-van.json',
      description: 'our 3.1 m box van',
      dimensions: { heightM: 3.1 },
      dataId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });

  it('takes a YAML profile file, and refuses a bad one naming field and line (400)', async () => {
    const example = readFileSync(join(shippedProfiles, 'example-box-truck.yaml'), 'utf8');
    writeFileSync(join(dir, 'box-truck.yaml'), example);
    const started = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({
        region: 'prof4',
        generated: { seed: 3, targetNodes: 300 },
        profiles: ['van', 'box-truck.yaml'],
      })
      .expect(202);
    let map = started.body;
    for (let i = 0; i < 600 && map.status === 'importing'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      map = (await http().get(`/v1/maps/${map.id}`).set('Authorization', app.auth('admin')).expect(200)).body;
    }
    expect(map).toMatchObject({ status: 'ready', profiles: ['van', 'box-truck'] });
    expect(map.stats['box-truck']).toMatchObject({
      source: 'file:box-truck.yaml',
      dimensions: { heightM: 3.8 },
    });

    const lines = example.split('\n');
    const at = lines.findIndex((l) => l.startsWith('maxSpeedKmh:'));
    lines[at] = 'maxSpeedKmh: fast';
    lines.splice(at + 1, 0, 'colour: red');
    writeFileSync(join(dir, 'bad-truck.yml'), lines.join('\n'));
    const res = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({ region: 'prof5', generated: { seed: 3 }, profiles: ['bad-truck.yml'] })
      .expect(400);
    expect(res.body.details).toEqual([
      {
        field: 'profiles[0].maxSpeedKmh',
        reason: expect.stringMatching(`\\(line ${at + 1} of bad-truck.yml\\)$`),
      },
      { field: 'profiles[0].colour', reason: `unknown field (line ${at + 2} of bad-truck.yml)` },
    ]);
  });

  it('refuses bad profiles before importing, with every bad field (400)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...van, name: 'bad', maxSpeedKmh: 0, colour: 'red' }));
    const res = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({ region: 'prof2', generated: { seed: 3 }, profiles: ['van', 'bad.json', 'lorry', 'van'] })
      .expect(400);
    const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(['profiles[1].colour', 'profiles[1].maxSpeedKmh', 'profiles[2]', 'profiles[3]']);
    const list = await http().get('/v1/maps').set('Authorization', app.auth('admin')).expect(200);
    expect((list.body.items as Array<{ region: string }>).some((m) => m.region === 'prof2')).toBe(false);
  });

  it('reads profile files over HTTP only from the maps directory, naming no server path', async () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'rd-outside-')), 'truck.json');
    writeFileSync(outside, JSON.stringify({ ...van, name: 'truck' }));
    for (const spec of [outside, '../truck.json', 'missing.json']) {
      const res = await http()
        .post('/v1/maps')
        .set('Authorization', app.auth('admin'))
        .send({ region: 'prof3', generated: { seed: 3 }, profiles: ['van', spec] })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'profiles[1]', reason: expect.any(String) }]);
      expect(JSON.stringify(res.body)).not.toContain(tmpdir());
    }
  });
});
