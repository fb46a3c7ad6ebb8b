import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, logLevelsUpTo, serveOpenApi } from '@rd/http';
import { GatewayModule, type GatewayModuleOptions } from './gateway.module';

export async function createGatewayApp(options: GatewayModuleOptions): Promise<INestApplication> {
  const app = configureHttpApp(
    await NestFactory.create(GatewayModule.register(options), {
      logger: logLevelsUpTo(options.config.LOG_LEVEL),
    }),
    { ownsProcess: !options.hosted },
  );
  serveOpenApi(
    app,
    options.config,
    'rural-dispatch gateway',
    'Devices and their credentials, last positions and tracks (GeoJSON), alerts and dead letters.',
  );
  return app;
}
