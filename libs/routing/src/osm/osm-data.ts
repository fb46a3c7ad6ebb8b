import type { OsmTags } from '../profiles';

/**
 * What the OSM readers hand to the graph builder: every node's coordinates and the ways that carry a
 * `highway` tag (the only ones a road profile can use), refs as OSM node ids.
 */
export interface OsmData {
  nodeCount: number;
  nodeId: Float64Array;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  wayCount: number;
  wayId: Float64Array;
  /** Refs of way i are `wayRefs[wayRefFirst[i] .. wayRefFirst[i + 1])`. */
  wayRefFirst: Uint32Array;
  wayRefs: Float64Array;
  wayTags: OsmTags[];
  /** Tags of nodes carrying a `barrier` tag or a dimension limit (`maxheight`, …; see NODE_KEYS_KEPT), by OSM node id. */
  barriers: Map<number, OsmTags>;
  /** Relations tagged `type=restriction` (turn restrictions). */
  restrictions: OsmRestriction[];
}

/** A turn restriction relation: `from` way(s), `via` node(s) or way(s), `to` way(s). */
export interface OsmRestriction {
  id: number;
  tags: OsmTags;
  fromWays: number[];
  viaNodes: number[];
  viaWays: number[];
  toWays: number[];
}

/** Sorts a relation's members into an OsmRestriction (type: 0 node, 1 way, 2 relation). */
export function restrictionFromMembers(
  id: number,
  tags: OsmTags,
  memberIds: number[],
  memberTypes: number[],
  roles: string[],
): OsmRestriction {
  const r: OsmRestriction = { id, tags, fromWays: [], viaNodes: [], viaWays: [], toWays: [] };
  for (let i = 0; i < memberIds.length; i++) {
    const t = memberTypes[i];
    const role = roles[i];
    if (role === 'from' && t === 1) r.fromWays.push(memberIds[i]);
    else if (role === 'to' && t === 1) r.toWays.push(memberIds[i]);
    else if (role === 'via' && t === 0) r.viaNodes.push(memberIds[i]);
    else if (role === 'via' && t === 1) r.viaWays.push(memberIds[i]);
  }
  return r;
}

/** A growable Float64Array. */
/** Node tags that make a node worth keeping: barriers and physical limits at a point (an underpass, a bridge). */
export const NODE_KEYS_KEPT: ReadonlySet<string> = new Set([
  'barrier',
  'maxheight',
  'maxheight:physical',
  'maxwidth',
  'maxwidth:physical',
  'maxlength',
  'maxweight',
  'maxaxleload',
]);

export class F64List {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export class OsmCollector {
  private nodeId = new F64List(1 << 16);
  private nodeLon = new F64List(1 << 16);
  private nodeLat = new F64List(1 << 16);
  private wayId = new F64List(1 << 12);
  private wayRefs = new F64List(1 << 16);
  private wayRefFirst: number[] = [0];
  private wayTags: OsmTags[] = [];
  private barriers = new Map<number, OsmTags>();
  private restrictions: OsmRestriction[] = [];

  addRestriction(r: OsmRestriction): void {
    this.restrictions.push(r);
  }

  addBarrier(id: number, tags: OsmTags): void {
    this.barriers.set(id, tags);
  }

  addNode(id: number, lon: number, lat: number): void {
    this.nodeId.push(id);
    this.nodeLon.push(lon);
    this.nodeLat.push(lat);
  }

  /** Keeps the way only if it carries a highway tag. */
  addWay(id: number, refs: ArrayLike<number>, tags: OsmTags): void {
    if (tags.highway === undefined || refs.length < 2) return;
    this.wayId.push(id);
    for (let i = 0; i < refs.length; i++) this.wayRefs.push(refs[i]);
    this.wayRefFirst.push(this.wayRefs.length);
    this.wayTags.push(tags);
  }

  finish(): OsmData {
    return {
      nodeCount: this.nodeId.length,
      nodeId: this.nodeId.toArray(),
      nodeLon: this.nodeLon.toArray(),
      nodeLat: this.nodeLat.toArray(),
      wayCount: this.wayId.length,
      wayId: this.wayId.toArray(),
      wayRefFirst: Uint32Array.from(this.wayRefFirst),
      wayRefs: this.wayRefs.toArray(),
      wayTags: this.wayTags,
      barriers: this.barriers,
      restrictions: this.restrictions,
    };
  }
}
