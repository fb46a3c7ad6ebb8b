import { ExecutionContext, Injectable, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerModule,
  type ThrottlerLimitDetail,
} from '@nestjs/throttler';
import type { AppConfig } from '@rd/config';
import { RedisThrottlerStorage } from './redis-throttler-storage';

interface TrackedRequest {
  method: string;
  originalUrl?: string;
  url: string;
  ip?: string;
  principal?: { sub: string };
}

/** Reads are not limited here; writes and public tracking (anyone may call it) are. */
function exempt(req: TrackedRequest): boolean {
  const path = req.originalUrl ?? req.url;
  return req.method === 'GET' && !path.startsWith('/v1/tracking/');
}

/**
 * Rate limits per bearer token and per client IP (counters in Redis shared by every instance when
 * REDIS_URL is set, else in this process's memory), answered with
 * 429 and a standard `Retry-After` in seconds. Runs after the auth guard, so the token is known.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /** One count per token (or address) across every route, not one per route. */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const res = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>();
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    throw new ThrottlerException(
      'too many requests: slow down and retry after the time given in Retry-After',
    );
  }
}

/** Holds the Redis counters of an app, so the app's shutdown closes their connection. */
@Module({})
class RateLimitModule {}

/** The throttler module and its guard for an app; register after the auth guard. */
export function rateLimiting(
  config: Pick<
    AppConfig,
    'RATE_LIMIT_WINDOW_MS' | 'RATE_LIMIT_PER_TOKEN' | 'RATE_LIMIT_PER_IP' | 'REDIS_URL' | 'QUEUE_PREFIX'
  >,
): { module: DynamicModule; guard: Provider } {
  const skipIf = (context: ExecutionContext) => exempt(context.switchToHttp().getRequest<TrackedRequest>());
  // Instances sharing a Redis and a key prefix share one count; embedded runs count in memory.
  const storage = config.REDIS_URL
    ? new RedisThrottlerStorage(config.REDIS_URL, `${config.QUEUE_PREFIX}:rate-limit:`)
    : undefined;
  const throttler = ThrottlerModule.forRoot({
    storage,
    throttlers: [
      {
        name: 'token',
        ttl: config.RATE_LIMIT_WINDOW_MS,
        limit: config.RATE_LIMIT_PER_TOKEN,
        skipIf: (context) =>
          skipIf(context) || !context.switchToHttp().getRequest<TrackedRequest>().principal,
        getTracker: (req) => `token:${(req as TrackedRequest).principal?.sub ?? ''}`,
      },
      {
        name: 'ip',
        ttl: config.RATE_LIMIT_WINDOW_MS,
        limit: config.RATE_LIMIT_PER_IP,
        skipIf,
        getTracker: (req) => `ip:${(req as TrackedRequest).ip ?? 'unknown'}`,
      },
    ],
  });
  return {
    module: {
      module: RateLimitModule,
      imports: [throttler],
      providers: storage ? [{ provide: RedisThrottlerStorage, useValue: storage }] : [],
    },
    guard: { provide: APP_GUARD, useClass: RateLimitGuard },
  };
}
