import { dataSourceOptions, sqlExec, sqlRows } from '@rd/database';
import { createTestDatabase, type TestDatabase } from '@rd/testing';
import { DataSource } from 'typeorm';
import { OutboxRepository } from '../src/outbox/outbox.repository';

/** The outbox's sending side on the real PostgreSQL: every round is bounded, nothing is handled twice. */
describe('outbox repository', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let outbox: OutboxRepository;
  beforeAll(async () => {
    db = await createTestDatabase('outbox_repository');
    ds = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await ds.initialize();
    outbox = new OutboxRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('fails exhausted messages at most `limit` per round, each once, with their typed fields', async () => {
    await sqlExec(
      ds,
      `INSERT INTO device_outbox (device_kind, device_id, channel, message_type, payload, status, attempts, next_attempt_at)
       SELECT 'courier', 'OB-' || g, 'routes', 'route', jsonb_build_object('n', g), 'sent', 3, now() - interval '1 minute'
       FROM generate_series(1, 5) g`,
    );
    const nowIso = new Date().toISOString();
    const rounds = [await outbox.failExhausted(nowIso, 3, 2), await outbox.failExhausted(nowIso, 3, 2)];
    rounds.push(await outbox.failExhausted(nowIso, 3, 2), await outbox.failExhausted(nowIso, 3, 2));
    expect(rounds.map((r) => r.length)).toEqual([2, 2, 1, 0]);
    const failed = rounds.flat();
    expect(new Set(failed.map((m) => m.deviceId)).size).toBe(5);
    expect(failed[0]).toEqual({
      id: expect.any(Number),
      deviceKind: 'courier',
      deviceId: expect.stringMatching(/^OB-\d$/),
      channel: 'routes',
      messageType: 'route',
      refId: null,
      payload: { n: expect.any(Number) },
      attempts: 3,
    });
    const statuses = await sqlRows<{ status: string }>(ds, `SELECT DISTINCT status FROM device_outbox`);
    expect(statuses).toEqual([{ status: 'failed' }]);
  });
});
