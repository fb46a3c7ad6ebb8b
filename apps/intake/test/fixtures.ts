import request from 'supertest';
import type { Role } from '@rd/auth';
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

/**
 * Reads a keyset-paged list to its end, `limit` a page, checking each page's size; answers the ids in
 * the order served and how many pages it took.
 */
export async function walkPages(
  app: RunningApp,
  path: string,
  options: {
    role?: Role;
    /** A whole Authorization header instead of a role's (e.g. an agent's token naming their point). */
    token?: string;
    limit: number;
    query?: Record<string, string>;
    key?: 'items' | 'features';
  },
): Promise<{ ids: string[]; pages: number }> {
  const key = options.key ?? 'items';
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const res = await request(app.app.getHttpServer())
      .get(path)
      .query({ ...options.query, limit: options.limit, ...(cursor ? { cursor } : {}) })
      .set('Authorization', options.token ?? app.auth(options.role ?? 'dispatcher'))
      .expect(200);
    const items = res.body[key] as Array<{ id: string }>;
    expect(items.length).toBeLessThanOrEqual(options.limit);
    ids.push(...items.map((item) => item.id));
    pages++;
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return { ids, pages };
}

/** A malformed cursor and out-of-range limits are refused with 400 naming the field. */
export async function expectBadPageQueries(app: RunningApp, path: string, role: Role = 'dispatcher') {
  const get = (query: Record<string, string>) =>
    request(app.app.getHttpServer()).get(path).query(query).set('Authorization', app.auth(role));
  const forged = (text: string) => Buffer.from(text).toString('base64url');
  for (const cursor of [
    'not-a-cursor',
    forged(`2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`),
    forged('March 7, 2026|6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11'),
    forged('+275760-09-13T00:00:00.000Z|6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11'),
  ]) {
    const bad = await get({ cursor }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
  }
  for (const limit of ['0', '501', 'ten']) {
    const bad = await get({ limit }).expect(400);
    expect(bad.body.details.map((d: Body) => d.field)).toEqual(['limit']);
  }
}
