import request from 'supertest';
import { issueToken, PUBLIC_KEY, ROLES_KEY } from '@rd/auth';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';
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
    const undeclared: string[] = [];
    for (const controller of CONTROLLERS) {
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as unknown as Record<string, unknown>)[name] as object;
        if (name === 'constructor' || Reflect.getMetadata('path', handler) === undefined) continue;
        const roles = Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller);
        const isPublic =
          Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller);
        if (!isPublic && !(Array.isArray(roles) && roles.length))
          undeclared.push(`${controller.name}.${name}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('answers 401 without a token on every non-public route of the OpenAPI document', async () => {
    const doc = (await http().get('/v1/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThan(15);
    const id = '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11';
    for (const path of paths) {
      const url = path.replace(/\{[^}]+\}/g, id);
      for (const method of Object.keys(doc.paths[path]) as Array<'get' | 'post'>) {
        const res = await http()[method](url).send({});
        if (PUBLIC_PATHS.includes(path)) expect(res.status).not.toBe(401);
        else {
          expect({ route: `${method} ${path}`, status: res.status }).toEqual({
            route: `${method} ${path}`,
            status: 401,
          });
          expect(res.body.error).toBe('unauthenticated');
        }
      }
    }
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

  it('serves the OpenAPI document with request schemas from the validators', async () => {
    const doc = (await http().get('/v1/openapi.json').expect(200)).body;
    const body = doc.paths['/v1/orders'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(
      expect.arrayContaining(['kind', 'sender', 'recipient', 'window', 'parcels']),
    );
    expect(doc.info.description).toMatch(/OpenStreetMap/);
  });
});
