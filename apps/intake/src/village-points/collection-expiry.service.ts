import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { VillagePointsService } from './village-points.service';

/** Runs the expiry of uncollected parcels on a timer (COLLECTION_EXPIRY_SWEEP_MS; 0 turns it off). */
@Injectable()
export class CollectionExpiry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CollectionExpiry.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly points: VillagePointsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.COLLECTION_EXPIRY_SWEEP_MS <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.COLLECTION_EXPIRY_SWEEP_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.points
      .expireOverdue()
      .then((n) => n && this.logger.log(`${n} uncollected parcel(s) expired`))
      .catch((e: Error) => this.logger.warn(`collection expiry failed: ${e.message}`))
      .finally(() => (this.running = null));
    await this.running;
  }
}
