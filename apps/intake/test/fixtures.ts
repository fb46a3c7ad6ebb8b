import request from 'supertest';
import type { RunningApp } from '@rd/testing';

export type Body = Record<string, unknown>;

import { tomorrowAt } from '@rd/testing';

export { TOMORROW, tomorrowAt } from '@rd/testing';

/** An order near Andorra la Vella (valid by default; override any part). */
export function orderBody(overrides: Body = {}): Body {
  return {
    kind: 'delivery',
    village: 'Santa Coloma',
    sender: { name: 'County Shop', phone: '+376 800 100', location: [1.521, 42.507] },
    recipient: {
      name: 'Maria Puig',
      phone: '+376 600 200',
      location: [1.495, 42.495],
      landmark: 'church square, blue door',
    },
    window: { start: tomorrowAt(8), end: tomorrowAt(12) },
    priority: 'standard',
    parcels: [{ weightG: 1200, lengthMm: 300, widthMm: 200, heightMm: 100 }],
    ...overrides,
  };
}

export async function createHub(app: RunningApp, overrides: Body = {}): Promise<Body> {
  const res = await request(app.app.getHttpServer())
    .post('/v1/hubs')
    .set('Authorization', app.auth('admin'))
    .send({
      code: `HUB-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Andorra la Vella hub',
      kind: 'county_hub',
      location: [1.521, 42.507],
      ...overrides,
    })
    .expect(201);
  return res.body as Body;
}
