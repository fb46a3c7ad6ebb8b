import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { GatewayController } from './gateway.controller';
import { GatewayMqttService, MQTT_BROKER_URL } from './gateway-mqtt.service';

export interface GatewayModuleOptions {
  config: AppConfig;
  brokerUrl: string;
}

@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [GatewayController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: MQTT_BROKER_URL, useValue: options.brokerUrl },
        { provide: APP_GUARD, useClass: AuthGuard },
        GatewayMqttService,
      ],
    };
  }
}
