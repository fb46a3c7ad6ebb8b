import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RoutingError } from '@rd/routing';
import { GraphHopperRoadRouter } from './graphhopper-road-router';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', 'test-fixtures', 'graphhopper', name), 'utf8'));

interface Recorded {
  url: string;
  body: Record<string, unknown>;
}

/** A stand-in GraphHopper server that answers with recorded-format responses and keeps the requests. */
function fakeServer(
  replies: Array<[status: number, body: unknown]>,
): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: JSON.parse(data || '{}') as Record<string, unknown> });
      const [status, body] = replies.shift() ?? [500, { message: 'no reply queued' }];
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }),
    ),
  );
}

describe('GraphHopperRoadRouter maps requests and responses', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('route: profile mapping, 2D encoded points, ms → s, geometry and snapped ends', async () => {
    const s = await fakeServer([[200, fixture('route-andorra.json')]]);
    server = s.server;
    const gh = new GraphHopperRoadRouter({ host: s.url, profiles: { van: 'car', motorbike: 'motorcycle' } });
    const r = await gh.route([1.5212, 42.5078], [1.5257, 42.5104], { profile: 'van' });
    expect(s.requests[0].url).toMatch(/^\/route\?key=/);
    expect(s.requests[0].body).toMatchObject({
      points: [
        [1.5212, 42.5078],
        [1.5257, 42.5104],
      ],
      profile: 'car',
      points_encoded: true,
      elevation: false,
      instructions: false,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.durationS).toBeCloseTo(52.542, 6);
    expect(r.distanceM).toBeCloseTo(437.912, 6);
    expect(r.geometry?.coordinates.length).toBe(7);
    expect(r.geometry?.coordinates[0][0]).toBeCloseTo(1.52128, 6);
    expect(r.geometry?.coordinates[0][1]).toBeCloseTo(42.50785, 6);
    expect(r.from.snapped[0]).toBeCloseTo(1.52128, 6);
    expect(r.to.snapped[1]).toBeCloseTo(42.51034, 6);
    expect(r.from.offRoadM).toBeGreaterThan(0);
    expect(r.from.offRoadM).toBeLessThan(20);
  });

  it('route: "point not found" and "connection not found" are values; a server fault throws', async () => {
    const s = await fakeServer([
      [400, fixture('route-point-not-found.json')],
      [400, fixture('route-connection-not-found.json')],
      [500, { message: 'Internal server error' }],
    ]);
    server = s.server;
    const gh = new GraphHopperRoadRouter({ host: s.url });
    const a = await gh.route([1.5, 42.5], [1.7, 42.6]);
    expect(a).toMatchObject({ ok: false, reason: 'snap-failed' });
    const b = await gh.route([1.5, 42.5], [1.7, 42.6]);
    expect(b).toMatchObject({ ok: false, reason: 'unreachable' });
    await expect(gh.route([1.5, 42.5], [1.7, 42.6])).rejects.toThrow(RoutingError);
    const c = await gh.route([NaN, 42.5], [1.7, 42.6]);
    expect(c).toMatchObject({ ok: false, reason: 'snap-failed' });
    expect(s.requests.length).toBe(3); // the NaN never left the process
  });

  it('matrix: from/to points, seconds and metres row-major, null → Infinity, bad points kept out of the request', async () => {
    const s = await fakeServer([[200, fixture('matrix-andorra.json')]]);
    server = s.server;
    const gh = new GraphHopperRoadRouter({
      host: s.url,
      profiles: { van: { fastest: 'car', shortest: 'car_shortest' } },
    });
    const m = await gh.matrix(
      [
        [1.52, 42.5],
        [NaN, 1],
        [1.53, 42.51],
      ],
      [
        [1.52, 42.5],
        [1.55, 42.52],
        [1.6, 42.55],
      ],
      { weighting: 'fastest' },
    );
    expect(s.requests[0].url).toMatch(/^\/matrix\?key=/);
    expect(s.requests[0].body).toMatchObject({
      from_points: [
        [1.52, 42.5],
        [1.53, 42.51],
      ],
      to_points: [
        [1.52, 42.5],
        [1.55, 42.52],
        [1.6, 42.55],
      ],
      profile: 'car',
      out_arrays: ['times', 'distances'],
      fail_fast: false,
    });
    expect(m.rows).toBe(3);
    expect(m.cols).toBe(3);
    expect(Array.from(m.durationsS)).toEqual([0, 412, 95, Infinity, Infinity, Infinity, 405, 0, Infinity]);
    expect(Array.from(m.distancesM)).toEqual([
      0,
      5210.4,
      1203.9,
      Infinity,
      Infinity,
      Infinity,
      5188.1,
      0,
      Infinity,
    ]);
    expect(m.sources[1]).toMatchObject({ ok: false, error: 'invalid-coordinate' });
  });

  it('unknown profiles and missing weightings are clear errors', async () => {
    const gh = new GraphHopperRoadRouter({ host: 'http://127.0.0.1:9', profiles: { van: 'car' } });
    await expect(gh.matrix([[1, 1]], [[1, 1]], { profile: 'tractor' })).rejects.toThrow(
      /unknown profile "tractor"/,
    );
    await expect(gh.matrix([[1, 1]], [[1, 1]], { weighting: 'shortest' })).rejects.toThrow(
      /no GraphHopper profile .* "shortest"/,
    );
  });
});
