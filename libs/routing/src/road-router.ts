import type { LonLat } from './geo';
import type { LineString } from './geometry';
import type { VehicleDimensions } from './profiles';
import type { Weighting } from './road-graph';
import type { SnapOptions, SnappedPoint, SnapResult } from './snap';

/**
 * A place to route from or to: raw coordinates (snapped on the way) or an earlier snap result. A
 * failed snap result stays that point's error; a snapped point from other routing data is refused
 * (`foreign-snap`); one snapped for another profile of the same router is snapped again.
 */
export type Location = LonLat | SnapResult;

export interface RouteOptions {
  /** Profile name (default: the router's default profile). */
  profile?: string;
  /** `fastest` (travel time, default) or `shortest` (road length). */
  weighting?: Weighting;
  /** Build the GeoJSON LineString (default true). */
  geometry?: boolean;
  /** Snapping limit for raw coordinates (default: the router's). */
  maxSnapDistanceM?: number;
}

export type MatrixOptions = Omit<RouteOptions, 'geometry'>;

export interface Route {
  ok: true;
  durationS: number;
  distanceM: number;
  /** From the snapped start to the snapped end; null when geometry was not asked for. */
  geometry: LineString | null;
  from: SnappedPoint;
  to: SnappedPoint;
}

export type NoRouteReason = 'unreachable' | 'snap-failed';

/** An expected failure, as a value: no road path, or an end that could not be placed on a road. */
export interface NoRoute {
  ok: false;
  reason: NoRouteReason;
  message: string;
  from: SnapResult | null;
  to: SnapResult | null;
}

export type RouteResult = Route | NoRoute;

/**
 * Row-major durations (s) and distances (m) from each source to each target; `Infinity` where no
 * road path exists or an end failed to snap (see `sources`/`targets` for why).
 */
export interface Matrix {
  rows: number;
  cols: number;
  durationsS: Float64Array;
  distancesM: Float64Array;
  sources: SnapResult[];
  targets: SnapResult[];
}

/** A matrix in 32-bit floats (half the memory: 10,000 × 10,000 is 800 MB instead of 1.6 GB); ~7 significant digits. */
export interface Matrix32 extends Omit<Matrix, 'durationsS' | 'distancesM'> {
  durationsS: Float32Array;
  distancesM: Float32Array;
}

export interface SnapRequestOptions extends SnapOptions {
  profile?: string;
}

/** Travel times, distances and geometry on roads. Implemented by ChRoadRouter (ours) and GraphHopperRoadRouter. */
export interface RoadRouter {
  readonly profiles: readonly string[];
  snap(points: readonly LonLat[], options?: SnapRequestOptions): Promise<SnapResult[]>;
  route(from: Location, to: Location, options?: RouteOptions): Promise<RouteResult>;
  matrix(
    sources: readonly Location[],
    targets: readonly Location[],
    options?: MatrixOptions,
  ): Promise<Matrix>;
  /**
   * The profile name a vehicle of these figures routes on (missing figures: the profile's own).
   * The profile itself when the figures close the same roads; else a name that `snap`, `route` and
   * `matrix` take (see ChRoadRouter.profileForVehicle). GraphHopper: always the profile.
   */
  profileForVehicle(profile: string, dimensions?: Partial<VehicleDimensions>): Promise<string>;
}

export function isSnapped(l: Location | SnapResult): l is SnappedPoint {
  return !Array.isArray(l) && (l as SnappedPoint).ok === true;
}
