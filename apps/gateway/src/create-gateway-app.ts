import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, logLevelsUpTo } from '@rd/http';
import { GatewayModule, type GatewayModuleOptions } from './gateway.module';

export async function createGatewayApp(options: GatewayModuleOptions): Promise<INestApplication> {
  return configureHttpApp(
    await NestFactory.create(GatewayModule.register(options), {
      logger: logLevelsUpTo(options.config.LOG_LEVEL),
    }),
  );
}
