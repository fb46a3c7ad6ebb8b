import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { authenticateBeforeBody } from '@rd/auth';
import { configureHttpApp, logLevelsUpTo, serveOpenApi, strictJson } from '@rd/http';
import { IntakeModule, type IntakeModuleOptions } from './intake.module';

/** Builds the intake HTTP app (not yet listening): used by main, the demo and the e2e tests. */
export async function createIntakeApp(options: IntakeModuleOptions): Promise<INestApplication> {
  const { config } = options;
  const app = await NestFactory.create(IntakeModule.register(options), {
    bodyParser: false,
    logger: logLevelsUpTo(config.LOG_LEVEL),
  });
  // The token is checked before any body is inflated or parsed (anonymous bodies cost nothing).
  app.use(authenticateBeforeBody(config));
  // Bulk uploads get a larger cap than every other route; anything over a cap is a 413.
  app.use('/v1/orders/bulk', strictJson(config.BULK_BODY_LIMIT));
  // CSV bulk bodies are streamed by the bulk service itself (row cap, inflation bound, strict decoding).
  // Airspace GeoJSON (many zone vertices) shares the bulk cap.
  app.use(/^\/v1\/regions\/[^/]+\/airspace\/import$/, strictJson(config.BULK_BODY_LIMIT));
  app.use(strictJson(config.BODY_LIMIT));
  configureHttpApp(app, { ownsProcess: !options.hosted });
  serveOpenApi(
    app,
    config,
    'rural-dispatch intake',
    'Order intake, parcel tracking, hubs and fleet, airspace (no-fly zones, corridors, landing spots) and region weather.',
  );
  return app;
}
