import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { createHub, type Body } from './fixtures';

describe('vehicle size and weight', () => {
  let app: RunningApp;
  let hub: Body;
  const http = () => request(app.app.getHttpServer());
  const vehicle = (extra: Body): Body => ({
    code: `V-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'van',
    capacityWeightG: 800_000,
    capacityVolumeL: 6000,
    homeHubId: hub.id,
    shiftStart: '08:00',
    shiftEnd: '17:00',
    ...extra,
  });

  beforeAll(async () => {
    app = await startApp('vehicle_dimensions', createIntakeApp);
    hub = await createHub(app);
  });
  afterAll(() => app.close());

  it('stores height, width, length, gross weight and axle load, and reads them back', async () => {
    const dims = { heightM: 2.85, widthM: 2.05, lengthM: 6.4, grossWeightG: 3_500_000, axleLoadG: 1_900_000 };
    const created = await http()
      .post('/v1/vehicles')
      .set('Authorization', app.auth('admin'))
      .send(vehicle(dims))
      .expect(201);
    expect(created.body).toMatchObject(dims);
    const read = await http()
      .get(`/v1/vehicles/${created.body.id}`)
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(read.body).toMatchObject(dims);
    // figures are optional: a vehicle without them is still valid
    const plain = await http()
      .post('/v1/vehicles')
      .set('Authorization', app.auth('admin'))
      .send(vehicle({}))
      .expect(201);
    expect(plain.body).toMatchObject({ heightM: null, grossWeightG: null });
  });

  it('refuses impossible figures with the field and reason (400)', async () => {
    const res = await http()
      .post('/v1/vehicles')
      .set('Authorization', app.auth('admin'))
      .send(
        vehicle({ heightM: -1, widthM: 9, grossWeightG: 2_000_000, axleLoadG: 3_000_000, lengthM: 'long' }),
      )
      .expect(400);
    const fields = (res.body.details as Array<{ field: string }>).map((d) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['heightM', 'widthM', 'lengthM']));
  });

  it('an axle load above the gross weight is refused', async () => {
    const res = await http()
      .post('/v1/vehicles')
      .set('Authorization', app.auth('admin'))
      .send(vehicle({ grossWeightG: 2_000_000, axleLoadG: 3_000_000 }))
      .expect(400);
    expect(res.body.details).toEqual([
      { field: 'axleLoadG', reason: 'axle load must not exceed the gross weight' },
    ]);
  });
});
