import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';
import { cachedMapFile, MapCache } from '../src/maps/map-cache';
import { MapDataRepository } from '../src/maps/map-data.repository';
import { MapStore } from '../src/maps/map-store.service';

/**
 * Superseded map data leaves the database once a newer map is ready (issue 13), on real PostgreSQL,
 * with two planner workers sharing the database and each keeping its own MAPS_DIR.
 */
describe('superseded map data is cleaned up', () => {
  const dir1 = mkdtempSync(join(tmpdir(), 'rd-retention-1-'));
  const dir2 = mkdtempSync(join(tmpdir(), 'rd-retention-2-'));
  let w1: RunningApp;
  let w2: RunningApp;
  let sql: Client;

  const region = () => `ret-${randomUUID().slice(0, 8)}`;
  /** A small generated county: the same seed gives the same bytes, so the same hash. */
  const importMap = async (worker: RunningApp, r: string, seed: number) =>
    (await worker.app.get(MapStore).import(r, { kind: 'generated', seed, targetNodes: 300 })).map;
  const stored = async (hash: string) =>
    (
      await sql.query<{ data: number; chunks: number }>(
        `SELECT (SELECT count(*)::int FROM map_data WHERE hash = $1) AS data,
                (SELECT count(*)::int FROM map_data_chunks WHERE hash = $1) AS chunks`,
        [hash],
      )
    ).rows[0];
  const hashOf = async (mapId: string) =>
    (await sql.query<{ data_hash: string | null }>(`SELECT data_hash FROM maps WHERE id = $1`, [mapId]))
      .rows[0].data_hash;

  beforeAll(async () => {
    w1 = await startApp('map_retention', createPlannerApp, { MAPS_DIR: dir1, MAP_RETENTION_DAYS: '7' });
    w2 = await startApp(
      'map_retention',
      createPlannerApp,
      { MAPS_DIR: dir2, MAP_RETENTION_DAYS: '7' },
      { db: w1.db, prefix: w1.prefix },
    );
    sql = new Client({ connectionString: w1.db.url });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await w2?.close();
    await w1?.close();
  });

  it('a newer map of the region deletes the old map’s data and its cached file; the new map’s stay', async () => {
    const r = region();
    const a = await importMap(w1, r, 101);
    const hashA = a.dataHash!;
    expect(await stored(hashA)).toEqual({ data: 1, chunks: expect.any(Number) });
    expect((await stored(hashA)).chunks).toBeGreaterThan(0);
    expect(existsSync(cachedMapFile(dir1, hashA))).toBe(true);

    const b = await importMap(w1, r, 102);
    const hashB = b.dataHash!;
    expect(hashB).not.toBe(hashA);
    expect(await stored(hashA)).toEqual({ data: 0, chunks: 0 });
    expect((await stored(hashB)).data).toBe(1);
    expect((await stored(hashB)).chunks).toBeGreaterThan(0);
    // The old map's row stays, naming no data, with the removal noted.
    const { body: old } = await request(w1.app.getHttpServer())
      .get(`/v1/maps/${a.id}`)
      .set('Authorization', w1.auth('admin'))
      .expect(200);
    expect(old).toMatchObject({
      id: a.id,
      active: false,
      dataHash: null,
      progress: { removedDataHash: hashA },
    });
    expect(existsSync(cachedMapFile(dir1, hashA))).toBe(false);
    expect(existsSync(cachedMapFile(dir1, hashB))).toBe(true);
    // And the region still routes, on the new map.
    expect((await w1.app.get(MapStore).routerFor(r)).map?.id).toBe(b.id);
  }, 120_000);

  it('keeps a superseded map that a plan of the last MAP_RETENTION_DAYS days was planned on', async () => {
    const r = region();
    const a = await importMap(w1, r, 111);
    await sql.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by)
       VALUES ($1, 1, 'current', 'solver', current_date, 'test')`,
      [r],
    );
    await importMap(w1, r, 112);
    expect(await hashOf(a.id)).toBe(a.dataHash);
    expect((await stored(a.dataHash!)).data).toBe(1);
  }, 120_000);

  it('deletes it once that plan is older than the window', async () => {
    const r = region();
    const a = await importMap(w1, r, 121);
    // Map A became ready ten days ago and a plan was made on it nine days ago: outside a 7-day window.
    await sql.query(`UPDATE maps SET ready_at = now() - interval '10 days' WHERE id = $1`, [a.id]);
    await sql.query(
      `INSERT INTO plans (region, version, status, source, plan_date, created_by, created_at)
       VALUES ($1, 1, 'current', 'solver', current_date, 'test', now() - interval '9 days')`,
      [r],
    );
    await importMap(w1, r, 122);
    expect(await hashOf(a.id)).toBeNull();
    expect(await stored(a.dataHash!)).toEqual({ data: 0, chunks: 0 });
  }, 120_000);

  it('keeps data another region’s map still uses (identical bytes share one hash)', async () => {
    const [r1, r2] = [region(), region()];
    const a1 = await importMap(w1, r1, 131);
    const a2 = await importMap(w2, r2, 131);
    expect(a2.dataHash).toBe(a1.dataHash);
    await importMap(w1, r1, 132);
    // r2's current map names it: the data stays, and r1's old map keeps naming it too.
    expect(await hashOf(a2.id)).toBe(a1.dataHash);
    expect(await hashOf(a1.id)).toBe(a1.dataHash);
    expect((await stored(a1.dataHash!)).data).toBe(1);
    expect((await w2.app.get(MapStore).routerFor(r2)).map?.id).toBe(a2.id);
  }, 180_000);

  it('data another worker names while a clean-up runs is kept (the foreign key refuses the delete)', async () => {
    const hash = randomUUID().replaceAll('-', '').repeat(2);
    await sql.query(`INSERT INTO map_data (hash, size_bytes, chunk_count) VALUES ($1, 3, 1)`, [hash]);
    await sql.query(`INSERT INTO map_data_chunks (hash, seq, data) VALUES ($1, 0, '\\x010203')`, [hash]);
    const {
      rows: [importing],
    } = await sql.query<{ id: string }>(
      `INSERT INTO maps (region, source, status) VALUES ($1, 'test', 'importing') RETURNING id`,
      [region()],
    );
    // Another worker's import of identical bytes names the data, in a transaction not yet committed.
    const other = new Client({ connectionString: w1.db.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE maps SET data_hash = $1 WHERE id = $2`, [hash, importing.id]);
      const cleaning = w1.app.get(MapDataRepository).deleteUnused(7);
      // The clean-up did not see that reference, so it tries the delete and waits on the row lock.
      for (;;) {
        const { rows } = await sql.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM map_data%'`,
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await other.query('COMMIT');
      const result = await cleaning;
      expect(result.deletedHashes).not.toContain(hash);
      expect(await stored(hash)).toEqual({ data: 1, chunks: 1 });
      expect(await hashOf(importing.id)).toBe(hash);
    } finally {
      await other.end();
    }
  }, 60_000);

  it('two workers: the other worker gets a clear error for deleted data, loads the new map and prunes its cache', async () => {
    const r = region();
    const a = await importMap(w1, r, 141);
    // Worker 2 loads map A from the database and caches it.
    expect((await w2.app.get(MapStore).routerFor(r)).map?.id).toBe(a.id);
    expect(existsSync(cachedMapFile(dir2, a.dataHash!))).toBe(true);

    const b = await importMap(w1, r, 142);
    expect(await stored(a.dataHash!)).toEqual({ data: 0, chunks: 0 });
    // A worker without a local copy asking for the removed data (it read the old map just before the
    // switch) is told why: worker 1 no longer caches map A.
    expect(existsSync(cachedMapFile(dir1, a.dataHash!))).toBe(false);
    const loading = w1.app.get(MapCache).bytes(a.dataHash!);
    await expect(loading).rejects.toThrow(DomainError);
    await expect(loading).rejects.toMatchObject({
      code: DomainErrorCode.Unavailable,
      message: expect.stringMatching(/removed with a superseded map/),
    });
    // Worker 2 switches to map B on its next job, and drops map A's file.
    expect((await w2.app.get(MapStore).routerFor(r)).map?.id).toBe(b.id);
    expect(existsSync(cachedMapFile(dir2, a.dataHash!))).toBe(false);
    expect(existsSync(cachedMapFile(dir2, b.dataHash!))).toBe(true);
  }, 180_000);

  it('two workers importing at once, each a new map for its own region: every old map’s data goes, every new one stays', async () => {
    const [r1, r2] = [region(), region()];
    const [a1, a2] = await Promise.all([importMap(w1, r1, 151), importMap(w2, r2, 161)]);
    const [b1, b2] = await Promise.all([importMap(w1, r1, 152), importMap(w2, r2, 162)]);
    for (const old of [a1, a2]) expect(await stored(old.dataHash!)).toEqual({ data: 0, chunks: 0 });
    for (const current of [b1, b2]) {
      expect(await hashOf(current.id)).toBe(current.dataHash);
      expect((await stored(current.dataHash!)).data).toBe(1);
    }
  }, 240_000);

  it('GET /maps pages newest first: every map exactly once across pages; a bad cursor or limit is 400', async () => {
    // Seven maps made in one statement share their creation time (to the microsecond): the id orders them.
    await sql.query(
      `INSERT INTO maps (region, source, status, error)
       SELECT $1, 'test', 'failed', 'test row' FROM generate_series(1, 7)`,
      [region()],
    );
    const { rows } = await sql.query<{ id: string }>(`SELECT id FROM maps ORDER BY created_at DESC, id DESC`);
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const http = () => request(w1.app.getHttpServer());
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await http()
        .get('/v1/maps')
        .query(cursor ? { limit: 3, cursor } : { limit: 3 })
        .set('Authorization', w1.auth('dispatcher'))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((m: { id: string }) => m.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(rows.map((r) => r.id));
    expect(pages).toBe(Math.ceil(rows.length / 3));

    const { body: first } = await http().get('/v1/maps').set('Authorization', w1.auth('admin')).expect(200);
    expect(first.items).toHaveLength(rows.length); // the default page (100) holds them all
    // A time JavaScript parses and PostgreSQL does not (it was a 500).
    const badTime = Buffer.from(`2026-02-30T00:00:00.000Z|${rows[0].id}`).toString('base64url');
    for (const query of [
      { cursor: 'not-a-cursor' },
      { cursor: badTime },
      { limit: '501' },
      { limit: '0' },
      { limit: 'ten' },
    ]) {
      const bad = await http()
        .get('/v1/maps')
        .query(query)
        .set('Authorization', w1.auth('admin'))
        .expect(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual([Object.keys(query)[0]]);
    }
  }, 60_000);
});
