import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';

type ThrottlerRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One fixed window per key: count the hit, start the window on the first, and block the key for
 * `blockMs` once the count passes the limit. Atomic in Redis, so every instance sees one count.
 * Returns [hits, windowLeftMs, blocked 0/1, blockLeftMs].
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local windowMs = tonumber(ARGV[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], windowMs) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], windowMs); left = windowMs end
local blockLeft = redis.call('PTTL', KEYS[2])
if blockLeft > 0 then return { hits, left, 1, blockLeft } end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return { hits, left, 1, tonumber(ARGV[3]) }
end
return { hits, left, 0, 0 }`;

/** How long a rate-limit check may wait on Redis before this instance counts in memory instead. */
const COMMAND_TIMEOUT_MS = 1000;
const WARN_EVERY_MS = 60_000;

/**
 * Rate-limit counters in Redis, shared by every instance of an app under one key prefix. When Redis
 * does not answer, requests are counted in this process's memory (and a warning logged) rather than
 * refused or left waiting: a limiter outage must not become an API outage.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: Redis;
  private readonly fallback = new ThrottlerStorageService();
  private lastWarningMs = 0;

  constructor(redisUrl: string, keyPrefix: string) {
    this.redis = new Redis(redisUrl, {
      keyPrefix,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    this.redis.on('error', () => undefined); // reported per failed check below, not per reconnect
  }

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    throttlerName: string,
  ): Promise<ThrottlerRecord> {
    try {
      const [hits, leftMs, blocked, blockLeftMs] = (await this.redis.eval(
        INCREMENT,
        2,
        `${key}:hits`,
        `${key}:block`,
        ttlMs,
        limit,
        blockDurationMs,
      )) as [number, number, number, number];
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(leftMs / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeftMs / 1000),
      };
    } catch (error) {
      const now = Date.now();
      if (now - this.lastWarningMs > WARN_EVERY_MS) {
        this.lastWarningMs = now;
        this.logger.warn(
          `rate-limit counters in Redis unavailable (${error instanceof Error ? error.message : String(error)}): counting in memory`,
        );
      }
      return this.fallback.increment(key, ttlMs, limit, blockDurationMs, throttlerName);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.fallback.onApplicationShutdown?.();
    // quit() waits for replies; a client still (re)connecting has none coming and is just dropped.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
