import request from 'supertest';
import { issueToken } from '@rd/auth';
import { routesOpenWithoutToken, startApp, undeclaredRoutes, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
import { AirspaceController } from '../src/airspace/airspace.controller';
import { FleetController, HubsController } from '../src/fleet/fleet.controller';
import { HealthController } from '../src/health.controller';
import { OrdersController } from '../src/orders/orders.controller';
import { ParcelsController, TrackingController } from '../src/parcels/parcels.controller';
import { orderBody } from './fixtures';

const CONTROLLERS = [
  OrdersController,
  ParcelsController,
  TrackingController,
  HubsController,
  FleetController,
  AirspaceController,
  HealthController,
];
const PUBLIC_PATHS = ['/v1/health', '/v1/tracking/{trackingNumber}'];

describe('roles and tokens', () => {
  let app: RunningApp;
  const http = () => request(app.app.getHttpServer());

  beforeAll(async () => {
    app = await startApp('auth', createIntakeApp);
  });
  afterAll(() => app.close());

  it('every route states who may call it', () => {
    expect(undeclaredRoutes(CONTROLLERS)).toEqual([]);
  });

  it('answers 401 without a token on every non-public route of the OpenAPI document', async () => {
    const { checked, open } = await routesOpenWithoutToken(app.app, PUBLIC_PATHS);
    expect(checked).toBeGreaterThan(15);
    expect(open).toEqual([]);
    await http().get('/v1/health').expect(200);
  });

  it('answers 403 for a role the route does not allow', async () => {
    const cases: Array<[string, string, 'courier' | 'pilot' | 'hub_operator' | 'dispatcher']> = [
      ['post', '/v1/orders', 'courier'],
      ['post', '/v1/orders', 'hub_operator'],
      ['get', '/v1/orders', 'pilot'],
      ['post', '/v1/hubs', 'dispatcher'],
      ['post', '/v1/drones', 'hub_operator'],
      ['post', '/v1/pilots', 'pilot'],
      ['get', '/v1/vehicles', 'courier'],
    ];
    for (const [method, url, role] of cases) {
      const res = await (method === 'get' ? http().get(url) : http().post(url).send(orderBody())).set(
        'Authorization',
        app.auth(role),
      );
      expect({ url, role, status: res.status }).toEqual({ url, role, status: 403 });
      expect(res.body.error).toBe('forbidden');
    }
    // Admin may call every route.
    await http().get('/v1/orders').set('Authorization', app.auth('admin')).expect(200);
  });

  it('refuses forged, expired and malformed tokens', async () => {
    const forged = issueToken(
      { sub: 'eve', role: 'admin' },
      { secret: 'f'.repeat(40), issuer: app.config.JWT_ISSUER },
    );
    const expired = issueToken(
      { sub: 'bob', role: 'admin' },
      { secret: app.config.JWT_SECRET, issuer: app.config.JWT_ISSUER, expiresInS: -5 },
    );
    for (const header of [
      `Bearer ${forged}`,
      `Bearer ${expired}`,
      'Bearer x.y.z',
      'Basic YWRtaW46YWRtaW4=',
    ]) {
      await http().get('/v1/orders').set('Authorization', header).expect(401);
    }
  });

  it('checks the token before reading a body: a bad token never pays for inflating or parsing one', async () => {
    const gzipGarbage = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0xff, 0xff]);
    for (const [path, type, body, encoding] of [
      ['/v1/orders/bulk', 'application/json', '{"orders": [', undefined],
      ['/v1/orders/bulk', 'text/csv', gzipGarbage, 'gzip'],
      ['/v1/orders', 'application/json', '{not json', undefined],
    ] as const) {
      for (const header of [undefined, 'Bearer x.y.z']) {
        const req = http().post(path).set('Content-Type', type);
        if (header) req.set('Authorization', header);
        if (encoding) req.set('Content-Encoding', encoding);
        const res = await req.send(body);
        expect({ path, header, status: res.status }).toEqual({ path, header, status: 401 });
        expect(res.body.error).toBe('unauthenticated');
      }
    }
  });

  it('serves the OpenAPI document with request schemas from the validators', async () => {
    const doc = (await http().get('/v1/openapi.json').expect(200)).body;
    const body = doc.paths['/v1/orders'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(
      expect.arrayContaining(['kind', 'sender', 'recipient', 'window', 'parcels']),
    );
    expect(doc.info.description).toMatch(/OpenStreetMap/);
  });
});
