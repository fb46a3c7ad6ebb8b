import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createIntakeApp } from '../src/create-intake-app';

describe('HTTP hygiene', () => {
  const apps: RunningApp[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));
  const start = async (suite: string, env: Record<string, string> = {}) => {
    const app = await startApp(suite, createIntakeApp, env);
    apps.push(app);
    return app;
  };

  it('names no framework and lets nobody cache personal data', async () => {
    const app = await start('hygiene_headers');
    const health = await request(app.app.getHttpServer()).get('/v1/health').expect(200);
    expect(health.headers['x-powered-by']).toBeUndefined();
    const orders = await request(app.app.getHttpServer())
      .get('/v1/orders')
      .set('Authorization', app.auth('dispatcher'))
      .expect(200);
    expect(orders.headers['cache-control']).toBe('no-store');
    expect(orders.headers['x-powered-by']).toBeUndefined();
  });

  it('serves no OpenAPI document or Swagger UI in production unless asked to', async () => {
    const prod = await start('hygiene_prod', { NODE_ENV: 'production' });
    await request(prod.app.getHttpServer()).get('/v1/openapi.json').expect(404);
    await request(prod.app.getHttpServer()).get('/v1/docs').expect(404);
    const asked = await start('hygiene_prod_docs', { NODE_ENV: 'production', OPENAPI: 'on' });
    await request(asked.app.getHttpServer()).get('/v1/openapi.json').expect(200);
  });
});
