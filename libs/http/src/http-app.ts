import type { INestApplication, LogLevel } from '@nestjs/common';
import compression from 'compression';
import { DomainExceptionFilter } from './domain-exception.filter';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's logger levels up to and including the configured one. */
export function logLevelsUpTo(level: LogLevel): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}

/**
 * What every app's HTTP side shares: routes under /v1, one error format, clean shutdown, and
 * compressed responses (brotli or gzip, as the client accepts), since rural links are slow.
 */
export function configureHttpApp(
  app: INestApplication,
  { ownsProcess = true }: { ownsProcess?: boolean } = {},
): INestApplication {
  const express = app.getHttpAdapter().getInstance() as { disable?(setting: string): void };
  express.disable?.('x-powered-by'); // name no framework to scanners
  // API answers carry personal data (names, phones, routes): no browser or proxy keeps them.
  app.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(compression({ threshold: 1024 }));
  app.setGlobalPrefix('v1');
  app.useGlobalFilters(new DomainExceptionFilter());
  // An app that owns its process closes on SIGTERM/SIGINT; apps hosted together (the main job) leave
  // signals to their host, which closes them in order (each app's own hook closed them all at once).
  if (ownsProcess) app.enableShutdownHooks();
  return app;
}
