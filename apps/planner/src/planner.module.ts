import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { dataSourceOptions, type DatabaseTarget } from '@rd/database';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { PlannerHealthController } from './planner-health.controller';
import { PlanningIntakeRepository } from './planning-intake.repository';
import { PlanningProcessor } from './planning.processor';
import { PlanningService } from './planning.service';

export interface PlannerModuleOptions {
  config: AppConfig;
  database: DatabaseTarget;
  planningQueue: PlanningQueue;
}

@Module({})
export class PlannerModule {
  static register(options: PlannerModuleOptions): DynamicModule {
    return {
      module: PlannerModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(options.database))],
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
