import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { MapCache } from './map-cache';
import { MapDataRepository, type RetentionResult } from './map-data.repository';

/**
 * Superseded map data does not stay forever: once a newer map is ready, the data no map in use names
 * (MAP_RETENTION_DAYS keeps the maps planning used lately) is deleted from the database, and this
 * worker's cache keeps only the files of maps in use. Safe with several workers: one pass at a time
 * (an advisory lock), and data another worker names at that moment is kept (see MapDataRepository).
 */
@Injectable()
export class MapRetention {
  private readonly logger = new Logger(MapRetention.name);

  constructor(
    private readonly data: MapDataRepository,
    private readonly cache: MapCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes unused map data and prunes this worker's cache. */
  async run(): Promise<RetentionResult> {
    const result = await this.data.deleteUnused(this.config.MAP_RETENTION_DAYS);
    await this.pruneCache();
    if (result.deletedHashes.length)
      this.logger.log(
        `deleted the data of ${result.deletedHashes.length} superseded map(s) (${result.deletedBytes} bytes; maps ${result.retiredMapIds.join(', ')})`,
      );
    return result;
  }

  /** Removes this worker's cached files of maps no longer in use. */
  async pruneCache(): Promise<string[]> {
    return this.cache.prune(await this.data.hashesInUse());
  }

  /** Like run(), for after an import: a failed clean-up is logged, never the import's failure. */
  async runQuietly(): Promise<void> {
    await this.run().catch((error: unknown) =>
      this.logger.warn(`map data clean-up failed (the next import tries again): ${String(error)}`),
    );
  }
}
