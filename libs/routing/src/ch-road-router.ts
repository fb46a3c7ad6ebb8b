import { ChManyToMany } from './ch/many-to-many';
import { ChQuery } from './ch/ch-query';
import { buildCoreTable, defaultCoreSize, type CoreTable } from './ch/core-table';
import { Seeds } from './ch/seeds';
import type { ContractionHierarchy } from './ch/contract';
import { packSeeds, type PackedSeeds } from './ch/packed-seeds';
import { RoutingError } from './errors';
import { graphNodeOf, headNode, turnIndex } from './turns';
import type { LonLat } from './geo';
import { appendEdgeDir, appendEdgeSlice } from './geometry';
import { exceedsLimits, type LimitVector, type VehicleDimensions } from './profiles';
import { closedLimitClasses, edgeCost, forVehicle, type RoadGraph, type Weighting } from './road-graph';
import type {
  Location,
  Matrix,
  Matrix32,
  MatrixOptions,
  RouteOptions,
  RouteResult,
  SnapRequestOptions,
} from './road-router';
import { prepareProfile, type RoutingData, type ProfileRoutingData } from './routing-data';
import {
  DEFAULT_MAX_SNAP_DISTANCE_M,
  JUNCTION_TOLERANCE_M,
  type SnappedPoint,
  type SnapResult,
} from './snap';

export interface ChRoadRouterOptions {
  /** Profile used when a call names none (default: the first profile in the data). */
  defaultProfile?: string;
  /** Snapping limit in metres for raw coordinates (default 1,000). */
  maxSnapDistanceM?: number;
  /**
   * Nodes in each hierarchy's core table for queries and matrices (buildCoreTable), built with
   * the hierarchy's query engine on its first use: default `defaultCoreSize(nodes)`, none below
   * 250,000 nodes; 0 for none. Costs 12 bytes × size² per hierarchy used (418 MiB at 6,047).
   */
  coreSize?: number;
}

/**
 * The graph node a snapped point stands on, or -1: a point within JUNCTION_TOLERANCE_M of an edge
 * end is at that node, whichever of the node's edges snapping picked (a tie at a junction is
 * broken by edge id, and that edge may be one-way the wrong way).
 */
export function junctionNodeOf(g: RoadGraph, p: SnappedPoint): number {
  const alongM = p.fraction * g.edgeLengthM[p.edgeId];
  if (alongM <= JUNCTION_TOLERANCE_M) return g.edgeFrom[p.edgeId];
  if (g.edgeLengthM[p.edgeId] - alongM <= JUNCTION_TOLERANCE_M) return g.edgeTo[p.edgeId];
  return -1;
}

/** Seeds a search leaving a snapped point: the edge's end nodes it may drive to, with the partial cost. */
export function sourceSeeds(g: RoadGraph, weighting: Weighting, p: SnappedPoint): Seeds {
  const s = new Seeds();
  const e = p.edgeId;
  const f = p.fraction;
  // standing on a node: leave by any of its edges (the node itself, not a turn copy: no arrival yet)
  const at = junctionNodeOf(g, p);
  if (at >= 0) s.add(at, 0, 0);
  const [wf, af] = edgeCost(g, weighting, e, 0);
  const [wb, ab] = edgeCost(g, weighting, e, 1);
  // the head may be a turn-restriction copy of the end node (see turns.ts)
  if (wf !== Infinity) s.add(headNode(g, e * 2), (1 - f) * wf, (1 - f) * af);
  if (wb !== Infinity) s.add(headNode(g, e * 2 + 1), f * wb, f * ab);
  return s;
}

/** Seeds a search arriving at a snapped point: the end nodes it may be reached from, with the remaining cost. */
export function targetSeeds(g: RoadGraph, weighting: Weighting, p: SnappedPoint): Seeds {
  const s = new Seeds();
  const e = p.edgeId;
  const f = p.fraction;
  const turns = g.turnViaNode ? turnIndex(g) : null;
  // standing on a node: arrive over any of its edges, at the node or at any of its turn copies
  const at = junctionNodeOf(g, p);
  if (at >= 0) {
    s.add(at, 0, 0);
    for (const c of turns?.nodeCopies.get(at) ?? []) s.add(c, 0, 0);
  }
  const [wf, af] = edgeCost(g, weighting, e, 0);
  const [wb, ab] = edgeCost(g, weighting, e, 1);
  // the edge may also be entered from turn-restriction copies of its tail that allow it
  const copies = turns?.tailCopies ?? null;
  if (wf !== Infinity) {
    s.add(g.edgeFrom[e], f * wf, f * af);
    for (const c of copies?.get(e * 2) ?? []) s.add(c, f * wf, f * af);
  }
  if (wb !== Infinity) {
    s.add(g.edgeTo[e], (1 - f) * wb, (1 - f) * ab);
    for (const c of copies?.get(e * 2 + 1) ?? []) s.add(c, (1 - f) * wb, (1 - f) * ab);
  }
  return s;
}

/** Weight and second figure of staying on the shared edge from a to b, or Infinity. */
export function sameEdgeCost(
  g: RoadGraph,
  weighting: Weighting,
  a: SnappedPoint,
  b: SnappedPoint,
): [number, number] {
  if (a.edgeId !== b.edgeId) return [Infinity, Infinity];
  const e = a.edgeId;
  if (b.fraction >= a.fraction) {
    const [w, aux] = edgeCost(g, weighting, e, 0);
    const d = b.fraction - a.fraction;
    return w === Infinity ? [Infinity, Infinity] : [d * w, d * aux];
  }
  const [w, aux] = edgeCost(g, weighting, e, 1);
  const d = a.fraction - b.fraction;
  return w === Infinity ? [Infinity, Infinity] : [d * w, d * aux];
}

/** A matrix with its points placed and its seeds packed (ChRoadRouter.planMatrix). */
export interface MatrixPlan {
  profile: string;
  weighting: Weighting;
  rows: number;
  cols: number;
  sources: SnapResult[];
  targets: SnapResult[];
  sourceSeeds: PackedSeeds;
  targetSeeds: PackedSeeds;
}

/** A filled matrix in Float64Array or Float32Array outputs. */
export interface PlacedMatrix<A extends Float64Array | Float32Array> {
  rows: number;
  cols: number;
  durationsS: A;
  distancesM: A;
  sources: SnapResult[];
  targets: SnapResult[];
}

interface Engines {
  query: ChQuery;
  table: ChManyToMany;
}

/**
 * Our engine of record: contraction hierarchies over imported OSM data, synchronous and free of
 * I/O. Callers that want the async RoadRouter interface (shared with the GraphHopper adapter) wrap
 * it with `asyncRoadRouter` from `@rd/road-router`.
 */
export class ChRoadRouter {
  readonly profiles: readonly string[];
  private readonly defaultProfile: string;
  private readonly maxSnapDistanceM: number;
  private readonly coreSize: number | undefined;
  private readonly engines = new Map<string, Engines>();
  /** Hierarchies of vehicle sizes whose closed roads differ from their profile's (profileForVehicle). */
  private readonly vehicleData = new Map<string, ProfileRoutingData>();

  constructor(
    readonly data: RoutingData,
    options: ChRoadRouterOptions = {},
  ) {
    this.profiles = Object.keys(data.profiles);
    if (this.profiles.length === 0)
      throw new RoutingError('bad-routing-data', 'routing data holds no profile');
    this.defaultProfile = options.defaultProfile ?? this.profiles[0];
    this.maxSnapDistanceM = options.maxSnapDistanceM ?? DEFAULT_MAX_SNAP_DISTANCE_M;
    this.coreSize = options.coreSize;
    this.profileData(this.defaultProfile);
  }

  snapSync(points: readonly LonLat[], options: SnapRequestOptions = {}): SnapResult[] {
    const pd = this.profileData(options.profile ?? this.defaultProfile);
    const opts = { maxDistanceM: options.maxDistanceM ?? this.maxSnapDistanceM };
    return points.map((p) => pd.snapIndex.snap(p[0], p[1], opts));
  }

  routeSync(from: Location, to: Location, options: RouteOptions = {}): RouteResult {
    const profile = options.profile ?? this.defaultProfile;
    const weighting = options.weighting ?? 'fastest';
    const pd = this.profileData(profile);
    const engines = this.enginesFor(profile, weighting);
    const a = this.place(pd, from, options.maxSnapDistanceM);
    const b = this.place(pd, to, options.maxSnapDistanceM);
    if (!a.ok || !b.ok) {
      const bad = !a.ok ? a : (b as Exclude<SnapResult, SnappedPoint>);
      return {
        ok: false,
        reason: 'snap-failed',
        message: `${!a.ok ? 'from' : 'to'}: ${bad.message}`,
        from: a,
        to: b,
      };
    }
    const g = pd.graph;
    const res = engines.query.query(
      sourceSeeds(g, weighting, a),
      targetSeeds(g, weighting, b),
      options.geometry !== false,
    );
    const [directW, directAux] = sameEdgeCost(g, weighting, a, b);
    const direct = directW <= res.weight;
    const weight = direct ? directW : res.weight;
    const aux = direct ? directAux : res.aux;
    if (weight === Infinity) {
      return {
        ok: false,
        reason: 'unreachable',
        message: 'no road path between the two points',
        from: a,
        to: b,
      };
    }
    let geometry = null;
    if (options.geometry !== false) {
      const coords: LonLat[] = [];
      if (direct) appendEdgeSlice(g, a.edgeId, a.fraction, b.fraction, coords, a.snapped, b.snapped);
      else {
        appendEdgeSlice(
          g,
          a.edgeId,
          a.fraction,
          graphNodeOf(g, res.sourceNode) === g.edgeTo[a.edgeId] ? 1 : 0,
          coords,
          a.snapped,
        );
        for (const ed of res.edgeDirs) appendEdgeDir(g, ed, coords);
        appendEdgeSlice(
          g,
          b.edgeId,
          graphNodeOf(g, res.targetNode) === g.edgeFrom[b.edgeId] ? 0 : 1,
          b.fraction,
          coords,
          undefined,
          b.snapped,
        );
      }
      if (coords.length === 1) coords.push([coords[0][0], coords[0][1]]);
      geometry = { type: 'LineString' as const, coordinates: coords };
    }
    const fastest = weighting === 'fastest';
    return {
      ok: true,
      durationS: fastest ? weight : aux,
      distanceM: fastest ? aux : weight,
      geometry,
      from: a,
      to: b,
    };
  }

  matrixSync(
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions = {},
  ): Matrix {
    const n = sources.length * targets.length;
    return this.fillMatrix(sources, targets, options, new Float64Array(n), new Float64Array(n));
  }

  /** As matrixSync, written into 32-bit floats: for large tables (10,000² and more). */
  matrix32Sync(
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions = {},
  ): Matrix32 {
    const n = sources.length * targets.length;
    return this.fillMatrix(sources, targets, options, new Float32Array(n), new Float32Array(n));
  }

  private fillMatrix<A extends Float64Array | Float32Array>(
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions,
    durationsS: A,
    distancesM: A,
  ): PlacedMatrix<A> {
    const plan = this.planMatrix(sources, targets, options);
    const table = this.tableEngine(plan.profile, plan.weighting);
    const prepared = table.prepare(
      plan.targetSeeds,
      table.chooseMethod(plan.sourceSeeds, plan.targetSeeds).method,
    );
    const [outW, outAux] = plan.weighting === 'fastest' ? [durationsS, distancesM] : [distancesM, durationsS];
    table.fillRows(prepared, plan.sourceSeeds, 0, plan.rows, outW, outAux);
    return this.finishMatrix(plan, durationsS, distancesM);
  }

  /**
   * A matrix's first step, for callers that fill the rows themselves (worker threads sharing one
   * prepared table: see `ChManyToMany.prepare` and `fillRows`, and `MatrixThreads` in
   * `@rd/road-router`): every point placed (a failed snap stays that point's error and gets no
   * seeds, so its row or column stays Infinity) and the seeds packed into typed arrays. Rows and
   * columns are written weight first: durations for `fastest`, distances for `shortest`.
   */
  planMatrix(
    sources: readonly Location[],
    targets: readonly Location[],
    options: MatrixOptions = {},
  ): MatrixPlan {
    const profile = options.profile ?? this.defaultProfile;
    const weighting = options.weighting ?? 'fastest';
    const pd = this.profileData(profile);
    const ch = this.hierarchy(profile, weighting);
    const g = pd.graph;
    const src = sources.map((l) => this.place(pd, l, options.maxSnapDistanceM));
    const tgt = targets.map((l) => this.place(pd, l, options.maxSnapDistanceM));
    const empty = new Seeds();
    return {
      profile,
      weighting,
      rows: src.length,
      cols: tgt.length,
      sources: src,
      targets: tgt,
      sourceSeeds: packSeeds(
        src.map((s) => (s.ok ? sourceSeeds(g, weighting, s) : empty)),
        ch.rank,
      ),
      targetSeeds: packSeeds(
        tgt.map((s) => (s.ok ? targetSeeds(g, weighting, s) : empty)),
        ch.rank,
      ),
    };
  }

  /** The hierarchy of a profile and weighting (what `planMatrix`'s seeds index). */
  hierarchy(profile: string, weighting: Weighting): ContractionHierarchy {
    return this.enginesFor(profile, weighting).query.ch;
  }

  /** The core table this router's queries and matrices use for a profile and weighting (built on first use), or null. */
  coreTable(profile: string, weighting: Weighting): CoreTable | null {
    return this.enginesFor(profile, weighting).query.core;
  }

  /** This router's table engine for a profile and weighting (one per thread: use it from this thread only). */
  tableEngine(profile: string, weighting: Weighting): ChManyToMany {
    return this.enginesFor(profile, weighting).table;
  }

  /** A matrix's last step once every row is filled: adds the paths that stay on one edge. */
  finishMatrix<A extends Float64Array | Float32Array>(
    plan: MatrixPlan,
    durationsS: A,
    distancesM: A,
  ): PlacedMatrix<A> {
    const { weighting, rows, cols, sources: src, targets: tgt } = plan;
    const g = this.profileData(plan.profile).graph;
    const fastest = weighting === 'fastest';
    const outW = fastest ? durationsS : distancesM;
    const outAux = fastest ? distancesM : durationsS;
    // paths that stay on one edge
    const byEdge = new Map<number, number[]>();
    tgt.forEach((t, j) => {
      if (!t.ok) return;
      const list = byEdge.get(t.edgeId);
      if (list) list.push(j);
      else byEdge.set(t.edgeId, [j]);
    });
    for (let i = 0; i < rows; i++) {
      const s = src[i];
      if (!s.ok) continue;
      const list = byEdge.get(s.edgeId);
      if (!list) continue;
      for (const j of list) {
        const [w, aux] = sameEdgeCost(g, weighting, s, tgt[j] as SnappedPoint);
        const o = i * cols + j;
        if (w <= outW[o]) {
          outW[o] = w;
          outAux[o] = aux;
        }
      }
    }
    return { rows, cols, durationsS, distancesM, sources: src, targets: tgt };
  }

  /**
   * The profile name to route a vehicle of these figures on (missing figures: the profile's own).
   * Vehicles whose figures close the same limited roads share one name; where that set is the
   * profile's own (most vehicles, and every vehicle on a map without limits) it is the profile
   * itself. Otherwise the first call contracts a hierarchy for that set of closed roads
   * (`profile~id`), kept for the router's life; route, matrix and snap take the name.
   */
  profileForVehicle(profile: string, dimensions: Partial<VehicleDimensions> = {}): string {
    const pd = this.profileData(profile);
    const g = pd.graph;
    const own = closedLimitClasses(g);
    if (!own || !g.limitTable || !g.vehicleLimits) return profile;
    const ownFigures = g.vehicleLimits;
    const vehicle: LimitVector = [
      dimensions.heightM ?? ownFigures[0],
      dimensions.widthM ?? ownFigures[1],
      dimensions.lengthM ?? ownFigures[2],
      dimensions.grossWeightG ?? ownFigures[3],
      dimensions.axleLoadG ?? ownFigures[4],
    ];
    const closed: number[] = [];
    let same = true;
    for (let c = 0; c < own.length; c++) {
      const shut = exceedsLimits(vehicle, g.limitTable, c * 5);
      if (shut) closed.push(c);
      if (shut !== (own[c] === 1)) same = false;
    }
    if (same) return profile;
    const name = `${profile}~${closed.join('.') || 'none'}`;
    if (!this.vehicleData.has(name)) {
      const weightings = Object.keys(pd.ch) as Weighting[];
      // the profile's contraction order fits a graph that differs by a few closed roads
      const contractOrder = Object.fromEntries(weightings.map((w) => [w, pd.ch[w]?.order]));
      this.vehicleData.set(name, prepareProfile(forVehicle(g, name, vehicle), { weightings, contractOrder }));
    }
    return name;
  }

  private profileData(profile: string): ProfileRoutingData {
    const pd = this.data.profiles[profile] ?? this.vehicleData.get(profile);
    if (!pd)
      throw new RoutingError(
        'unknown-profile',
        `unknown profile "${profile}"; this router has: ${this.profiles.join(', ')}`,
      );
    return pd;
  }

  private enginesFor(profile: string, weighting: Weighting): Engines {
    const key = `${profile}/${weighting}`;
    let e = this.engines.get(key);
    if (!e) {
      const ch = this.profileData(profile).ch[weighting];
      if (!ch) {
        throw new RoutingError(
          'not-contracted',
          `profile "${profile}" has no "${weighting}" hierarchy: prepare the routing data with weightings including "${weighting}"`,
        );
      }
      const size = this.coreSize ?? defaultCoreSize(ch.nodeCount);
      const core = size > 0 ? buildCoreTable(ch, size) : null;
      e = { query: new ChQuery(ch, core), table: new ChManyToMany(ch, { core }) };
      this.engines.set(key, e);
    }
    return e;
  }

  private place(pd: ProfileRoutingData, l: Location, maxSnapDistanceM?: number): SnapResult {
    let p: LonLat;
    if (Array.isArray(l)) p = l as LonLat;
    else {
      const r = l as SnapResult;
      if (!r.ok) return r;
      if (r.profile !== pd.graph.profile) p = r.input;
      else if (r.dataId !== pd.dataId || !(r.edgeId >= 0 && r.edgeId < pd.graph.edgeCount)) {
        return {
          ok: false,
          profile: r.profile,
          input: r.input,
          error: 'foreign-snap',
          message: `[${r.input[0]}, ${r.input[1]}] was snapped on other routing data (id ${r.dataId ?? 'none'}; this router's "${r.profile}" data is ${pd.dataId}): another region or an older import; snap it again with this router`,
        };
      } else return r;
    }
    return pd.snapIndex.snap(p[0], p[1], { maxDistanceM: maxSnapDistanceM ?? this.maxSnapDistanceM });
  }
}
