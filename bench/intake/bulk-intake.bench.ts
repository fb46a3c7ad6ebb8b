import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createIntakeApp } from '../../apps/intake/src/create-intake-app';
import { issueToken } from '@rd/auth';
import { parseConfig, readCliWith } from '@rd/config';
import { InProcessPlanningQueue } from '@rd/queue';
import { seededRandom } from '@rd/routing';
import { createTestDatabase, TEST_JWT_SECRET } from '@rd/testing';

/** Tomorrow (UTC): order windows must be plausible on the day the bench runs. */
const DAY = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

/**
 * Bulk intake rate: a 10,000-row live-stream CSV through the HTTP API into PostgreSQL + PostGIS,
 * against single-order POSTs in the same process as the baseline.
 * Run: `npm run bench:intake` (uses the local server; TEST_PG_URL overrides it).
 */
const ROWS = readCliWith(
  {
    usage: 'npm run bench:intake --',
    summary:
      'Bulk intake rate: a live-stream CSV through the HTTP API into the local PostgreSQL + PostGIS, against single-order POSTs in the same process.',
    options: {
      rows: { type: 'string', valueName: 'N', description: 'rows in the CSV', defaultText: '10000' },
    },
  },
  (cli) => cli.int('rows', 10_000, { min: 1, max: 1_000_000 }),
);
const SINGLES = 300;

function csv(rows: number, seed: number, keyPrefix: string): string {
  const random = seededRandom(seed);
  const lines = [
    'idempotency_key,kind,village,sender_name,sender_phone,sender_lon,sender_lat,sender_landmark,recipient_name,recipient_phone,recipient_lon,recipient_lat,window_start,window_end,weight_g,length_mm,width_mm,height_mm,cold_chain',
  ];
  for (let i = 0; i < rows; i++) {
    const lon = (1.45 + random() * 0.3).toFixed(5);
    const lat = (42.44 + random() * 0.2).toFixed(5);
    lines.push(
      `${keyPrefix}-${i},pickup,Village ${i % 40},Farmer ${i},+376 6${String(i).padStart(5, '0')},${lon},${lat},"gate ${i % 7}, by the well",County hub,+376 800 100,1.521,42.507,${DAY}T07:00:00Z,${DAY}T17:00:00Z,${500 + Math.floor(random() * 9500)},300,250,200,${random() < 0.2}`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_intake');
  const config = parseConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'error',
    BULK_MAX_ROWS: String(Math.max(ROWS, 20_000)),
  });
  const queue = new InProcessPlanningQueue();
  const app = await createIntakeApp({
    config,
    database: { url: db.url, embedded: false },
    planningQueue: queue,
  });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/v1`;
  const auth = (role: 'admin' | 'dispatcher') =>
    `Bearer ${issueToken({ sub: 'bench', role }, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER })}`;
  try {
    for (const [code, lon, lat] of [
      ['COUNTY', 1.521, 42.507],
      ['ENCAMP', 1.58, 42.535],
      ['ORDINO', 1.533, 42.556],
    ] as const) {
      await fetch(`${base}/hubs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth('admin') },
        body: JSON.stringify({ code, name: code, kind: 'township_station', location: [lon, lat] }),
      });
    }
    // Baseline: one order per request.
    const single = {
      kind: 'delivery',
      sender: { name: 'Shop', phone: '+376 800 100', location: [1.521, 42.507] },
      recipient: { name: 'R', phone: '+376 600 200', location: [1.5, 42.5] },
      window: { start: `${DAY}T08:00:00Z`, end: `${DAY}T12:00:00Z` },
      parcels: [{ weightG: 1000, lengthMm: 100, widthMm: 100, heightMm: 100 }],
    };
    let t = performance.now();
    for (let i = 0; i < SINGLES; i++) {
      const res = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: auth('dispatcher'),
          'idempotency-key': `single-${i}-bench`,
        },
        body: JSON.stringify(single),
      });
      if (res.status !== 201) throw new Error(`single order: HTTP ${res.status}`);
    }
    const singleRate = SINGLES / ((performance.now() - t) / 1000);

    const results: Array<[string, number, number]> = [];
    for (const [label, seed] of [
      ['csv run 1', 1],
      ['csv run 2', 2],
    ] as const) {
      const body = csv(ROWS, seed, `bench-${seed}`);
      t = performance.now();
      const res = await fetch(`${base}/orders/bulk`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization: auth('dispatcher') },
        body,
      });
      const report = (await res.json()) as { accepted: number; rejected: number };
      const seconds = (performance.now() - t) / 1000;
      if (report.accepted !== ROWS) throw new Error(`${label}: accepted ${report.accepted} of ${ROWS}`);
      results.push([label, seconds, ROWS / seconds]);
    }
    console.log(
      `bulk intake, ${ROWS} rows per upload (one pickup order + parcel each), PostgreSQL + PostGIS on this machine`,
    );
    console.log(
      `  baseline single POST /v1/orders: ${singleRate.toFixed(0)} orders/s (${SINGLES} sequential requests)`,
    );
    for (const [label, seconds, rate] of results) {
      console.log(
        `  ${label}: ${seconds.toFixed(2)} s  →  ${rate.toFixed(0)} orders/s  (${(rate / singleRate).toFixed(1)}× single)`,
      );
    }
  } finally {
    await app.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
