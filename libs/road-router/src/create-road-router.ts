import { ChRoadRouter, loadRoutingData, type ChRoadRouterOptions, type RoadRouter } from '@rd/routing';
import type { MatrixThreads } from './matrix-threads';
import { GraphHopperRoadRouter, type GraphHopperRoadRouterOptions } from './graphhopper-road-router';

export interface AsyncRoadRouterOptions {
  /** Fill large matrices' rows on these worker threads (same numbers as matrixSync); default: the calling thread. */
  matrixThreads?: MatrixThreads;
}

/**
 * The async RoadRouter interface over our synchronous CH router: the answers are ChRoadRouter's,
 * computed at once, so callers that may also talk to GraphHopper (HTTP) use one interface.
 */
export function asyncRoadRouter(router: ChRoadRouter, options: AsyncRoadRouterOptions = {}): RoadRouter {
  const threads = options.matrixThreads;
  return {
    profiles: router.profiles,
    snap: (points, options) => Promise.resolve(router.snapSync(points, options)),
    route: (from, to, options) => Promise.resolve(router.routeSync(from, to, options)),
    matrix: (sources, targets, options) =>
      threads
        ? threads.matrix(router, sources, targets, options)
        : Promise.resolve(router.matrixSync(sources, targets, options)),
    profileForVehicle: (profile, dimensions) =>
      Promise.resolve(router.profileForVehicle(profile, dimensions)),
  };
}

/** Which engine answers road questions: ours (a saved routing data file) or a self-hosted GraphHopper. */
export type RoadRouterConfig =
  | ({ engine: 'ch'; dataFile: string } & ChRoadRouterOptions)
  | ({ engine: 'graphhopper' } & GraphHopperRoadRouterOptions);

/** Builds the configured RoadRouter (the app parses and validates the config; this only wires it). */
export function createRoadRouter(config: RoadRouterConfig): RoadRouter {
  switch (config.engine) {
    case 'ch':
      return asyncRoadRouter(new ChRoadRouter(loadRoutingData(config.dataFile), config));
    case 'graphhopper':
      return new GraphHopperRoadRouter(config);
  }
}
