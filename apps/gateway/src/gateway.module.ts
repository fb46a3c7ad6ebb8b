import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { typeOrmRoot, type DatabaseTarget } from '@rd/database';
import type { DataSource } from 'typeorm';
import { DevicesController } from './devices/devices.controller';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { GatewayController } from './gateway.controller';
import { DeviceDirectory } from './ingest/device-directory';
import { DeviceEventEffects } from './ingest/device-event-effects';
import { IngestWriter } from './ingest/ingest-writer.service';
import {
  MISSION_PROGRESS_SINK,
  StateOnlyMissionProgressSink,
  type MissionProgressSink,
} from './ingest/mission-progress.sink';
import { MQTT_BROKER, MqttIngestService, type MqttBrokerTarget } from './ingest/mqtt-ingest.service';
import { TelemetryRepository } from './ingest/telemetry.repository';

export interface GatewayModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  /** One DataSource shared by apps running in one process (the embedded main job). */
  sharedDataSource?: DataSource;
  broker: MqttBrokerTarget;
  /** Where mission progress goes besides device state (the flight work's missions table, wired at merge). */
  missionProgressSink?: MissionProgressSink;
}

@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [typeOrmRoot(options.database, options.sharedDataSource)],
      controllers: [GatewayController, DevicesController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: MQTT_BROKER, useValue: options.broker },
        {
          provide: MISSION_PROGRESS_SINK,
          useValue: options.missionProgressSink ?? new StateOnlyMissionProgressSink(),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        TelemetryRepository,
        DeviceDirectory,
        DeviceEventEffects,
        IngestWriter,
        MqttIngestService,
        DevicesRepository,
        DevicesService,
      ],
    };
  }
}
