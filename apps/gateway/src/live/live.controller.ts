import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import { regionCode } from '@rd/domain';
import { ZodPipe } from '@rd/http';
import { z } from 'zod';
import type { Request, Response } from 'express';
import { LiveFeed, type LiveEvent, type LiveScope } from './live-feed';

const liveQuery = z.object({ region: regionCode.optional() }).strict();

/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;
/** What a browser's EventSource waits before reconnecting. */
const RETRY_MS = 3_000;

export function sseFrame(event: LiveEvent): string {
  const data = event.type === 'alert' ? event.alert : event.positions;
  return `event: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

@Controller()
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  /**
   * Server-sent events: `positions` (each device's newest fix, at a bounded rate) and `alert` (as raised).
   * `no-transform` keeps the compression middleware from buffering the stream.
   */
  @Get('live')
  @Roles('dispatcher', 'pilot')
  @ApiQuery({ name: 'region', required: false, description: 'only this region’s devices and their alerts' })
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(liveQuery, 'the query')) q: z.infer<typeof liveQuery>,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(`retry: ${RETRY_MS}\n: live\n\n`);
    // A pilot watches the airspace (drones), never where couriers are.
    const scope: LiveScope = { region: q.region, kinds: principal.role === 'pilot' ? ['drone'] : undefined };
    const unsubscribe = this.feed.subscribe({
      scope,
      send: (event) => {
        // A slow link skips position ticks (the next one carries newer fixes); alerts are never skipped.
        if (event.type === 'positions' && res.writableNeedDrain) return;
        res.write(sseFrame(event));
      },
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
