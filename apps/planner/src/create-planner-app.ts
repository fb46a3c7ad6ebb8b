import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { authenticateBeforeBody } from '@rd/auth';
import { configureHttpApp, logLevelsUpTo, serveOpenApi } from '@rd/http';
import { PlannerModule, type PlannerModuleOptions } from './planner.module';

export async function createPlannerApp(options: PlannerModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create(PlannerModule.register(options), {
    logger: logLevelsUpTo(options.config.LOG_LEVEL),
  });
  // Registered before Nest's body parsers (added at init): anonymous bodies are never parsed.
  app.use(authenticateBeforeBody(options.config));
  configureHttpApp(app, { ownsProcess: !options.hosted });
  serveOpenApi(
    app,
    options.config,
    'rural-dispatch planner',
    'Road maps, planning runs, versioned plans, dispatcher changes and commits, courier routes.',
  );
  return app;
}
