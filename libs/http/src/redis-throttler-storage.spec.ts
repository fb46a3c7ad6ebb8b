import { RedisThrottlerStorage } from './redis-throttler-storage';

describe('rate-limit counters when Redis does not answer', () => {
  it('counts in memory instead of refusing or hanging', async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const storage = new RedisThrottlerStorage('redis://127.0.0.1:9', 'rd_test:rate-limit:');
    try {
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await storage.increment('token:t', 60_000, 2, 60_000, 'token'));
      expect(hits.map((h) => h.isBlocked)).toEqual([false, false, true]);
      expect(hits[2].timeToBlockExpire).toBeGreaterThan(0);
    } finally {
      await storage.onApplicationShutdown();
    }
  }, 30_000);
});
