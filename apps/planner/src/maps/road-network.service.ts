import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { ChRoadRouter, type RoadGraph } from '@rd/routing';
import { MapStore } from './map-store.service';
import { roadNetworkGeoJson, type RoadNetworkGeoJson, type RoadNetworkOptions } from './road-network';

/** Serves a region's road network from its loaded map, so the console draws a map with no internet. */
@Injectable()
export class RoadNetworkService {
  /** Whole-region layers per map and zoom; a region has a few zooms worth caching, boxes are not cached. */
  private readonly cache = new Map<string, RoadNetworkGeoJson>();

  constructor(private readonly store: MapStore) {}

  async roadNetwork(region: string, options: RoadNetworkOptions): Promise<RoadNetworkGeoJson> {
    const { local, map } = await this.store.routerFor(region).catch((error: unknown) => {
      // For a reader a region without a map is a resource that does not exist (404), while a
      // planning job waiting for one retries (503 there).
      if (error instanceof DomainError && error.code === DomainErrorCode.Unavailable)
        throw new DomainError(DomainErrorCode.NotFound, error.message, error.details);
      throw error;
    });
    if (!local || !map) {
      throw new DomainError(
        DomainErrorCode.Unavailable,
        `region '${region}' has no imported road graph to draw (external road engine)`,
        [{ field: 'region', reason: 'no local road graph' }],
      );
    }
    const graph = widestGraph(local);
    if (options.bbox) return roadNetworkGeoJson(graph, options);
    const key = `${map.id}:${options.zoom}`;
    let layer = this.cache.get(key);
    if (!layer) {
      layer = roadNetworkGeoJson(graph, options);
      this.cache.set(key, layer);
    }
    return layer;
  }
}

/** The profile with the most roads (motorbikes use tracks vans cannot), so the map shows every road. */
function widestGraph(router: ChRoadRouter): RoadGraph {
  let widest: RoadGraph | undefined;
  for (const profile of Object.values(router.data.profiles)) {
    if (!widest || profile.graph.edgeCount > widest.edgeCount) widest = profile.graph;
  }
  return widest!;
}
