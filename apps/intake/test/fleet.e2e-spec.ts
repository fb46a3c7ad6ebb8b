import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, expectBadPageQueries, walkPages, type Body } from './fixtures';

describe('hubs, fleet and staff', () => {
  let app: RunningApp;
  let county: Body;
  let port: Body;
  const http = () => request(app.app.getHttpServer());
  const post = (url: string, body: Body) =>
    http().post(url).set('Authorization', app.auth('admin')).send(body);

  beforeAll(async () => {
    app = await startApp('fleet', createIntakeApp);
    county = await createHub(app, {
      code: 'AD-LAVELLA',
      location: [1.521, 42.507],
      openingHours: { mon: [['08:00', '18:00']], sat: [['09:00', '12:00']] },
    });
    port = await createHub(app, {
      code: 'AD-DRONE-1',
      name: 'Encamp drone port',
      kind: 'drone_port',
      location: [1.58, 42.536],
    });
    await createHub(app, {
      code: 'AD-PAL',
      name: 'Pal service point',
      kind: 'village_service_point',
      location: [1.4835, 42.5475],
      village: 'Pal',
    });
  });
  afterAll(() => app.close());

  it('stores hubs with opening hours and refuses a duplicate code with 409', async () => {
    const res = await http()
      .get(`/v1/hubs/${county.id}`)
      .set('Authorization', app.auth('courier'))
      .expect(200);
    expect(res.body).toMatchObject({
      code: 'AD-LAVELLA',
      kind: 'county_hub',
      location: [1.521, 42.507],
      openingHours: { mon: [['08:00', '18:00']] },
    });
    const dup = await post('/v1/hubs', {
      code: 'AD-LAVELLA',
      name: 'x',
      kind: 'county_hub',
      location: [1, 42],
    }).expect(409);
    expect(dup.body.details).toEqual([{ field: 'code', reason: 'already exists' }]);
    const bad = await post('/v1/hubs', {
      code: 'X',
      name: 'x',
      kind: 'warehouse',
      location: [1, 142],
      openingHours: { mon: [['25:00', '18:00']] },
    }).expect(400);
    expect(bad.body.details.map((d: Body) => d.field)).toEqual(
      expect.arrayContaining(['kind', 'location.1', 'openingHours.mon.0.0']),
    );
  });

  it('finds the nearest hubs with PostGIS, optionally of one kind', async () => {
    const res = await http()
      .get('/v1/hubs/nearest?lon=1.49&lat=42.55&limit=2')
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(res.body.map((h: Body) => h.code)).toEqual(['AD-PAL', 'AD-LAVELLA']);
    expect(res.body[0].distanceM).toBeGreaterThan(400);
    expect(res.body[0].distanceM).toBeLessThan(700);
    const ports = await http()
      .get('/v1/hubs/nearest?lon=1.49&lat=42.55&kind=drone_port')
      .set('Authorization', app.auth('pilot'))
      .expect(200);
    expect(ports.body.map((h: Body) => h.code)).toEqual(['AD-DRONE-1']);
  });

  it('registers vehicles with capacities and shifts', async () => {
    const van = await post('/v1/vehicles', {
      code: 'VAN-01',
      kind: 'van',
      capacityWeightG: 800_000,
      capacityVolumeL: 3500,
      homeHubId: county.id,
      shiftStart: '07:00',
      shiftEnd: '17:00',
      skills: ['cold_chain'],
    }).expect(201);
    expect(van.body).toMatchObject({ code: 'VAN-01', capacityVolumeL: 3500, skills: ['cold_chain'] });
    const bad = await post('/v1/vehicles', {
      code: 'BIKE-01',
      kind: 'motorbike',
      capacityWeightG: 0,
      capacityVolumeL: 80,
      homeHubId: county.id,
      shiftStart: '17:00',
      shiftEnd: '07:00',
    }).expect(400);
    expect(bad.body.details.map((d: Body) => d.field)).toEqual(expect.arrayContaining(['capacityWeightG']));
    const noHub = await post('/v1/vehicles', {
      code: 'TRI-01',
      kind: 'tricycle',
      capacityWeightG: 200_000,
      capacityVolumeL: 600,
      homeHubId: '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11',
      shiftStart: '07:00',
      shiftEnd: '15:00',
    }).expect(400);
    expect(noHub.body.details).toEqual([{ field: 'homeHubId', reason: 'unknown hub' }]);
    const list = await http().get('/v1/vehicles').set('Authorization', app.auth('dispatcher')).expect(200);
    expect(list.body.items.map((v: Body) => v.code)).toEqual(['VAN-01']);
    expect(list.body.nextCursor).toBeNull();
  });

  it('registers drones only at drone ports', async () => {
    const drone = {
      serialNumber: 'DJI-FC30-0001',
      model: 'FlyCart 30',
      maxPayloadG: 30_000,
      batteryWh: 1800,
      cruiseSpeedMps: 15,
    };
    await post('/v1/drones', { ...drone, homePortId: port.id }).expect(201);
    const wrong = await post('/v1/drones', {
      ...drone,
      serialNumber: 'DJI-FC30-0002',
      homePortId: county.id,
    }).expect(400);
    expect(wrong.body.details).toEqual([
      { field: 'homePortId', reason: 'must be a drone_port, not a county_hub' },
    ]);
    await post('/v1/drones', { ...drone, homePortId: port.id }).expect(409);
  });

  it('validates pilot licences', async () => {
    const pilot = {
      name: 'Laia',
      licenceNumber: 'CAAC-BVLOS-778',
      licenceClass: 'BVLOS',
      maxDronesSupervised: 5,
    };
    const expired = await post('/v1/pilots', { ...pilot, licenceExpiresOn: '2020-01-01' }).expect(400);
    expect(expired.body.details).toEqual([
      { field: 'licenceExpiresOn', reason: expect.stringMatching(/expired/) },
    ]);
    const ok = await post('/v1/pilots', { ...pilot, licenceExpiresOn: '2099-06-30' }).expect(201);
    expect(ok.body).toMatchObject({ licenceClass: 'BVLOS', licenceExpiresOn: '2099-06-30' });
    await post('/v1/pilots', { ...pilot, licenceClass: 'EVLOS', licenceExpiresOn: '2099-06-30' }).expect(400);
    await http().get(`/v1/pilots/${ok.body.id}`).set('Authorization', app.auth('dispatcher')).expect(200);
  });

  it('registers couriers against a hub and a vehicle', async () => {
    const bad = await post('/v1/couriers', {
      name: 'Pere',
      phone: '+376 600 500',
      homeHubId: county.id,
      vehicleId: '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11',
    }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'vehicleId', reason: 'unknown vehicle' }]);
    await post('/v1/couriers', { name: 'Pere', phone: '+376 600 500', homeHubId: county.id }).expect(201);
  });

  describe('lists are paged (newest first, each item exactly once)', () => {
    const PAGE = 2;
    let home: Body;
    let dronePort: Body;

    beforeAll(async () => {
      home = await createHub(app, { code: 'PG-HUB', region: 'paging' });
      dronePort = await createHub(app, { code: 'PG-PORT', kind: 'drone_port', region: 'paging' });
      for (let i = 0; i < 3; i++) await createHub(app, { code: `PG-EXTRA-${i}`, region: 'paging' });
    });

    /** Every item of the list in one page, to compare the paged walk against. */
    const everything = async (path: string, query: Record<string, string> = {}) => {
      const res = await http()
        .get(path)
        .query({ ...query, limit: 500 })
        .set('Authorization', app.auth('dispatcher'))
        .expect(200);
      expect(res.body.nextCursor).toBeNull();
      return res.body.items as Array<{ id: string; createdAt: string }>;
    };

    const expectPagedWalk = async (path: string, atLeast: number, query: Record<string, string> = {}) => {
      const all = await everything(path, query);
      expect(all.length).toBeGreaterThanOrEqual(atLeast);
      const walked = await walkPages(app, path, { limit: PAGE, query });
      expect(walked.ids).toEqual(all.map((item) => item.id));
      expect(new Set(walked.ids).size).toBe(walked.ids.length);
      expect(walked.pages).toBe(Math.ceil(all.length / PAGE));
      const created = all.map((item) => Date.parse(item.createdAt));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    };

    it('pages hubs, filtered by region and kind', async () => {
      await expectPagedWalk('/v1/hubs', 5);
      await expectPagedWalk('/v1/hubs', 5, { region: 'paging' });
      const paging = await everything('/v1/hubs', { region: 'paging' });
      expect(paging.map((h) => (h as Body).code)).toEqual([
        'PG-EXTRA-2',
        'PG-EXTRA-1',
        'PG-EXTRA-0',
        'PG-PORT',
        'PG-HUB',
      ]);
      const ports = await everything('/v1/hubs', { region: 'paging', kind: 'drone_port' });
      expect(ports.map((h) => h.id)).toEqual([dronePort.id]);
      await expectBadPageQueries(app, '/v1/hubs');
    });

    it('pages vehicles, drones, pilots and couriers', async () => {
      for (let i = 0; i < 5; i++) {
        await post('/v1/vehicles', {
          code: `PG-VAN-${i}`,
          kind: 'van',
          capacityWeightG: 500_000,
          capacityVolumeL: 2000.5,
          homeHubId: home.id,
          shiftStart: '08:00',
          shiftEnd: '16:00',
        }).expect(201);
        await post('/v1/drones', {
          serialNumber: `PG-DRONE-${i}`,
          model: 'FlyCart 30',
          maxPayloadG: 30_000,
          batteryWh: 1800,
          cruiseSpeedMps: 15.5,
          homePortId: dronePort.id,
        }).expect(201);
        await post('/v1/pilots', {
          name: `Pilot ${i}`,
          licenceNumber: `PG-LIC-${i}`,
          licenceClass: 'VLOS',
          licenceExpiresOn: '2099-01-31',
          maxDronesSupervised: 1,
          station: [1.5, 42.5],
        }).expect(201);
        await post('/v1/couriers', {
          name: `Courier ${i}`,
          phone: '+376 600 501',
          homeHubId: home.id,
        }).expect(201);
      }
      for (const path of ['/v1/vehicles', '/v1/drones', '/v1/pilots', '/v1/couriers']) {
        await expectPagedWalk(path, 5);
        await expectBadPageQueries(app, path);
      }
    });

    it('answers the same record from the list, by id and on creation', async () => {
      const created = await post('/v1/pilots', {
        name: 'Núria',
        licenceNumber: 'PG-LIC-SAME',
        licenceClass: 'BVLOS',
        licenceExpiresOn: '2098-02-28',
        maxDronesSupervised: 3,
        station: [1.52, 42.51],
        region: 'paging',
      }).expect(201);
      expect(created.body).toMatchObject({
        licenceExpiresOn: '2098-02-28',
        station: { type: 'Point', coordinates: [1.52, 42.51] },
        shiftStart: '07:00:00',
        region: 'paging',
        phone: null,
        active: true,
      });
      const byId = await http()
        .get(`/v1/pilots/${created.body.id}`)
        .set('Authorization', app.auth('dispatcher'))
        .expect(200);
      const [newest] = await everything('/v1/pilots');
      expect(byId.body).toEqual(created.body);
      expect(newest).toEqual(created.body);
      const van = await post('/v1/vehicles', {
        code: 'PG-VAN-SAME',
        kind: 'tricycle',
        capacityWeightG: 90_000,
        capacityVolumeL: 350.25,
        homeHubId: home.id,
        shiftStart: '06:30',
        shiftEnd: '14:00',
        heightM: 1.8,
      }).expect(201);
      expect(van.body).toMatchObject({ capacityVolumeL: 350.25, heightM: 1.8, widthM: null, skills: [] });
      const [newestVan] = await everything('/v1/vehicles');
      expect(newestVan).toEqual(van.body);
    });
  });
});
