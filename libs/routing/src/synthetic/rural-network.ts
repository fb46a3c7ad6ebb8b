import { buildRoadGraphs } from '../import-osm';
import { OsmCollector, type OsmData } from '../osm/osm-data';
import { MOTORBIKE, VAN, type OsmTags, type VehicleProfile } from '../profiles';
import type { RoadGraph } from '../road-graph';
import { M_PER_DEG_LAT, type LonLat } from '../geo';

/** A seeded PRNG (mulberry32): the same seed gives the same county. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RuralNetworkOptions {
  seed: number;
  /** Roughly how many graph nodes (junctions and dead ends) to make; villages scale with it. Default 20,000. */
  targetNodes?: number;
  /** South-west corner of the county, [lon, lat]. Default [11.0, 49.0]. */
  origin?: LonLat;
  /** Distance between neighbouring villages in metres. Default 2,500. */
  villageSpacingM?: number;
}

export interface RuralNetwork {
  osm: OsmData;
  /** Village centres, [lon, lat]: handy as depots and stop clusters. */
  villages: LonLat[];
  bbox: [number, number, number, number];
}

const TAGS = {
  street: { highway: 'residential' },
  lane: { highway: 'residential', surface: 'paving_stones' },
  road: { highway: 'unclassified' },
  tertiary: { highway: 'tertiary' },
  highway: { highway: 'primary', maxspeed: '80' },
  highwayOneway: { highway: 'primary', maxspeed: '80', oneway: 'yes' },
  trackGood: { highway: 'track', tracktype: 'grade2', surface: 'gravel' },
  trackRough: { highway: 'track', tracktype: 'grade3', surface: 'dirt' },
  trackBad: { highway: 'track', tracktype: 'grade4', surface: 'ground' },
  driveway: { highway: 'service' },
  privateDrive: { highway: 'service', access: 'private' },
} as const satisfies Record<string, OsmTags>;

/**
 * A generated rural county, as OSM-like data (so the same profiles and graph builder apply):
 * villages of small street grids on a jittered lattice, joined by winding roads and tracks with
 * shape points every ~150 m, farmsteads on spurs along them, dead-end field tracks, and a few
 * primary highways crossing the county (one with a dual-carriageway oneway stretch). Seeded and
 * deterministic. About 25 graph nodes per village.
 */
export function generateRuralNetwork(options: RuralNetworkOptions): RuralNetwork {
  const rnd = seededRandom(options.seed);
  const target = options.targetNodes ?? 20_000;
  const [lon0, lat0] = options.origin ?? [11.0, 49.0];
  const spacing = options.villageSpacingM ?? 2500;
  const villageCount = Math.max(4, Math.round(target / 24.6));
  const cols = Math.max(2, Math.round(Math.sqrt(villageCount)));
  const rows = Math.max(2, Math.ceil(villageCount / cols));
  const kx = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG_LAT;
  const out = new OsmCollector();
  let nextNode = 1;
  let nextWay = 1;
  const node = (x: number, y: number): number => {
    const id = nextNode++;
    out.addNode(id, lon0 + x / kx, lat0 + y / M_PER_DEG_LAT);
    return id;
  };
  const way = (refs: number[], tags: OsmTags): void => out.addWay(nextWay++, refs, tags);
  /** Shape points of a winding road from (x0,y0) to (x1,y1), ends excluded. */
  const winding = (x0: number, y0: number, x1: number, y1: number, wiggle: number): number[] => {
    const len = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.round(len / 150));
    const nx = -(y1 - y0) / (len || 1);
    const ny = (x1 - x0) / (len || 1);
    const phase = rnd() * Math.PI * 2;
    const waves = 1 + Math.floor(rnd() * 3);
    const amp = wiggle * (0.3 + rnd());
    const ids: number[] = [];
    for (let s = 1; s < steps; s++) {
      const t = s / steps;
      const off =
        Math.sin(phase + t * Math.PI * 2 * waves) * amp * Math.sin(t * Math.PI) + (rnd() - 0.5) * 20;
      ids.push(node(x0 + (x1 - x0) * t + nx * off, y0 + (y1 - y0) * t + ny * off));
    }
    return ids;
  };

  // villages: a jittered lattice; each a k×k street grid, its four corners used by roads
  interface Village {
    x: number;
    y: number;
    corners: number[]; // node ids: sw, se, ne, nw
    cornerXY: Array<[number, number]>;
  }
  const villages: Village[] = [];
  const centres: LonLat[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = c * spacing + (rnd() - 0.5) * spacing * 0.5;
      const y = r * spacing + (rnd() - 0.5) * spacing * 0.5;
      const k = 3 + Math.floor(rnd() * 4); // 3..6 streets each way
      const step = 70 + rnd() * 40;
      const grid: number[][] = [];
      const gxy: Array<Array<[number, number]>> = [];
      for (let i = 0; i < k; i++) {
        grid.push([]);
        gxy.push([]);
        for (let j = 0; j < k; j++) {
          const px = x + (j - (k - 1) / 2) * step + (rnd() - 0.5) * 15;
          const py = y + (i - (k - 1) / 2) * step + (rnd() - 0.5) * 15;
          grid[i].push(node(px, py));
          gxy[i].push([px, py]);
        }
      }
      for (let i = 0; i < k; i++) {
        // main street through the middle rows is residential; outer lanes sometimes paved stones
        way(grid[i], i === 0 || i === k - 1 ? TAGS.lane : TAGS.street);
        way(
          grid.map((row) => row[i]),
          TAGS.street,
        );
      }
      villages.push({
        x,
        y,
        corners: [grid[0][0], grid[0][k - 1], grid[k - 1][k - 1], grid[k - 1][0]],
        cornerXY: [gxy[0][0], gxy[0][k - 1], gxy[k - 1][k - 1], gxy[k - 1][0]],
      });
      centres.push([lon0 + x / kx, lat0 + y / M_PER_DEG_LAT]);
      // dead-end field tracks
      const tracks = 1 + Math.floor(rnd() * 3);
      for (let t = 0; t < tracks; t++) {
        const a = Math.floor(rnd() * 4);
        const [cx, cy] = villages[villages.length - 1].cornerXY[a];
        const ang = rnd() * Math.PI * 2;
        const len = 300 + rnd() * 700;
        const ex = cx + Math.cos(ang) * len;
        const ey = cy + Math.sin(ang) * len;
        const kind = rnd();
        way(
          [villages[villages.length - 1].corners[a], ...winding(cx, cy, ex, ey, 40), node(ex, ey)],
          kind < 0.4 ? TAGS.trackGood : kind < 0.75 ? TAGS.trackRough : TAGS.trackBad,
        );
      }
    }
  }

  // roads between neighbouring villages: east and north neighbours, sometimes a diagonal
  const connect = (
    a: Village,
    ca: number,
    b: Village,
    cb: number,
    tags: OsmTags,
    wiggle: number,
    farmsteads: boolean,
  ): void => {
    const [x0, y0] = a.cornerXY[ca];
    const [x1, y1] = b.cornerXY[cb];
    const shape = winding(x0, y0, x1, y1, wiggle);
    if (farmsteads && shape.length > 4 && rnd() < 0.7) {
      // a farmstead on a spur from a shape point (which becomes a junction)
      const at = 1 + Math.floor(rnd() * (shape.length - 2));
      const len = 80 + rnd() * 250;
      const fx = x0 + (x1 - x0) * ((at + 1) / (shape.length + 1)) + (rnd() - 0.5) * len;
      const fy = y0 + (y1 - y0) * ((at + 1) / (shape.length + 1)) + (rnd() - 0.5) * len;
      way([shape[at], node(fx, fy)], rnd() < 0.15 ? TAGS.privateDrive : TAGS.driveway);
    }
    way([a.corners[ca], ...shape, b.corners[cb]], tags);
  };
  const roadTags = (): OsmTags => {
    const u = rnd();
    return u < 0.45
      ? TAGS.road
      : u < 0.7
        ? TAGS.tertiary
        : u < 0.85
          ? TAGS.trackGood
          : u < 0.95
            ? TAGS.trackRough
            : TAGS.trackBad;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = villages[r * cols + c];
      if (!v) continue;
      const east = c + 1 < cols ? villages[r * cols + c + 1] : undefined;
      const north = r + 1 < rows ? villages[(r + 1) * cols + c] : undefined;
      if (east) connect(v, 1, east, 0, roadTags(), 150, true);
      if (north) connect(v, 3, north, 0, roadTags(), 150, true);
      const ne = c + 1 < cols && r + 1 < rows ? villages[(r + 1) * cols + c + 1] : undefined;
      if (ne && rnd() < 0.2) connect(v, 2, ne, 0, TAGS.trackRough, 200, false);
    }
  }
  // a few primary highways: every ~6th row, west to east, through the villages' north-east corners
  for (let r = 2; r < rows; r += 6) {
    for (let c = 0; c + 1 < cols; c++) {
      const a = villages[r * cols + c];
      const b = villages[r * cols + c + 1];
      if (!a || !b) continue;
      const [x0, y0] = a.cornerXY[2];
      const [x1, y1] = b.cornerXY[2];
      const shape = winding(x0, y0, x1, y1, 30);
      if (c % 5 === 2) {
        // dual carriageway: two oneway ways
        way([a.corners[2], ...shape, b.corners[2]], TAGS.highwayOneway);
        way([b.corners[2], ...winding(x1, y1 + 20, x0, y0 + 20, 30), a.corners[2]], TAGS.highwayOneway);
      } else way([a.corners[2], ...shape, b.corners[2]], TAGS.highway);
    }
  }
  const osm = out.finish();
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (let i = 0; i < osm.nodeCount; i++) {
    minLon = Math.min(minLon, osm.nodeLon[i]);
    maxLon = Math.max(maxLon, osm.nodeLon[i]);
    minLat = Math.min(minLat, osm.nodeLat[i]);
    maxLat = Math.max(maxLat, osm.nodeLat[i]);
  }
  return { osm, villages: centres, bbox: [minLon, minLat, maxLon, maxLat] };
}

/** Generates a county and builds its road graph per profile (van and motorbike by default). */
export function generateRuralGraphs(
  options: RuralNetworkOptions,
  profiles: readonly VehicleProfile[] = [VAN, MOTORBIKE],
): Record<string, RoadGraph> {
  return buildRoadGraphs(generateRuralNetwork(options).osm, profiles);
}
