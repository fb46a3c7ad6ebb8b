import {
  buildRoadGraphs,
  generateMountainCounty,
  generateRuralNetwork,
  graphBbox,
  importOsm,
  MOTORBIKE,
  prepareProfile,
  saveRoutingData,
  VAN,
  type LonLat,
  type ProfileRoutingData,
  type RoadGraph,
} from '@rd/routing';

export type MapSource =
  | { kind: 'file'; path: string }
  /** A seeded generated rural county (no extract needed): the demo and tests. */
  | { kind: 'generated'; seed: number; targetNodes?: number; origin?: LonLat }
  /** A seeded mountain county: a valley, villages up switchbacks, a drone port and an airfield. */
  | { kind: 'mountain'; seed: number; origin?: LonLat };

/** Profiles the planner routes on: vans on the van graph; motorbikes and tricycles on the motorbike graph. */
export const PLANNING_PROFILES = ['van', 'motorbike'] as const;

export interface BuiltMap {
  profiles: string[];
  stats: Record<string, unknown>;
  bbox: [number, number, number, number];
  /** Village centres of a generated county (empty for a real extract). */
  villages: LonLat[];
}

export type MapProgress = { stage: string } & Record<string, unknown>;

/** Reads or generates the roads, contracts each profile and writes the routing data file. */
export function buildMapFile(
  source: MapSource,
  dataFile: string,
  progress: (p: MapProgress) => void,
): BuiltMap {
  const started = performance.now();
  progress({ stage: 'reading' });
  let graphs: Record<string, RoadGraph>;
  let villages: LonLat[] = [];
  if (source.kind === 'file') {
    graphs = importOsm(source.path, { profiles: [...PLANNING_PROFILES] }).graphs;
  } else if (source.kind === 'mountain') {
    const county = generateMountainCounty({ seed: source.seed, origin: source.origin });
    graphs = buildRoadGraphs(county.osm, [VAN, MOTORBIKE]);
    villages = county.villages;
  } else {
    const network = generateRuralNetwork({
      seed: source.seed,
      targetNodes: source.targetNodes,
      origin: source.origin,
    });
    graphs = buildRoadGraphs(network.osm, [VAN, MOTORBIKE]);
    villages = network.villages;
  }
  const profiles: Record<string, ProfileRoutingData> = {};
  const names = Object.keys(graphs);
  for (const [i, name] of names.entries()) {
    progress({
      stage: 'contracting',
      profile: name,
      done: i,
      of: names.length,
      nodes: graphs[name].nodeCount,
    });
    // The planner needs travel time (distance rides along); `shortest` is left out to halve preprocessing.
    profiles[name] = prepareProfile(graphs[name], { weightings: ['fastest'] });
  }
  progress({ stage: 'saving' });
  const bytes = saveRoutingData({ profiles }, dataFile);
  const stats = {
    bytes,
    preprocessMs: Math.round(performance.now() - started),
    ...Object.fromEntries(names.map((n) => [n, { nodes: graphs[n].nodeCount, edges: graphs[n].edgeCount }])),
  };
  return { profiles: names, stats, bbox: graphBbox(graphs[names[0]]), villages };
}
