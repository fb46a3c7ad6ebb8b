import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { generateRuralNetwork, type LonLat } from '@rd/routing';
import { repoRoot, startApp, TOMORROW, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';
import { cachedMapFile, MapCache } from '../src/maps/map-cache';

const SEED = 11;
const TARGET_NODES = 500;
const REGION = `shared-${randomUUID().slice(0, 8)}`;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const point = (p: LonLat) => `SRID=4326;POINT(${p[0]} ${p[1]})`;

/**
 * Two planner processes with their own map directories plan one region in turn: the second never
 * imported the map, loads it from PostgreSQL by content hash, caches it and plans. A damaged local
 * copy is detected by its hash and fetched again.
 */
describe('preprocessed maps reach every planner worker through the database', () => {
  const dirA = mkdtempSync(join(tmpdir(), 'rd-maps-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'rd-maps-b-'));
  let a: RunningApp;
  let sql: Client;
  let child: ChildProcess | undefined;
  let childLog = '';
  let hash: string;

  const plans = async () =>
    (await sql.query(`SELECT count(*)::int AS n FROM plans WHERE region = $1`, [REGION])).rows[0].n as number;
  const planNow = () =>
    request(a.app.getHttpServer())
      .post(`/v1/regions/${REGION}/plan-now`)
      .set('Authorization', a.auth('dispatcher'))
      .send({ planDate: TOMORROW })
      .expect(202);

  beforeAll(async () => {
    a = await startApp('shared_maps', createPlannerApp, {
      MAPS_DIR: dirA,
      PLANNING_TIME_LIMIT_MS: '1000',
      PLANNING_THREADS: '1',
    });
    sql = new Client({ connectionString: a.db.url });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await sql?.end();
    await a?.close();
  });

  it('imports on one worker, stores the data by hash, and plans there', async () => {
    const started = await request(a.app.getHttpServer())
      .post('/v1/maps')
      .set('Authorization', a.auth('admin'))
      .send({ region: REGION, generated: { seed: SEED, targetNodes: TARGET_NODES } })
      .expect(202);
    const map = await waitFor('the map import', async () => {
      const res = await request(a.app.getHttpServer())
        .get(`/v1/maps/${started.body.id}`)
        .set('Authorization', a.auth('admin'))
        .expect(200);
      if (res.body.status === 'failed') throw new Error(res.body.error);
      return res.body.status === 'ready' && res.body;
    });
    hash = map.dataHash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(map)).not.toContain(dirA);
    // The importing worker's cache holds the file under its hash, and nothing else.
    expect(readdirSync(dirA)).toEqual([`${hash}.rdgraph`]);
    expect(sha256(readFileSync(cachedMapFile(dirA, hash)))).toBe(hash);
    const { rows } = await sql.query(
      `SELECT d.size_bytes::int AS size, d.chunk_count AS chunks, sum(length(c.data))::int AS stored
       FROM map_data d JOIN map_data_chunks c USING (hash) WHERE hash = $1 GROUP BY 1, 2`,
      [hash],
    );
    expect(rows).toEqual([
      {
        size: readFileSync(cachedMapFile(dirA, hash)).length,
        chunks: expect.any(Number),
        stored: rows[0].size,
      },
    ]);

    // A hub, a van with its courier and a day of deliveries to the generated villages.
    const { villages } = generateRuralNetwork({ seed: SEED, targetNodes: TARGET_NODES });
    const one = async (text: string, params: unknown[]) => (await sql.query(text, params)).rows[0];
    const hub = await one(
      `INSERT INTO hubs (code, name, kind, location, region) VALUES ($1, 'Hub', 'county_hub', $2, $3) RETURNING id`,
      [`HUB-${REGION}`, point(villages[0]), REGION],
    );
    const van = await one(
      `INSERT INTO vehicles (code, kind, capacity_weight_g, capacity_volume_l, home_hub_id, shift_start, shift_end)
       VALUES ($1, 'van', 500000, 2000, $2, '07:00', '19:00') RETURNING id`,
      [`VAN-${REGION}`, hub.id],
    );
    await sql.query(
      `INSERT INTO couriers (name, phone, home_hub_id, vehicle_id) VALUES ('Courier', '13800000000', $1, $2)`,
      [hub.id, van.id],
    );
    for (const [i, village] of villages.slice(1, 9).entries()) {
      const order = await one(
        `INSERT INTO orders (kind, hub_id, sender_name, sender_phone, sender_location, recipient_name, recipient_phone,
           recipient_location, window_start, window_end)
         VALUES ('delivery', $1, 'Shop', '13800000001', $2, $3, '13800000002', $4, $5, $6) RETURNING id`,
        [
          hub.id,
          point(villages[0]),
          `Villager ${i}`,
          point(village),
          `${TOMORROW}T08:00:00Z`,
          `${TOMORROW}T17:00:00Z`,
        ],
      );
      await sql.query(
        `INSERT INTO parcels (order_id, tracking_number, weight_g, length_mm, width_mm, height_mm)
         VALUES ($1, $2, 1000, 200, 200, 200)`,
        [order.id, `RD${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`],
      );
    }
    await planNow();
    await waitFor('the first worker’s plan', async () => (await plans()) >= 1);
  }, 180_000);

  it('plans on a second process that never imported the map: it loads the data from the database', async () => {
    expect(hash).toBeDefined();
    execFileSync('npx', ['swc', 'apps', 'libs', '-d', 'dist', '--config-file', '.swcrc', '-q'], {
      cwd: repoRoot(),
    });
    // As on another host: the importing worker's file is out of reach.
    rmSync(cachedMapFile(dirA, hash));
    const before = await plans();
    // This process's worker steps aside; the child takes the next job.
    await a.queue.queue.pause(true);
    child = spawn(process.execPath, [join(repoRoot(), 'dist/apps/planner/src/main.js')], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: a.db.url,
        REDIS_URL: a.config.REDIS_URL,
        QUEUE_PREFIX: a.prefix,
        JWT_SECRET: a.config.JWT_SECRET,
        PORT: '0',
        MAPS_DIR: dirB,
        PLANNING_TIME_LIMIT_MS: '1000',
        PLANNING_THREADS: '1',
        LOG_LEVEL: 'log',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (childLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (childLog += d.toString()));
    await waitFor('the second planner to start', async () => {
      if (child!.exitCode !== null) throw new Error(`the second planner exited:\n${childLog}`);
      return childLog.includes('consuming queue');
    });
    await planNow();
    await waitFor('the second worker’s plan', async () => {
      if (child!.exitCode !== null) throw new Error(`the second planner exited:\n${childLog}`);
      return (await plans()) > before;
    });
    // The plan is stored before its run is marked finished.
    const runs = await waitFor('the run that stored the plan to finish', async () => {
      const { rows } = await sql.query(
        `SELECT status, error FROM planning_runs WHERE region = $1 ORDER BY started_at DESC LIMIT 1`,
        [REGION],
      );
      return rows[0]?.status !== 'running' && rows;
    });
    expect(runs[0]).toMatchObject({ status: 'succeeded' });
    expect(childLog).toContain(`fetched map ${hash}`);
    expect(existsSync(cachedMapFile(dirB, hash))).toBe(true);
    expect(sha256(readFileSync(cachedMapFile(dirB, hash)))).toBe(hash);
    // Only the verified file: no temporary left behind.
    expect(readdirSync(dirB)).toEqual([`${hash}.rdgraph`]);
  }, 240_000);

  it('detects a damaged or truncated local copy by its hash and fetches the map again', async () => {
    expect(hash).toBeDefined();
    const cache = a.app.get(MapCache);
    const file = cachedMapFile(dirA, hash);
    // A missing copy (removed above) is fetched and written back.
    expect(sha256(await cache.bytes(hash))).toBe(hash);
    const good = readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[Math.floor(flipped.length / 2)] ^= 0xff;
    for (const damaged of [flipped, good.subarray(0, good.length - 4096), Buffer.alloc(0)]) {
      writeFileSync(file, damaged);
      const bytes = await cache.bytes(hash);
      expect(sha256(bytes)).toBe(hash);
      expect(sha256(readFileSync(file))).toBe(hash);
    }
    expect(readdirSync(dirA)).toEqual([`${hash}.rdgraph`]);
  }, 60_000);

  it('records a run that failed for an unexpected reason without naming server paths', async () => {
    expect(hash).toBeDefined();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await a.queue.queue.pause(true); // the job is for the worker below
    // A worker whose cache directory cannot be made: the run fails with a file-system error.
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'rd-maps-c-')), 'file');
    writeFileSync(notADirectory, '');
    const c = await startApp(
      'shared_maps',
      createPlannerApp,
      { MAPS_DIR: join(notADirectory, 'maps'), PLANNING_TIME_LIMIT_MS: '1000', PLANNING_THREADS: '1' },
      { db: a.db, prefix: a.prefix },
    );
    try {
      await request(c.app.getHttpServer())
        .post(`/v1/regions/${REGION}/plan-now`)
        .set('Authorization', c.auth('dispatcher'))
        .send({ planDate: TOMORROW })
        .expect(202);
      const run = await waitFor('the failed run', async () => {
        const { rows } = await sql.query(
          `SELECT error FROM planning_runs WHERE region = $1 AND status = 'failed' LIMIT 1`,
          [REGION],
        );
        return rows[0];
      });
      expect(run.error).not.toContain(tmpdir());
      expect(run.error).toMatch(/planner log/);
      const runs = await request(c.app.getHttpServer())
        .get(`/v1/regions/${REGION}/planning-runs`)
        .set('Authorization', c.auth('dispatcher'))
        .expect(200);
      expect(JSON.stringify(runs.body)).not.toContain(tmpdir());
    } finally {
      await c.close();
    }
  }, 60_000);

  it('a worker shut down mid-run finishes the run and stores its plan before it lets go of the database', async () => {
    expect(hash).toBeDefined();
    await a.queue.queue.pause(true); // the job is for the worker below
    const d = await startApp(
      'shared_maps',
      createPlannerApp,
      { MAPS_DIR: dirA, PLANNING_TIME_LIMIT_MS: '3000', PLANNING_THREADS: '1' },
      { db: a.db, prefix: a.prefix },
    );
    const before = await plans();
    await request(d.app.getHttpServer())
      .post(`/v1/regions/${REGION}/plan-now`)
      .set('Authorization', d.auth('dispatcher'))
      .send({ planDate: TOMORROW })
      .expect(202);
    const solving = await waitFor('the run to reach the solver', async () => {
      const { rows } = await sql.query(
        `SELECT id FROM planning_runs WHERE region = $1 AND status = 'running' AND stage = 'solving'`,
        [REGION],
      );
      return rows[0];
    });
    // As on SIGTERM (shutdown hooks are on): the app closes while the solver is working.
    await d.close();
    const { rows } = await sql.query(`SELECT status, plan_id FROM planning_runs WHERE id = $1`, [solving.id]);
    expect(rows[0]).toMatchObject({ status: 'succeeded', plan_id: expect.any(String) });
    expect(await plans()).toBe(before + 1);
  }, 60_000);
});
