import request from 'supertest';
import { routesOpenWithoutToken, startApp, undeclaredRoutes, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';
import { PilotMissionsController } from '../src/flight/pilot-missions.controller';
import { MapsController } from '../src/maps/maps.controller';
import { RoadNetworkController } from '../src/maps/road-network.controller';
import { PlannerHealthController } from '../src/planner-health.controller';
import { CourierController, PlansController } from '../src/plans/plans.controller';

describe('planner roles', () => {
  let app: RunningApp;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('planner_auth', createPlannerApp);
  });
  afterAll(() => app.close());

  it('every route states who may call it, and none answers without a token', async () => {
    expect(
      undeclaredRoutes([
        PlansController,
        CourierController,
        MapsController,
        PlannerHealthController,
        PilotMissionsController,
        RoadNetworkController,
      ]),
    ).toEqual([]);
    const { checked, open } = await routesOpenWithoutToken(app.app, ['/v1/health']);
    expect(checked).toBeGreaterThanOrEqual(12);
    expect(open).toEqual([]);
  });

  it('keeps dispatcher, admin and courier routes apart', async () => {
    const courier = app.auth('courier', '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11');
    await http().get('/v1/regions/r1/plans/current').set('Authorization', courier).expect(403);
    await http()
      .post('/v1/regions/r1/plans/current/commit')
      .set('Authorization', app.auth('hub_operator'))
      .expect(403);
    await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('dispatcher'))
      .send({ region: 'r1', file: '/x.pbf' })
      .expect(403);
    await http().get('/v1/courier/route').set('Authorization', app.auth('dispatcher')).expect(403);
    // A courier token for a courier who has no route: 404, never someone else's route.
    await http().get('/v1/courier/route').set('Authorization', courier).expect(404);
    await http().get('/v1/regions/r1/plans/current').set('Authorization', app.auth('dispatcher')).expect(404);
    // The road network is for all staff; a region without a map says so, a bad zoom is named.
    const noMap = await http().get('/v1/regions/r1/road-network').set('Authorization', courier).expect(404);
    expect(noMap.body.details).toEqual([{ field: 'region', reason: 'no active map' }]);
    const badZoom = await http()
      .get('/v1/regions/r1/road-network?zoom=25&bbox=1,2,3')
      .set('Authorization', app.auth('hub_operator'))
      .expect(400);
    expect(badZoom.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['bbox', 'zoom']);
    await http()
      .get('/v1/regions/NOT%20A%20REGION/plans')
      .set('Authorization', app.auth('dispatcher'))
      .expect(400);
  });

  it('checks the token before reading a body', async () => {
    for (const path of ['/v1/maps', '/v1/regions/r1/plans/current/moves']) {
      const res = await http().post(path).set('Content-Type', 'application/json').send('{not json');
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }
  });

  it('refuses a bad map import clearly', async () => {
    const bad = await http()
      .post('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .send({ region: 'r1', file: 'missing.osm.pbf' })
      .expect(400);
    expect(bad.body.details).toEqual([
      { field: 'file', reason: expect.stringMatching(/no such map source/) },
    ]);
    await http().post('/v1/maps').set('Authorization', app.auth('admin')).send({ region: 'r1' }).expect(400);
  });
});
