import { RoutingError } from './errors';
import { haversineM } from './geo';
import type { OsmData } from './osm/osm-data';
import {
  barrierBlocks,
  dimensionsVector,
  limitsOf,
  wayAccess,
  type LimitVector,
  type OsmTags,
  type VehicleProfile,
} from './profiles';
import { applyTurnRules, type TurnRule } from './turns';
import type { RoadGraph } from './road-graph';
import { F64List } from './osm/osm-data';

/** Index of each OSM node id in `osm.nodeId`. */
export function indexOsmNodes(osm: OsmData): Map<number, number> {
  const index = new Map<number, number>();
  for (let i = 0; i < osm.nodeCount; i++) index.set(osm.nodeId[i], i);
  return index;
}

/**
 * Builds the routable graph of one profile: keeps the ways the profile may use, makes way ends,
 * junctions and loop midpoints graph nodes, and turns the rest into edge shape points. Refs to
 * nodes missing from the extract, and barriers the profile cannot pass, cut the way there. Throws RoutingError('no-routable-roads').
 */
export function buildRoadGraph(
  osm: OsmData,
  profile: VehicleProfile,
  nodeIndex = indexOsmNodes(osm),
): RoadGraph {
  const wayCount = osm.wayCount;
  const fwdKmh = new Float64Array(wayCount);
  const bwdKmh = new Float64Array(wayCount);
  // Resolve refs once: index into osm nodes, or -1 when the node is not in the extract.
  // A barrier the profile cannot pass cuts its ways there, like a node missing from the extract.
  // Dimension limits (maxheight, maxweight, …) do not close ways or cut them: they are recorded
  // on the edges (edgeLimitClass), so one graph serves every vehicle size (see forVehicle).
  const recordLimits = profile.dimensions !== undefined;
  const limitOptions = { ignoreLimits: recordLimits };
  const blocked = new Set<number>();
  const nodeLimits = new Map<number, LimitVector>(); // by osm node index
  for (const [id, tags] of osm.barriers) {
    if (barrierBlocks(profile, tags, limitOptions)) blocked.add(id);
    else if (recordLimits) {
      const limits = limitsOf(tags);
      const r = nodeIndex.get(id);
      if (r !== undefined && limits.some((x) => x !== Infinity)) nodeLimits.set(r, limits);
    }
  }
  const refIdx = new Int32Array(osm.wayRefs.length);
  for (let i = 0; i < osm.wayRefs.length; i++) {
    const id = osm.wayRefs[i];
    refIdx[i] = blocked.has(id) ? -1 : (nodeIndex.get(id) ?? -1);
  }
  const limits = new LimitClasses();

  // use: 0 unused, 1 pillar once, 2 tower.
  const use = new Uint8Array(osm.nodeCount);
  let usable = 0;
  for (let w = 0; w < wayCount; w++) {
    const acc = wayAccess(profile, osm.wayTags[w], limitOptions);
    fwdKmh[w] = acc.forwardKmh;
    bwdKmh[w] = acc.backwardKmh;
    if (acc.forwardKmh <= 0 && acc.backwardKmh <= 0) continue;
    usable++;
    const s = osm.wayRefFirst[w];
    const e = osm.wayRefFirst[w + 1];
    for (let i = s; i < e; i++) {
      const r = refIdx[i];
      if (r < 0) continue;
      const endpoint = i === s || i === e - 1 || refIdx[i - 1] < 0 || refIdx[i + 1] < 0;
      use[r] = endpoint || use[r] > 0 ? 2 : 1;
    }
  }
  if (usable === 0) {
    throw new RoutingError(
      'no-routable-roads',
      `no road in the extract is usable by profile "${profile.name}"`,
    );
  }
  // A limit node and its neighbours along each way become graph nodes, so the edges that carry
  // its limit are only the segments touching it (a vehicle it stops still reaches both sides).
  if (nodeLimits.size > 0)
    for (let w = 0; w < wayCount; w++) {
      if (fwdKmh[w] <= 0 && bwdKmh[w] <= 0) continue;
      const s = osm.wayRefFirst[w];
      const e = osm.wayRefFirst[w + 1];
      for (let i = s; i < e; i++) {
        if (refIdx[i] < 0 || !nodeLimits.has(refIdx[i])) continue;
        for (let k = Math.max(s, i - 1); k <= Math.min(e - 1, i + 1); k++)
          if (refIdx[k] >= 0) use[refIdx[k]] = 2;
      }
    }
  // A stretch that leaves a tower and comes back to it would be a self-loop: make its middle point a tower.
  for (let w = 0; w < wayCount; w++) {
    if (fwdKmh[w] <= 0 && bwdKmh[w] <= 0) continue;
    const s = osm.wayRefFirst[w];
    const e = osm.wayRefFirst[w + 1];
    let start = -1;
    for (let i = s; i < e; i++) {
      const r = refIdx[i];
      if (r < 0) {
        start = -1;
        continue;
      }
      if (use[r] !== 2) continue;
      if (start >= 0 && refIdx[start] === r && i - start >= 2) {
        // find a middle ref whose node differs from r
        for (let k = start + ((i - start) >> 1); k < i; k++) {
          if (refIdx[k] !== r) {
            use[refIdx[k]] = 2;
            break;
          }
        }
      }
      start = i;
    }
  }

  const tower = new Int32Array(osm.nodeCount).fill(-1);
  let nodeCount = 0;
  const nodeLon = new F64List(1 << 12);
  const nodeLat = new F64List(1 << 12);
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeLen = new F64List(1 << 12);
  const edgeFwd = new F64List(1 << 12);
  const edgeBwd = new F64List(1 << 12);
  const edgeWay = new F64List(1 << 12);
  const edgeLimit: number[] = [];
  const geomFirst: number[] = [0];
  const geomLon = new F64List(1 << 14);
  const geomLat = new F64List(1 << 14);
  const towerOf = (r: number): number => {
    let t = tower[r];
    if (t < 0) {
      t = tower[r] = nodeCount++;
      nodeLon.push(osm.nodeLon[r]);
      nodeLat.push(osm.nodeLat[r]);
    }
    return t;
  };

  for (let w = 0; w < wayCount; w++) {
    const fk = fwdKmh[w];
    const bk = bwdKmh[w];
    if (fk <= 0 && bk <= 0) continue;
    const s = osm.wayRefFirst[w];
    const e = osm.wayRefFirst[w + 1];
    const wayLimits = recordLimits ? limitsOf(osm.wayTags[w]) : null;
    let stretchLimits = wayLimits; // the way's limits and those of the nodes passed so far
    let startTower = -1;
    let len = 0;
    let prev = -1;
    for (let i = s; i < e; i++) {
      const r = refIdx[i];
      if (r < 0) {
        startTower = -1;
        prev = -1;
        geomLon.length = geomLat.length = geomFirst[geomFirst.length - 1];
        continue;
      }
      if (r === prev) continue; // repeated node
      const atLimit = nodeLimits.get(r);
      if (startTower < 0) {
        // use[r] is 2 here: the first ref after a gap is an endpoint
        stretchLimits = wayLimits && atLimit ? minLimits(wayLimits, atLimit) : wayLimits;
        startTower = towerOf(r);
        geomLon.push(osm.nodeLon[r]);
        geomLat.push(osm.nodeLat[r]);
        len = 0;
        prev = r;
        continue;
      }
      len += haversineM(osm.nodeLon[prev], osm.nodeLat[prev], osm.nodeLon[r], osm.nodeLat[r]);
      geomLon.push(osm.nodeLon[r]);
      geomLat.push(osm.nodeLat[r]);
      prev = r;
      if (stretchLimits && atLimit) stretchLimits = minLimits(stretchLimits, atLimit);
      if (use[r] === 2) {
        const t = towerOf(r);
        edgeLimit.push(stretchLimits ? limits.classOf(stretchLimits) : 0);
        // the next edge starts here, and carries this node's limits too
        stretchLimits = wayLimits && atLimit ? minLimits(wayLimits, atLimit) : wayLimits;
        edgeFrom.push(startTower);
        edgeTo.push(t);
        edgeLen.push(len);
        edgeFwd.push(fk > 0 ? len / (fk / 3.6) : Infinity);
        edgeBwd.push(bk > 0 ? len / (bk / 3.6) : Infinity);
        edgeWay.push(osm.wayId[w]);
        geomFirst.push(geomLon.length);
        // the next edge starts at this tower (dropped again if the way ends or breaks here)
        geomLon.push(osm.nodeLon[r]);
        geomLat.push(osm.nodeLat[r]);
        startTower = t;
        len = 0;
      }
    }
    geomLon.length = geomFirst[geomFirst.length - 1];
    geomLat.length = geomLon.length;
  }
  if (edgeFrom.length === 0) {
    throw new RoutingError(
      'no-routable-roads',
      `no road in the extract is usable by profile "${profile.name}"`,
    );
  }
  const graph: RoadGraph = {
    profile: profile.name,
    nodeCount,
    edgeCount: edgeFrom.length,
    nodeLon: nodeLon.toArray(),
    nodeLat: nodeLat.toArray(),
    edgeFrom: Uint32Array.from(edgeFrom),
    edgeTo: Uint32Array.from(edgeTo),
    edgeLengthM: edgeLen.toArray(),
    edgeDurationFwdS: edgeFwd.toArray(),
    edgeDurationBwdS: edgeBwd.toArray(),
    edgeGeomFirst: Uint32Array.from(geomFirst),
    geomLon: geomLon.toArray(),
    geomLat: geomLat.toArray(),
    edgeWayId: edgeWay.toArray(),
  };
  if (limits.count > 1 && profile.dimensions) {
    graph.edgeLimitClass = Uint32Array.from(edgeLimit);
    graph.limitTable = limits.table();
    graph.vehicleLimits = Float64Array.from(dimensionsVector(profile.dimensions));
  }
  if (profile.turnRestrictions !== false)
    applyTurnRules(
      graph,
      turnRules(osm, profile, graph, (id) => {
        const r = nodeIndex.get(id);
        return r === undefined ? -1 : tower[r];
      }),
    );
  return graph;
}

function minLimits(a: LimitVector, b: LimitVector): LimitVector {
  return [
    Math.min(a[0], b[0]),
    Math.min(a[1], b[1]),
    Math.min(a[2], b[2]),
    Math.min(a[3], b[3]),
    Math.min(a[4], b[4]),
  ];
}

/** Distinct limit vectors, numbered as met; class 0 is "no limit". */
class LimitClasses {
  private readonly ids = new Map<string, number>([
    [String([Infinity, Infinity, Infinity, Infinity, Infinity]), 0],
  ]);
  private readonly rows: LimitVector[] = [[Infinity, Infinity, Infinity, Infinity, Infinity]];
  get count(): number {
    return this.rows.length;
  }
  classOf(v: LimitVector): number {
    const key = String(v);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.rows.length;
      this.ids.set(key, id);
      this.rows.push(v);
    }
    return id;
  }
  table(): Float64Array {
    return Float64Array.from(this.rows.flat());
  }
}

/** The restriction value (`no_left_turn`, `only_straight_on`, …) that applies to the profile, or null. */
export function restrictionFor(profile: VehicleProfile, tags: OsmTags): string | null {
  const except = (tags.except ?? '').split(';').map((x) => x.trim());
  if (profile.restrictionVehicles.some((v) => except.includes(v))) return null;
  let value: string | undefined;
  for (const v of profile.restrictionVehicles) value ??= tags[`restriction:${v}`];
  value ??= tags.restriction;
  return value !== undefined && (value.startsWith('no_') || value.startsWith('only_')) ? value : null;
}

/**
 * Restriction relations as rules on this graph's edges. Kept: one `from` way, one `via` node that
 * is a graph node, `to` ways; the from (and to) way must meet the via node with exactly one edge
 * (as OSM requires), except `no_u_turn`, whose exit is the arriving edge turned around. Via-way
 * restrictions and conditional ones are skipped.
 */
function turnRules(
  osm: OsmData,
  profile: VehicleProfile,
  g: RoadGraph,
  towerOfOsmNode: (id: number) => number,
): TurnRule[] {
  if (osm.restrictions.length === 0) return [];
  // edges at each graph node
  const incident = new Map<number, number[]>();
  const add = (v: number, e: number): void => {
    const list = incident.get(v);
    if (list) list.push(e);
    else incident.set(v, [e]);
  };
  for (let e = 0; e < g.edgeCount; e++) {
    add(g.edgeFrom[e], e);
    if (g.edgeTo[e] !== g.edgeFrom[e]) add(g.edgeTo[e], e);
  }
  const rules: TurnRule[] = [];
  for (const r of osm.restrictions) {
    if (r.viaWays.length > 0 || r.viaNodes.length !== 1 || r.fromWays.length !== 1 || r.toWays.length === 0)
      continue;
    const value = restrictionFor(profile, r.tags);
    if (value === null) continue;
    const kind = value.startsWith('no_') ? 'no' : 'only';
    const via = towerOfOsmNode(r.viaNodes[0]);
    if (via < 0) continue;
    const edges = incident.get(via) ?? [];
    const arriving: number[] = [];
    for (const e of edges) {
      if (g.edgeWayId[e] !== r.fromWays[0]) continue;
      if (g.edgeTo[e] === via && g.edgeDurationFwdS[e] !== Infinity) arriving.push(e * 2);
      if (g.edgeFrom[e] === via && g.edgeDurationBwdS[e] !== Infinity) arriving.push(e * 2 + 1);
    }
    if (arriving.length !== 1) continue;
    let exits: number[] = [];
    if (value === 'no_u_turn' && r.toWays.length === 1 && r.toWays[0] === r.fromWays[0])
      exits = [arriving[0] ^ 1];
    else {
      for (const e of edges) {
        if (!r.toWays.includes(g.edgeWayId[e])) continue;
        if (g.edgeFrom[e] === via && g.edgeDurationFwdS[e] !== Infinity) exits.push(e * 2);
        if (g.edgeTo[e] === via && g.edgeDurationBwdS[e] !== Infinity) exits.push(e * 2 + 1);
      }
      if (exits.length !== r.toWays.length) continue;
    }
    rules.push({ via, fromEdgeDir: arriving[0], kind, exits });
  }
  return rules;
}
