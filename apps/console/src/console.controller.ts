import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { clientConfig } from './web/client-config';

@Controller()
export class ConsoleController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok', service: 'console' };
  }

  /** What the page needs at start (region, log-in mode, tiles); no secrets. */
  @Get('console/config')
  @Public()
  clientConfig() {
    return clientConfig(this.config);
  }
}
