import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { asyncRoadRouter, createRoadRouter, MatrixThreads } from '@rd/road-router';
import {
  ChRoadRouter,
  isProfileFileName,
  deserializeRoutingData,
  RoutingError,
  type LonLat,
  type RoadRouter,
} from '@rd/routing';
import { runWorker } from '../common/off-thread';
import {
  buildMapFile,
  checkProfileSpecs,
  type BuiltMap,
  type MapProgress,
  type MapSource,
} from './build-map';
import { MapCache } from './map-cache';
import { MapRetention } from './map-retention.service';
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
 * a worker loads a map once and reuses it for every job until a newer map becomes active. The
 * preprocessed data is stored in the database by content hash (any worker can load a map another
 * imported) and cached per worker in MAPS_DIR (MapCache).
 */
@Injectable()
export class MapStore implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MapStore.name);
  /** Large matrices fill their rows on PLANNING_THREADS worker threads (small ones on this thread). */
  private readonly matrixThreads: MatrixThreads;
  private readonly routers = new Map<string, { mapId: string; router: RoadRouter; local: ChRoadRouter }>();
  private graphHopper?: RoadRouter;

  constructor(
    private readonly maps: MapsRepository,
    private readonly cache: MapCache,
    private readonly retention: MapRetention,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.matrixThreads = new MatrixThreads({ threads: config.PLANNING_THREADS });
  }

  /** After every module's destroy hook: a planning run still computing matrices has ended by then. */
  beforeApplicationShutdown(): Promise<void> {
    return this.matrixThreads.close();
  }

  /** Creates the map row and runs the import; progress is written to the row as it goes. */
  async import(region: string, source: MapSource): Promise<ImportedMap> {
    checkProfiles(source);
    const map = await this.maps.create(region, describe(source));
    return this.runImport(map, source);
  }

  /** Starts an import in the background and returns the map row to poll (admin endpoint). */
  async startImport(region: string, source: MapSource): Promise<MapView> {
    checkProfiles(source);
    const map = await this.maps.create(region, describe(source));
    void this.runImport(map, source).catch(() => undefined);
    return map;
  }

  /**
   * An admin's import over HTTP: only a regular file of MAP_SOURCES_DIR, within the size limit. The
   * map row names the file relative to that directory, never a server path.
   */
  async startImportFromSources(region: string, name: string, profiles?: string[]): Promise<MapView> {
    const { MAP_SOURCES_DIR: dir, MAP_SOURCE_MAX_BYTES: maxBytes } = this.config;
    const path = resolveMapSource(name, dir, maxBytes);
    // Profile files named over HTTP come from the same directory, under the same rules.
    const source: MapSource = { kind: 'file', path, profiles: this.profilesFromSources(profiles) };
    checkProfiles(source);
    const map = await this.maps.create(region, `sources:${name}`);
    void this.runImport(map, source).catch(() => undefined);
    return map;
  }

  /** Built-in profile names as they are; profile files (`.json`, `.yaml`, `.yml`) only from MAP_SOURCES_DIR. */
  profilesFromSources(profiles: string[] | undefined): string[] | undefined {
    const { MAP_SOURCES_DIR: dir, MAP_SOURCE_MAX_BYTES: maxBytes } = this.config;
    const problems: Array<{ field: string; reason: string }> = [];
    const resolved = profiles?.map((spec, i) => {
      if (!isProfileFileName(spec)) return spec;
      try {
        return resolveMapSource(spec, dir, maxBytes);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        for (const d of error.details) problems.push({ field: `profiles[${i}]`, reason: d.reason });
        return spec;
      }
    });
    if (problems.length) throw DomainError.validation(problems, 'a profile file cannot be used');
    return resolved;
  }

  /**
   * The region's router, and our own contraction-hierarchy router behind it when the region's roads
   * are ours (`local` is null with an external engine): the road-network layer reads its graph.
   */
  async routerFor(
    region: string,
  ): Promise<{ router: RoadRouter; map: MapView | null; local: ChRoadRouter | null }> {
    const map = await this.maps.active(region);
    if (this.config.ROAD_ENGINE === 'graphhopper') {
      // A self-hosted GraphHopper answers for every region; our map rows then only record what was imported.
      const router = (this.graphHopper ??= createRoadRouter({
        engine: 'graphhopper',
        host: this.config.GRAPHHOPPER_URL!,
        maxSnapDistanceM: this.config.MAX_SNAP_DISTANCE_M,
      }));
      return { router, map, local: null };
    }
    if (!map || !map.dataHash) {
      throw new DomainError(
        DomainErrorCode.Unavailable,
        `region '${region}' has no road map: import one first`,
        [{ field: 'region', reason: 'no active map' }],
      );
    }
    const cached = this.routers.get(region);
    if (cached?.mapId === map.id) return { router: cached.router, map, local: cached.local };
    let loaded: ChRoadRouter;
    try {
      loaded = await this.load(map, map.dataHash);
    } catch (error) {
      // A newer map replaced this one while it was read, and its data was cleaned up: load the new one.
      const current = await this.maps.active(region);
      if (!(error instanceof DomainError) || !current || current.id === map.id) throw error;
      return this.routerFor(region);
    }
    const router = asyncRoadRouter(loaded, { matrixThreads: this.matrixThreads });
    this.routers.set(region, { mapId: map.id, router, local: loaded });
    // This worker switched maps: the files of maps no longer in use leave its cache.
    await this.retention.pruneCache().catch(() => undefined);
    return { router, map, local: loaded };
  }

  private async load(map: MapView, dataHash: string): Promise<ChRoadRouter> {
    const started = performance.now();
    const bytes = await this.cache.bytes(dataHash);
    const local = new ChRoadRouter(deserializeRoutingData(bytes, `map ${map.id}`), {
      maxSnapDistanceM: this.config.MAX_SNAP_DISTANCE_M,
      coreSize: this.config.ROUTING_CORE_SIZE,
    });
    this.logger.log(
      `loaded map ${map.id} of region ${map.region} in ${(performance.now() - started).toFixed(0)} ms`,
    );
    return local;
  }

  private async runImport(map: MapView, source: MapSource): Promise<ImportedMap> {
    const started = performance.now();
    const progress = (p: MapProgress) =>
      void this.maps
        .progress(map.id, { ...p, elapsedMs: Math.round(performance.now() - started) })
        .catch(() => undefined);
    const dataFile = this.cache.importFile(map.id);
    try {
      const built =
        (await runWorker<MapProgress, BuiltMap>(
          join(__dirname, 'build-map.worker.js'),
          { source, dataFile },
          progress,
        )) ?? buildMapFile(source, dataFile, progress);
      progress({ stage: 'storing' });
      const { hash } = await this.cache.adopt(dataFile, map.id);
      await this.maps.activate(map.id, {
        dataHash: hash,
        profiles: built.profiles,
        stats: built.stats,
        bbox: built.bbox,
      });
      // The map it replaces (and any older) may now go, with its data.
      await this.retention.runQuietly();
      this.logger.log(`map ${map.id} of region ${map.region} ready: ${JSON.stringify(built.stats)}`);
      return { map: (await this.maps.findById(map.id))!, villages: built.villages };
    } catch (error) {
      await unlink(dataFile).catch(() => undefined);
      const raw = error instanceof RoutingError || error instanceof Error ? error.message : String(error);
      // Dispatchers read map rows: no server paths in the error they see.
      const message = raw
        .split(resolve(this.config.MAP_SOURCES_DIR))
        .join('<sources>')
        .split(resolve(this.config.MAPS_DIR))
        .join('<maps>');
      await this.maps.fail(map.id, message);
      throw new DomainError(DomainErrorCode.Validation, `map import failed: ${message}`, [
        { field: 'source', reason: message },
      ]);
    }
  }
}

/** Bad profile names or files are refused before the import starts (400 with every bad field). */
function checkProfiles(source: MapSource): void {
  if (!source.profiles) return;
  const problems = checkProfileSpecs(source.profiles);
  if (problems.length > 0)
    throw new DomainError(DomainErrorCode.Validation, 'the import names bad profiles', problems);
}

function describe(source: MapSource): string {
  if (source.kind === 'file') return source.path;
  if (source.kind === 'mountain') return `mountain:seed=${source.seed}`;
  return `generated:seed=${source.seed},nodes=${source.targetNodes ?? 'default'}`;
}
