import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, type Body } from './fixtures';

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
    expect(list.body.map((v: Body) => v.code)).toEqual(['VAN-01']);
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
});
