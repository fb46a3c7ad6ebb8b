import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { rateLimiting } from '@rd/http';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { ServiceDays, ServiceTimeZoneCheck, typeOrmRoot, type DatabaseTarget } from '@rd/database';
import type { DataSource } from 'typeorm';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { AirspaceController } from './airspace/airspace.controller';
import { AirspaceRepository } from './airspace/airspace.repository';
import { AirspaceService } from './airspace/airspace.service';
import { FleetController, HubsController } from './fleet/fleet.controller';
import { FleetRepository } from './fleet/fleet.repository';
import { FleetService } from './fleet/fleet.service';
import { HubsRepository } from './fleet/hubs.repository';
import { HealthController } from './health.controller';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { BulkIntakeService } from './orders/bulk-intake.service';
import { OrderPreparation } from './orders/order-preparation.service';
import { OrdersService } from './orders/orders.service';
import { PlanningTrigger } from './orders/planning-trigger.service';
import { ParcelsController, TrackingController } from './parcels/parcels.controller';
import { ParcelsRepository } from './parcels/parcels.repository';
import { ParcelsService } from './parcels/parcels.service';
import { NotificationDispatcher } from './notifications/notification-dispatcher.service';
import { NotificationOutboxRepository } from './notifications/notification-outbox.repository';
import { LogNotificationSender, NOTIFICATION_SENDER } from './notifications/notification-sender';
import { CollectionExpiry } from './village-points/collection-expiry.service';
import { VillagePointLookup } from './village-points/village-point-lookup.repository';
import {
  LastMileDefaultController,
  VillagePointsController,
} from './village-points/village-points.controller';
import { VillagePointsRepository } from './village-points/village-points.repository';
import { VillagePointsService } from './village-points/village-points.service';

export interface IntakeModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  /** One DataSource shared by apps running in one process (the embedded main job). */
  sharedDataSource?: DataSource;
  /** Created by a host process (the main job) that owns signals and closes its apps in order. */
  hosted?: boolean;
  /** Owned by the caller, which closes it (the demo shares one in-process queue with the planner). */
  planningQueue: PlanningQueue;
}

@Module({})
export class IntakeModule {
  static register(options: IntakeModuleOptions): DynamicModule {
    const limits = rateLimiting(options.config);
    return {
      module: IntakeModule,
      imports: [typeOrmRoot(options.database, options.sharedDataSource), limits.module],
      controllers: [
        OrdersController,
        ParcelsController,
        TrackingController,
        HubsController,
        FleetController,
        AirspaceController,
        VillagePointsController,
        LastMileDefaultController,
        HealthController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: PLANNING_QUEUE_TOKEN, useValue: options.planningQueue },
        { provide: APP_GUARD, useClass: AuthGuard },
        limits.guard, // after authentication: limits count per token
        ServiceTimeZoneCheck,
        ServiceDays,
        OrdersRepository,
        OrdersService,
        BulkIntakeService,
        OrderPreparation,
        PlanningTrigger,
        ParcelsRepository,
        ParcelsService,
        HubsRepository,
        FleetRepository,
        FleetService,
        AirspaceRepository,
        AirspaceService,
        VillagePointLookup,
        VillagePointsRepository,
        VillagePointsService,
        CollectionExpiry,
        NotificationOutboxRepository,
        NotificationDispatcher,
        // NOTIFICATION_SENDER picks the sender; an SMS or messaging-platform sender is one more case here.
        { provide: NOTIFICATION_SENDER, useFactory: () => new LogNotificationSender() },
      ],
    };
  }
}
