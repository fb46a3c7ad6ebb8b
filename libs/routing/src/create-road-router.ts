import { ChRoadRouter, type ChRoadRouterOptions } from './ch-road-router';
import {
  GraphHopperRoadRouter,
  type GraphHopperRoadRouterOptions,
} from './graphhopper/graphhopper-road-router';
import type { RoadRouter } from './road-router';
import { loadRoutingData } from './serialize';

/** Which engine answers road questions: ours (a saved routing data file) or a self-hosted GraphHopper. */
export type RoadRouterConfig =
  | ({ engine: 'ch'; dataFile: string } & ChRoadRouterOptions)
  | ({ engine: 'graphhopper' } & GraphHopperRoadRouterOptions);

/** Builds the configured RoadRouter (the app parses and validates the config; this only wires it). */
export function createRoadRouter(config: RoadRouterConfig): RoadRouter {
  switch (config.engine) {
    case 'ch':
      return new ChRoadRouter(loadRoutingData(config.dataFile), config);
    case 'graphhopper':
      return new GraphHopperRoadRouter(config);
  }
}
