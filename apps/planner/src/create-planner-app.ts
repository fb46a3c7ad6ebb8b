import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DomainExceptionFilter, serveOpenApi } from '@rd/http';
import { PlannerModule, type PlannerModuleOptions } from './planner.module';

export async function createPlannerApp(options: PlannerModuleOptions): Promise<INestApplication> {
  const levels = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  const app = await NestFactory.create(PlannerModule.register(options), {
    logger: [...levels.slice(0, levels.indexOf(options.config.LOG_LEVEL) + 1)],
  });
  app.setGlobalPrefix('v1');
  app.useGlobalFilters(new DomainExceptionFilter());
  app.enableShutdownHooks();
  serveOpenApi(
    app,
    'rural-dispatch planner',
    'Road maps, planning runs, versioned plans, dispatcher changes and commits, courier routes.',
  );
  return app;
}
