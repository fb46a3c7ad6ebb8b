import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, logLevelsUpTo, serveOpenApi } from '@rd/http';
import { PlannerModule, type PlannerModuleOptions } from './planner.module';

export async function createPlannerApp(options: PlannerModuleOptions): Promise<INestApplication> {
  const app = configureHttpApp(
    await NestFactory.create(PlannerModule.register(options), {
      logger: logLevelsUpTo(options.config.LOG_LEVEL),
    }),
  );
  serveOpenApi(
    app,
    options.config,
    'rural-dispatch planner',
    'Road maps, planning runs, versioned plans, dispatcher changes and commits, courier routes.',
  );
  return app;
}
