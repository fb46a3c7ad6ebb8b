import GraphHopperMatrix from 'graphhopper-js-api-client/src/GraphHopperMatrix.js';
import GraphHopperRouting from 'graphhopper-js-api-client/src/GraphHopperRouting.js';
import {
  DEFAULT_MAX_SNAP_DISTANCE_M,
  haversineM,
  RoutingError,
  type LonLat,
  type Location,
  type Matrix,
  type MatrixOptions,
  type RoadRouter,
  type RouteOptions,
  type RouteResult,
  type SnapFailure,
  type SnappedPoint,
  type SnapRequestOptions,
  type SnapResult,
  type Weighting,
} from '@rd/routing';

/** Our profile → the GraphHopper server's profile name, per weighting (a string serves both). */
export type GraphHopperProfileMap = Record<string, string | { fastest: string; shortest?: string }>;

export interface GraphHopperRoadRouterOptions {
  /** Base URL of the server, e.g. `http://localhost:8989`. */
  host: string;
  /** API key, if the server wants one. */
  key?: string;
  /** Default: van → car, motorbike → motorcycle. */
  profiles?: GraphHopperProfileMap;
  defaultProfile?: string;
  timeoutMs?: number;
  maxSnapDistanceM?: number;
}

interface GhPath {
  distance: number;
  time: number;
  points: { type: 'LineString'; coordinates: number[][] };
  snapped_waypoints?: { type: 'LineString'; coordinates: number[][] };
}

interface GhMatrixResponse {
  times?: Array<Array<number | null>>;
  distances?: Array<Array<number | null>>;
}

const DEFAULT_PROFILES: GraphHopperProfileMap = { van: 'car', motorbike: 'motorcycle' };

/**
 * The same RoadRouter on a self-hosted GraphHopper server (route and matrix APIs through
 * graphhopper-js-api-client). GraphHopper snaps on its side: snapped points carry `edgeId` -1 and
 * `fraction` NaN, and are passed on by their snapped coordinates. Network and server faults throw
 * RoutingError('remote-error'); "point not found" and "connection not found" come back as values.
 */
export class GraphHopperRoadRouter implements RoadRouter {
  readonly profiles: readonly string[];
  private readonly routing: GraphHopperRouting;
  private readonly matrixClient: GraphHopperMatrix;
  private readonly profileMap: GraphHopperProfileMap;
  private readonly defaultProfile: string;
  private readonly maxSnapDistanceM: number;

  constructor(options: GraphHopperRoadRouterOptions) {
    this.profileMap = options.profiles ?? DEFAULT_PROFILES;
    this.profiles = Object.keys(this.profileMap);
    this.defaultProfile = options.defaultProfile ?? this.profiles[0];
    this.maxSnapDistanceM = options.maxSnapDistanceM ?? DEFAULT_MAX_SNAP_DISTANCE_M;
    const args = {
      host: options.host.replace(/\/$/, ''),
      key: options.key ?? '',
      timeout: options.timeoutMs,
    };
    // The client's defaults override falsy per-request values, so set them here (FIELD-NOTES).
    this.routing = new GraphHopperRouting(args, {
      elevation: false,
      points_encoded: true,
      instructions: false,
      calc_points: true,
    });
    this.matrixClient = new GraphHopperMatrix(args, { out_arrays: ['times', 'distances'], fail_fast: false });
  }

  private ghProfile(profile: string, weighting: Weighting): string {
    const m = this.profileMap[profile];
    if (m === undefined)
      throw new RoutingError(
        'unknown-profile',
        `unknown profile "${profile}"; this router has: ${this.profiles.join(', ')}`,
      );
    if (typeof m === 'string') {
      if (weighting === 'shortest')
        throw new RoutingError(
          'not-contracted',
          `no GraphHopper profile configured for "${profile}" with weighting "shortest"`,
        );
      return m;
    }
    const name = weighting === 'shortest' ? m.shortest : m.fastest;
    if (!name)
      throw new RoutingError(
        'not-contracted',
        `no GraphHopper profile configured for "${profile}" with weighting "${weighting}"`,
      );
    return name;
  }

  async snap(points: readonly LonLat[], options: SnapRequestOptions = {}): Promise<SnapResult[]> {
    const profile = options.profile ?? this.defaultProfile;
    const maxM = options.maxDistanceM ?? this.maxSnapDistanceM;
    const out: SnapResult[] = [];
    for (const p of points) {
      const bad = invalid(p, profile);
      if (bad) {
        out.push(bad);
        continue;
      }
      const r = await this.requestRoute(p, p, profile, 'fastest');
      if ('failure' in r) {
        out.push({
          ok: false,
          profile,
          input: p,
          error: r.outside ? 'outside-area' : 'too-far',
          message: r.failure,
        });
        continue;
      }
      out.push(snapFromGh(p, r.path.snapped_waypoints?.coordinates[0], profile, maxM));
    }
    return out;
  }

  async route(from: Location, to: Location, options: RouteOptions = {}): Promise<RouteResult> {
    const profile = options.profile ?? this.defaultProfile;
    const weighting = options.weighting ?? 'fastest';
    const a = toLonLat(from);
    const b = toLonLat(to);
    const badA = failureOf(from) ?? invalid(a, profile);
    const badB = failureOf(to) ?? invalid(b, profile);
    const bad = (badA ?? badB) as SnapFailure | null;
    if (bad) return { ok: false, reason: 'snap-failed', message: bad.message, from: badA, to: badB };
    const r = await this.requestRoute(a, b, profile, weighting);
    if ('failure' in r) {
      return {
        ok: false,
        reason: r.unreachable ? 'unreachable' : 'snap-failed',
        message: r.failure,
        from: null,
        to: null,
      };
    }
    const maxM = options.maxSnapDistanceM ?? this.maxSnapDistanceM;
    const snapped = r.path.snapped_waypoints?.coordinates ?? [];
    const sa = snapFromGh(a, snapped[0], profile, maxM);
    const sb = snapFromGh(b, snapped[snapped.length - 1], profile, maxM);
    if (!sa.ok || !sb.ok)
      return {
        ok: false,
        reason: 'snap-failed',
        message: (!sa.ok ? sa : (sb as Exclude<SnapResult, SnappedPoint>)).message,
        from: sa,
        to: sb,
      };
    const coords = r.path.points?.coordinates ?? [];
    return {
      ok: true,
      durationS: r.path.time / 1000,
      distanceM: r.path.distance,
      geometry:
        options.geometry === false
          ? null
          : { type: 'LineString', coordinates: coords.map((c) => [c[0], c[1]] as LonLat) },
      from: sa,
      to: sb,
    };
  }

  /**
   * GraphHopper routes each of its profiles with the figures configured on its server (custom
   * models): vehicle sizes are not passed per request, so a vehicle routes on its profile.
   */
  profileForVehicle(profile: string): Promise<string> {
    return Promise.resolve(profile);
  }

  async matrix(
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions = {},
  ): Promise<Matrix> {
    const profile = options.profile ?? this.defaultProfile;
    const ghProfile = this.ghProfile(profile, options.weighting ?? 'fastest');
    const src = sources.map(toLonLat);
    const tgt = targets.map(toLonLat);
    const rows = src.length;
    const cols = tgt.length;
    const durationsS = new Float64Array(rows * cols).fill(Infinity);
    const distancesM = new Float64Array(rows * cols).fill(Infinity);
    const srcResults: SnapResult[] = src.map(
      (p, i) => failureOf(sources[i]) ?? invalid(p, profile) ?? unsnapped(p, profile),
    );
    const tgtResults: SnapResult[] = tgt.map(
      (p, j) => failureOf(targets[j]) ?? invalid(p, profile) ?? unsnapped(p, profile),
    );
    const srcIdx = src.map((_, i) => i).filter((i) => srcResults[i].ok);
    const tgtIdx = tgt.map((_, j) => j).filter((j) => tgtResults[j].ok);
    if (srcIdx.length > 0 && tgtIdx.length > 0) {
      let res: GhMatrixResponse;
      try {
        res = (await this.matrixClient.doRequest({
          from_points: srcIdx.map((i) => src[i]),
          to_points: tgtIdx.map((j) => tgt[j]),
          profile: ghProfile,
          out_arrays: ['times', 'distances'],
          fail_fast: false,
        })) as GhMatrixResponse;
      } catch (e) {
        throw new RoutingError('remote-error', `GraphHopper matrix request failed: ${(e as Error).message}`);
      }
      if (!res.times || !res.distances)
        throw new RoutingError('remote-error', 'GraphHopper matrix response lacks times or distances');
      srcIdx.forEach((i, ri) => {
        tgtIdx.forEach((j, ci) => {
          const t = res.times?.[ri]?.[ci];
          const d = res.distances?.[ri]?.[ci];
          if (typeof t === 'number' && typeof d === 'number') {
            durationsS[i * cols + j] = t;
            distancesM[i * cols + j] = d;
          }
        });
      });
    }
    return { rows, cols, durationsS, distancesM, sources: srcResults, targets: tgtResults };
  }

  private async requestRoute(
    a: LonLat,
    b: LonLat,
    profile: string,
    weighting: Weighting,
  ): Promise<{ path: GhPath } | { failure: string; unreachable: boolean; outside: boolean }> {
    let res: { paths?: GhPath[] };
    try {
      // geometry always comes back: the client's defaults override a per-request calc_points=false
      res = (await this.routing.doRequest({
        points: [a, b],
        profile: this.ghProfile(profile, weighting),
      })) as { paths?: GhPath[] };
    } catch (e) {
      if (e instanceof RoutingError) throw e;
      const msg = (e as Error).message ?? String(e);
      if (/Connection between locations not found/i.test(msg))
        return { failure: msg, unreachable: true, outside: false };
      if (/Cannot find point|out of bounds/i.test(msg))
        return { failure: msg, unreachable: false, outside: /out of bounds/i.test(msg) };
      throw new RoutingError('remote-error', `GraphHopper route request failed: ${msg}`);
    }
    const path = res.paths?.[0];
    if (!path) throw new RoutingError('remote-error', 'GraphHopper route response has no paths');
    return { path };
  }
}

/** GraphHopper snaps on its side and owns no data id: points go as coordinates (failed snaps stay failures). */
export const GRAPHHOPPER_DATA_ID = 'graphhopper';

function toLonLat(l: Location): LonLat {
  if (Array.isArray(l)) return l as LonLat;
  const r = l as SnapResult;
  return r.ok ? r.snapped : r.input;
}

/** A failed snap result passed in as a location stays that point's error. */
function failureOf(l: Location): SnapFailure | null {
  return !Array.isArray(l) && (l as SnapResult).ok === false ? (l as SnapFailure) : null;
}

function invalid(p: LonLat, profile: string): SnapResult | null {
  const [lon, lat] = p;
  if (
    typeof lon === 'number' &&
    typeof lat === 'number' &&
    Number.isFinite(lon) &&
    Number.isFinite(lat) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180
  )
    return null;
  return {
    ok: false,
    profile,
    input: p,
    error: 'invalid-coordinate',
    message: `invalid coordinate [${lon}, ${lat}]: expected finite [lon, lat] in degrees`,
  };
}

function unsnapped(p: LonLat, profile: string): SnappedPoint {
  return {
    ok: true,
    profile,
    dataId: GRAPHHOPPER_DATA_ID,
    input: p,
    snapped: p,
    offRoadM: NaN,
    edgeId: -1,
    fraction: NaN,
  };
}

function snapFromGh(input: LonLat, snapped: number[] | undefined, profile: string, maxM: number): SnapResult {
  if (!snapped) return unsnapped(input, profile);
  const s: LonLat = [snapped[0], snapped[1]];
  const off = haversineM(input[0], input[1], s[0], s[1]);
  if (off > maxM) {
    return {
      ok: false,
      profile,
      input,
      error: 'too-far',
      nearestM: off,
      message: `[${input[0]}, ${input[1]}] is ${Math.round(off)} m from the nearest road, more than the ${maxM} m limit`,
    };
  }
  return {
    ok: true,
    profile,
    dataId: GRAPHHOPPER_DATA_ID,
    input,
    snapped: s,
    offRoadM: off,
    edgeId: -1,
    fraction: NaN,
  };
}
