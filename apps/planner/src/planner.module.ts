import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { rateLimiting } from '@rd/http';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { ServiceDays, ServiceTimeZoneCheck, typeOrmRoot, type DatabaseTarget } from '@rd/database';
import type { DataSource } from 'typeorm';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { HubDeparturesController } from './departures/hub-departures.controller';
import { HubDeparturesRepository } from './departures/hub-departures.repository';
import { HubDeparturesService } from './departures/hub-departures.service';
import { DronePlanningService } from './flight/drone-planning.service';
import { FlightDataRepository } from './flight/flight-data.repository';
import { MissionsRepository } from './flight/missions.repository';
import { MissionsService } from './flight/missions.service';
import { PilotMissionsController } from './flight/pilot-missions.controller';
import { MapCache } from './maps/map-cache';
import { MapDataRepository } from './maps/map-data.repository';
import { MapRetention } from './maps/map-retention.service';
import { MapStore } from './maps/map-store.service';
import { MapsController } from './maps/maps.controller';
import { MapsRepository } from './maps/maps.repository';
import { RoadNetworkController } from './maps/road-network.controller';
import { RoadNetworkService } from './maps/road-network.service';
import { PlannerHealthController } from './planner-health.controller';
import { PlanningRunsRepository } from './planning/planning-runs.repository';
import { PlanningRepository } from './planning/planning.repository';
import { VillageStopsRepository } from './planning/village-stops.repository';
import { PlanEditsService } from './planning/plan-edits.service';
import { PlanningService } from './planning/planning.service';
import { RoadPlacement } from './planning/road-placement';
import { RegionLock } from './planning/region-lock';
import { SolveThreads } from './planning/solve-threads';
import { PlanningProcessor } from './planning.processor';
import { UnplannedSweeper } from './planning/unplanned-sweeper.service';
import { CourierController, PlansController } from './plans/plans.controller';
import { PlansRepository } from './plans/plans.repository';
import { PlansService } from './plans/plans.service';
import { PlanAdoptionRepository } from './plans/plan-adoption.repository';
import { PlanAdoptionService } from './plans/plan-adoption.service';

export interface PlannerModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  /** One DataSource shared by apps running in one process (the embedded main job). */
  sharedDataSource?: DataSource;
  /** Created by a host process (the main job) that owns signals and closes its apps in order. */
  hosted?: boolean;
  planningQueue: PlanningQueue;
}

@Module({})
export class PlannerModule {
  static register(options: PlannerModuleOptions): DynamicModule {
    const limits = rateLimiting(options.config);
    return {
      module: PlannerModule,
      imports: [typeOrmRoot(options.database, options.sharedDataSource), limits.module],
      controllers: [
        PlannerHealthController,
        MapsController,
        PlansController,
        CourierController,
        PilotMissionsController,
        RoadNetworkController,
        HubDeparturesController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: PLANNING_QUEUE_TOKEN, useValue: options.planningQueue },
        { provide: APP_GUARD, useClass: AuthGuard },
        limits.guard, // after authentication: limits count per token
        ServiceTimeZoneCheck,
        ServiceDays,
        MapsRepository,
        MapDataRepository,
        MapCache,
        MapRetention,
        MapStore,
        RoadNetworkService,
        PlanningRepository,
        VillageStopsRepository,
        PlanningRunsRepository,
        PlanningService,
        SolveThreads,
        PlanEditsService,
        RoadPlacement,
        RegionLock,
        PlanningProcessor,
        UnplannedSweeper,
        PlansRepository,
        PlansService,
        PlanAdoptionRepository,
        PlanAdoptionService,
        MissionsRepository,
        MissionsService,
        FlightDataRepository,
        DronePlanningService,
        HubDeparturesRepository,
        HubDeparturesService,
      ],
    };
  }
}
