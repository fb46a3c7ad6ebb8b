import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { parseConfig } from '@rd/config';
import { TEST_JWT_SECRET } from '@rd/testing';
import request from 'supertest';
import { createConsoleApp } from '../src/create-console-app';

/** The console server alone: no database, an API behind it that is down. */
describe('console server', () => {
  let app: INestApplication;
  const start = async (env: Record<string, string>) => {
    const config = parseConfig({
      NODE_ENV: 'test',
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'error',
      // Port 9 (discard) on loopback: nothing listens there.
      CONSOLE_INTAKE_URL: 'http://127.0.0.1:9/v1',
      CONSOLE_PLANNER_URL: 'http://127.0.0.1:9/v1',
      ...env,
    });
    const created = await createConsoleApp({ config });
    await created.init();
    return created;
  };
  afterEach(() => app?.close());

  it('serves the page in the browser language and a compressed, cacheable bundle', async () => {
    app = await start({});
    const page = await request(app.getHttpServer())
      .get('/')
      .set('Accept-Language', 'zh-CN,zh;q=0.9')
      .expect(200);
    expect(page.text).toContain('<html lang="zh-CN">');
    const script = /src="(\/assets\/app\.js\?v=[0-9a-f]+)"/.exec(page.text)![1];
    const js = await request(app.getHttpServer()).get(script).set('Accept-Encoding', 'br, gzip').expect(200);
    expect(js.headers['content-encoding']).toMatch(/^(br|gzip)$/);
    expect(js.headers['cache-control']).toContain('immutable');
    await request(app.getHttpServer())
      .get('/assets/app.js')
      .set('If-None-Match', js.headers.etag)
      .expect(304);
    await request(app.getHttpServer()).get('/assets/nope.js').expect(404);
    const config = await request(app.getHttpServer()).get('/v1/console/config').expect(200);
    expect(config.body).toEqual({
      region: 'default',
      devLogin: false,
      tiles: null,
      attribution: '© OpenStreetMap contributors (ODbL)',
    });
  });

  it('issues no development tokens unless enabled, and checks the role when it does', async () => {
    app = await start({});
    await request(app.getHttpServer()).post('/v1/dev-login').send({ role: 'dispatcher' }).expect(404);
    await app.close();
    app = await start({ CONSOLE_DEV_LOGIN: 'true' });
    const issued = await request(app.getHttpServer())
      .post('/v1/dev-login')
      .send({ role: 'hub_operator' })
      .expect(200);
    expect(issued.body.role).toBe('hub_operator');
    expect(issued.body.token.split('.')).toHaveLength(3);
    const bad = await request(app.getHttpServer()).post('/v1/dev-login').send({ role: 'king' }).expect(400);
    expect(bad.body.details[0].field).toBe('role');
    // A village point's agent: the token names their point; only a hub operator may be confined to one.
    const pointId = '7b0c2a5e-4f0d-4d8e-9a61-2f7c1d3e5a90';
    const agent = await request(app.getHttpServer())
      .post('/v1/dev-login')
      .send({ role: 'hub_operator', hubId: pointId })
      .expect(200);
    const claims = JSON.parse(Buffer.from(agent.body.token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ role: 'hub_operator', hubId: pointId });
    const courier = await request(app.getHttpServer())
      .post('/v1/dev-login')
      .send({ role: 'courier', hubId: pointId })
      .expect(400);
    expect(courier.body.details[0].field).toBe('hubId');
    await request(app.getHttpServer())
      .post('/v1/dev-login')
      .send({ role: 'hub_operator', hubId: 'shop-1' })
      .expect(400);
  });

  it('forwards only to the API: another host or a path above it is 404, and the token stays home', async () => {
    // A server standing for any other host the proxy could be pointed at, and for the API itself.
    const seen: string[] = [];
    const other = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    try {
      app = await start({ CONSOLE_INTAKE_URL: `http://127.0.0.1:${port}/v1` });
      const http = request(app.getHttpServer());
      for (const path of [
        `/api/intake/http://127.0.0.1:${port}/steal`,
        '/api/intake/../steal',
        '/api/intake/%2e%2e/steal',
        '/api/intake/http://[',
      ]) {
        const res = await http.get(path).set('Authorization', 'Bearer secret-token');
        expect({ path, status: res.status, error: res.body.error }).toEqual({
          path,
          status: 404,
          error: 'not_found',
        });
      }
      expect(seen).toEqual([]);
      await http.get('/api/intake/orders?limit=1').set('Authorization', 'Bearer t').expect(200);
      expect(seen).toEqual(['/v1/orders?limit=1 Bearer t']);
    } finally {
      other.close();
    }
  });

  it('answers 503 in the API error format when an API behind it is down', async () => {
    app = await start({});
    const res = await request(app.getHttpServer()).get('/api/intake/orders').expect(503);
    expect(res.body).toMatchObject({ error: 'unavailable', details: [{ field: 'upstream' }] });
  });
});
