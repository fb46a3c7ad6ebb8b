import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { ConsoleController } from './console.controller';
import { DevLoginController } from './session/dev-login.controller';
import { DevLoginService } from './session/dev-login.service';
import { WebBundle } from './web/web-bundle.service';

export interface ConsoleModuleOptions {
  config: AppConfig;
  /** Created by a host process (the main job) that owns signals and closes its apps in order. */
  hosted?: boolean;
}

/** The console has no database: it serves the page and forwards API calls to intake and planner. */
@Module({})
export class ConsoleModule {
  static register(options: ConsoleModuleOptions): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ConsoleController, DevLoginController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        { provide: APP_GUARD, useClass: AuthGuard },
        DevLoginService,
        WebBundle,
      ],
    };
  }
}
