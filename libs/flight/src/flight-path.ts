import type { Airspace } from './airspace';
import type { LonLat } from './types';

export type FlightPathErrorCode = 'start_in_zone' | 'end_in_zone' | 'no_flight_path' | 'outside_corridor';

export type FlightPathResult =
  { ok: true; path: LonLat[]; distanceM: number } | { ok: false; code: FlightPathErrorCode; reason: string };

export interface FlightFrom {
  /** The drone port; corridors attached to it become keep-in areas. */
  portId?: string;
  point: LonLat;
}

export interface FlightPathOptions {
  /** Epoch ms of the flight: decides which zones are active. */
  atMs: number;
  /** Cruise height above ground (metres); zones whose band does not contain it are ignored. */
  cruiseAltitudeAglM: number;
  /** Take-off elevation AMSL, needed to compare with AMSL-referenced zones. */
  takeoffAmslM?: number;
  /** Corridor ids to stay inside; default: the corridors attached to `from.portId`. Empty: free flight. */
  corridorsForPort?: readonly string[];
}

/**
 * Shortest path from a port to a point that stays outside active buffered zones and, where corridors are
 * configured for the port, inside their union. Straight when clear, else through a visibility graph.
 */
export function planFlightPath(
  _airspace: Airspace,
  _from: FlightFrom,
  _to: LonLat,
  _options: FlightPathOptions,
): FlightPathResult {
  throw new Error('not implemented');
}

export interface FlightPathCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** Caches results per (port, destination, airspace version, active-zone set, corridor set); bounded LRU. */
export class FlightPathCache {
  constructor(_maxEntries = 10_000) {}

  plan(_airspace: Airspace, _from: FlightFrom, _to: LonLat, _options: FlightPathOptions): FlightPathResult {
    throw new Error('not implemented');
  }

  stats(): FlightPathCacheStats {
    throw new Error('not implemented');
  }

  clear(): void {
    throw new Error('not implemented');
  }
}
