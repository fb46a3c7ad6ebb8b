import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildRoadGraph, indexOsmNodes } from './build-graph';
import { RoutingError } from './errors';
import type { OsmData } from './osm/osm-data';
import { readOsmPbf } from './osm/pbf-reader';
import { readOsmXml } from './osm/xml-reader';
import { describeProfileErrors, isProfileFileName, readProfileFile } from './profile-file';
import { PROFILES, type VehicleProfile } from './profiles';
import type { RoadGraph } from './road-graph';

export interface ImportOptions {
  /** Profile names from PROFILES, or profile tables of your own. Default: van and motorbike. */
  profiles?: ReadonlyArray<string | VehicleProfile>;
}

export interface ImportResult {
  graphs: Record<string, RoadGraph>;
  stats: {
    osmNodes: number;
    highwayWays: number;
    parseMs: number;
    buildMs: number;
    /** Turn restrictions left out (see README "Turn restrictions"): with a via way, or only time-conditional. */
    skippedRestrictions: { viaWay: number; conditionalOnly: number };
  };
}

/** Restrictions the graph builder leaves out, counted so the import can say so. */
export function skippedRestrictions(osm: OsmData): { viaWay: number; conditionalOnly: number } {
  let viaWay = 0;
  let conditionalOnly = 0;
  for (const r of osm.restrictions) {
    if (r.viaWays.length > 0) viaWay++;
    else {
      const keys = Object.keys(r.tags);
      const conditional = keys.some((k) => k.startsWith('restriction') && k.endsWith(':conditional'));
      const plain = keys.some((k) => k.startsWith('restriction') && !k.endsWith(':conditional'));
      if (conditional && !plain) conditionalOnly++;
    }
  }
  return { viaWay, conditionalOnly };
}

/** Reads `.osm.pbf`, `.osm` or `.osm.gz` into OsmData. */
export function readOsmFile(path: string): OsmData {
  if (!existsSync(path)) throw new RoutingError('file-not-found', `OSM file not found: ${path}`);
  const bytes = readFileSync(path);
  const lower = path.toLowerCase();
  if (lower.endsWith('.pbf')) return readOsmPbf(bytes, path);
  if (lower.endsWith('.osm.gz') || lower.endsWith('.xml.gz')) {
    let text: string;
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (e) {
      throw new RoutingError('corrupt-file', `${path}: corrupt or truncated gzip: ${(e as Error).message}`);
    }
    return readOsmXml(text, path);
  }
  if (lower.endsWith('.osm') || lower.endsWith('.xml')) return readOsmXml(bytes.toString('utf8'), path);
  throw new RoutingError('unsupported-format', `${path}: unknown OSM format; use .osm.pbf, .osm or .osm.gz`);
}

/**
 * A profile by name (`van`, `motorbike`, `tricycle`, `small-truck`), a path to a profile JSON or YAML file
 * (see profiles/README.md), or a profile table. A file with bad fields throws `bad-profile` naming
 * each field (use readProfileFile to get them as values).
 */
export function resolveProfile(p: string | VehicleProfile): VehicleProfile {
  if (typeof p !== 'string') return p;
  const profile = PROFILES[p];
  if (profile) return profile;
  if (isProfileFileName(p)) {
    const r = readProfileFile(p);
    if (!r.ok) throw new RoutingError('bad-profile', describeProfileErrors(p, r.errors));
    return r.profile;
  }
  throw new RoutingError(
    'unknown-profile',
    `unknown profile "${p}"; known: ${Object.keys(PROFILES).join(', ')}, or a path to a profile file (.json, .yaml or .yml)`,
  );
}

/** Imports an OSM extract once and builds one road graph per profile. `now` is only used for stats. */
export function importOsm(
  path: string,
  options: ImportOptions = {},
  now: () => number = () => 0,
): ImportResult {
  const profiles = (options.profiles ?? ['van', 'motorbike']).map(resolveProfile);
  const t0 = now();
  const osm = readOsmFile(path);
  const t1 = now();
  const graphs = buildRoadGraphs(osm, profiles);
  const t2 = now();
  return {
    graphs,
    stats: {
      osmNodes: osm.nodeCount,
      highwayWays: osm.wayCount,
      parseMs: t1 - t0,
      buildMs: t2 - t1,
      skippedRestrictions: skippedRestrictions(osm),
    },
  };
}

export function buildRoadGraphs(
  osm: OsmData,
  profiles: readonly VehicleProfile[],
): Record<string, RoadGraph> {
  if (osm.wayCount === 0) throw new RoutingError('no-routable-roads', 'the extract holds no highway ways');
  const nodeIndex = indexOsmNodes(osm);
  const graphs: Record<string, RoadGraph> = {};
  for (const p of profiles) graphs[p.name] = buildRoadGraph(osm, p, nodeIndex);
  return graphs;
}
