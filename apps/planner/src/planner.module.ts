import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { typeOrmRoot, type DatabaseTarget } from '@rd/database';
import type { DataSource } from 'typeorm';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlannerHealthController } from './planner-health.controller';
import { PlanningIntakeRepository } from './planning-intake.repository';
import { PlanningProcessor } from './planning.processor';
import { PlanningService } from './planning.service';

export interface PlannerModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  /** One DataSource shared by apps running in one process (the embedded main job). */
  sharedDataSource?: DataSource;
  planningQueue: PlanningQueue;
}

@Module({})
export class PlannerModule {
  static register(options: PlannerModuleOptions): DynamicModule {
    return {
      module: PlannerModule,
      imports: [typeOrmRoot(options.database, options.sharedDataSource)],
      controllers: [PlannerHealthController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: PLANNING_QUEUE_TOKEN, useValue: options.planningQueue },
        { provide: APP_GUARD, useClass: AuthGuard },
        PlanningIntakeRepository,
        PlanningService,
        PlanningProcessor,
      ],
    };
  }
}
