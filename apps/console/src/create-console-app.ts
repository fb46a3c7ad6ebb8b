import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, logLevelsUpTo } from '@rd/http';
import express from 'express';
import { ConsoleModule, type ConsoleModuleOptions } from './console.module';
import { apiProxy } from './proxy/api-proxy';
import { indexPage, pageLanguage } from './web/index-page';
import { WebBundle } from './web/web-bundle.service';

/**
 * The console app (not yet listening): the page at `/`, its bundle under `/assets/`, the public
 * APIs behind `/api/intake/`, `/api/planner/` and `/api/gateway/` (same origin; the live stream too), and its own small API under `/v1`.
 */
export async function createConsoleApp(options: ConsoleModuleOptions): Promise<INestApplication> {
  const { config } = options;
  // No body parser before the proxy: request bodies stream through to the APIs as sent.
  const app = await NestFactory.create(ConsoleModule.register(options), {
    bodyParser: false,
    logger: logLevelsUpTo(config.LOG_LEVEL),
  });
  configureHttpApp(app, { ownsProcess: !options.hosted });
  app.use('/api/intake', apiProxy(config.CONSOLE_INTAKE_URL));
  app.use('/api/planner', apiProxy(config.CONSOLE_PLANNER_URL));
  app.use('/api/gateway', apiProxy(config.CONSOLE_GATEWAY_URL));
  app.use('/v1', express.json({ limit: '16kb' }));
  // Providers exist from creation; the bundle itself is built in the init hook, before listening.
  const bundle = app.get(WebBundle);
  app.use('/assets/:name', (req: IncomingMessage & { params: { name: string } }, res: ServerResponse) => {
    const asset = bundle.asset(req.params.name);
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304).end();
      return;
    }
    res
      .writeHead(200, {
        'content-type': asset.contentType,
        etag: asset.etag,
        'cache-control': 'public, max-age=31536000, immutable',
      })
      .end(asset.body);
  });
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.method !== 'GET' || (req.url !== '/' && !req.url?.startsWith('/?'))) return next();
    const version = bundle.asset('app.js')?.etag.replace(/"/g, '') ?? '0';
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
      .end(indexPage(pageLanguage(req.headers['accept-language']), version));
  });
  return app;
}
