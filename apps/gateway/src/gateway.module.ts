import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { typeOrmRoot, type DatabaseTarget } from '@rd/database';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import type { DataSource } from 'typeorm';
import { AlertMonitor } from './alerts/alert-monitor.service';
import { AIRSPACE_CHECK, type AirspaceCheck } from './alerts/airspace-check';
import { AirspaceRepository } from './alerts/airspace.repository';
import { StoredAirspaceCheck } from './alerts/stored-airspace-check';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsRepository } from './alerts/alerts.repository';
import { AlertsService } from './alerts/alerts.service';
import { MqttPublisher } from './mqtt-publisher.service';
import { OutboxRepository } from './outbox/outbox.repository';
import { OutboxSender } from './outbox/outbox-sender.service';
import { DevicesController } from './devices/devices.controller';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { GatewayController } from './gateway.controller';
import { DeviceDirectory } from './ingest/device-directory';
import { DeviceEventEffects } from './ingest/device-event-effects';
import { DeviceStateFlusher } from './ingest/device-state-flusher';
import { IngestWriter } from './ingest/ingest-writer.service';
import { MISSION_PROGRESS_SINK, type MissionProgressSink } from './ingest/mission-progress.sink';
import { MissionTableProgressSink } from './ingest/mission-table-progress.sink';
import { MqttIngestService } from './ingest/mqtt-ingest.service';
import { LiveController } from './live/live.controller';
import { DEVICE_REGIONS, LiveFeed } from './live/live-feed';
import { MQTT_BROKER, type MqttBrokerTarget } from './mqtt-broker';
import { TelemetryRepository } from './ingest/telemetry.repository';

export interface GatewayModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  /** One DataSource shared by apps running in one process (the embedded main job). */
  sharedDataSource?: DataSource;
  /** Created by a host process (the main job) that owns signals and closes its apps in order. */
  hosted?: boolean;
  broker: MqttBrokerTarget;
  /** Where mission progress goes besides device state; default: the missions table through its state machine. */
  missionProgressSink?: MissionProgressSink;
  /** Corridor and no-fly checks of drone fixes; default: the stored airspace through libs/flight. */
  airspaceCheck?: AirspaceCheck;
  /** Where alerts that affect the plan enqueue a re-plan; without it alerts are only stored and published. */
  planningQueue?: PlanningQueue;
}

@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [typeOrmRoot(options.database, options.sharedDataSource)],
      controllers: [GatewayController, DevicesController, AlertsController, LiveController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: MQTT_BROKER, useValue: options.broker },
        {
          provide: MISSION_PROGRESS_SINK,
          useValue: options.missionProgressSink ?? new MissionTableProgressSink(),
        },
        AirspaceRepository,
        StoredAirspaceCheck,
        options.airspaceCheck
          ? { provide: AIRSPACE_CHECK, useValue: options.airspaceCheck }
          : { provide: AIRSPACE_CHECK, useExisting: StoredAirspaceCheck },
        ...(options.planningQueue
          ? [{ provide: PLANNING_QUEUE_TOKEN, useValue: options.planningQueue }]
          : []),
        { provide: APP_GUARD, useClass: AuthGuard },
        MqttPublisher,
        AlertsRepository,
        AlertsService,
        OutboxRepository,
        OutboxSender,
        AlertMonitor,
        TelemetryRepository,
        DeviceDirectory,
        DeviceEventEffects,
        DeviceStateFlusher,
        IngestWriter,
        MqttIngestService,
        DevicesRepository,
        DevicesService,
        { provide: DEVICE_REGIONS, useExisting: DevicesRepository },
        LiveFeed,
      ],
    };
  }
}
