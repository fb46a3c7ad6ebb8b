import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode } from '@rd/domain';
import {
  ChRoadRouter,
  createRoadRouter,
  loadRoutingData,
  RoutingError,
  type LonLat,
  type RoadRouter,
} from '@rd/routing';
import { runWorker } from '../common/off-thread';
import { buildMapFile, type BuiltMap, type MapProgress, type MapSource } from './build-map';
import { resolveMapSource } from './map-source';
import { MapsRepository, type MapView } from './maps.repository';

export type { MapSource } from './build-map';

export interface ImportedMap {
  map: MapView;
  /** Village centres of a generated county (empty for a real extract). */
  villages: LonLat[];
}

/**
 * Imports and preprocesses road maps (one per region), and keeps each region's router in memory:
 * a worker loads a map file once and reuses it for every job until a newer map becomes active.
 */
@Injectable()
export class MapStore {
  private readonly logger = new Logger(MapStore.name);
  private readonly routers = new Map<string, { mapId: string; router: RoadRouter }>();
  private graphHopper?: RoadRouter;

  constructor(
    private readonly maps: MapsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the map row and runs the import; progress is written to the row as it goes. */
  async import(region: string, source: MapSource): Promise<ImportedMap> {
    const map = await this.maps.create(region, describe(source));
    return this.runImport(map, source);
  }

  /** Starts an import in the background and returns the map row to poll (admin endpoint). */
  async startImport(region: string, source: MapSource): Promise<MapView> {
    const map = await this.maps.create(region, describe(source));
    void this.runImport(map, source).catch(() => undefined);
    return map;
  }

  /**
   * An admin's import over HTTP: only a regular file of MAP_SOURCES_DIR, within the size limit. The
   * map row names the file relative to that directory, never a server path.
   */
  async startImportFromSources(region: string, name: string): Promise<MapView> {
    const path = resolveMapSource(name, this.config.MAP_SOURCES_DIR, this.config.MAP_SOURCE_MAX_BYTES);
    const map = await this.maps.create(region, `sources:${name}`);
    void this.runImport(map, { kind: 'file', path }).catch(() => undefined);
    return map;
  }

  async routerFor(region: string): Promise<{ router: RoadRouter; map: MapView | null }> {
    const map = await this.maps.active(region);
    if (this.config.ROAD_ENGINE === 'graphhopper') {
      // A self-hosted GraphHopper answers for every region; our map rows then only record what was imported.
      const router = (this.graphHopper ??= createRoadRouter({
        engine: 'graphhopper',
        host: this.config.GRAPHHOPPER_URL!,
        maxSnapDistanceM: this.config.MAX_SNAP_DISTANCE_M,
      }));
      return { router, map };
    }
    if (!map || !map.dataFile) {
      throw new DomainError(
        DomainErrorCode.Unavailable,
        `region '${region}' has no road map: import one first`,
        [{ field: 'region', reason: 'no active map' }],
      );
    }
    const cached = this.routers.get(region);
    if (cached?.mapId === map.id) return { router: cached.router, map };
    const started = performance.now();
    const router = new ChRoadRouter(loadRoutingData(map.dataFile), {
      maxSnapDistanceM: this.config.MAX_SNAP_DISTANCE_M,
    });
    this.logger.log(
      `loaded map ${map.id} of region ${region} in ${(performance.now() - started).toFixed(0)} ms`,
    );
    this.routers.set(region, { mapId: map.id, router });
    return { router, map };
  }

  private async runImport(map: MapView, source: MapSource): Promise<ImportedMap> {
    const started = performance.now();
    const progress = (p: MapProgress) =>
      void this.maps
        .progress(map.id, { ...p, elapsedMs: Math.round(performance.now() - started) })
        .catch(() => undefined);
    try {
      const dir = resolve(this.config.MAPS_DIR);
      mkdirSync(dir, { recursive: true });
      const dataFile = join(dir, `${map.region}-${map.id}.rdgraph`);
      const built =
        (await runWorker<MapProgress, BuiltMap>(
          join(__dirname, 'build-map.worker.js'),
          { source, dataFile },
          progress,
        )) ?? buildMapFile(source, dataFile, progress);
      await this.maps.activate(map.id, {
        dataFile,
        profiles: built.profiles,
        stats: built.stats,
        bbox: built.bbox,
      });
      this.logger.log(`map ${map.id} of region ${map.region} ready: ${JSON.stringify(built.stats)}`);
      return { map: (await this.maps.findById(map.id))!, villages: built.villages };
    } catch (error) {
      const raw = error instanceof RoutingError || error instanceof Error ? error.message : String(error);
      // Dispatchers read map rows: no server paths in the error they see.
      const message = raw.split(resolve(this.config.MAP_SOURCES_DIR)).join('<sources>');
      await this.maps.fail(map.id, message);
      throw new DomainError(DomainErrorCode.Validation, `map import failed: ${message}`, [
        { field: 'source', reason: message },
      ]);
    }
  }
}

function describe(source: MapSource): string {
  return source.kind === 'file'
    ? source.path
    : `generated:seed=${source.seed},nodes=${source.targetNodes ?? 'default'}`;
}
