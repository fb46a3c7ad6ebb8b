import { Controller, Get, Req, Res } from '@nestjs/common';
import { Roles } from '@rd/auth';
import type { Request, Response } from 'express';
import { LiveFeed, type LiveEvent } from './live-feed';

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
  stream(@Req() req: Request, @Res() res: Response): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(`retry: ${RETRY_MS}\n: live\n\n`);
    const unsubscribe = this.feed.subscribe({
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
