import { OsmCollector, type OsmData } from '../osm/osm-data';
import type { OsmTags } from '../profiles';
import { M_PER_DEG_LAT, type LonLat } from '../geo';
import { seededRandom } from './rural-network';

export interface MountainCountyOptions {
  seed: number;
  /** South-west corner of the valley, [lon, lat]. Default [11.0, 47.0]. */
  origin?: LonLat;
  /** Villages on the valley floor and villages on the slopes above it. Defaults 4 and 5. */
  valleyVillages?: number;
  uplandVillages?: number;
}

export interface MountainCounty {
  osm: OsmData;
  /** The county hub on the valley floor (west end). */
  hub: LonLat;
  /** A drone port on the valley floor, off the road. */
  dronePort: LonLat;
  valleyVillages: LonLat[];
  /** Villages 2.5–4 km above the valley by air, reached only by long switchback tracks. */
  uplandVillages: LonLat[];
  /** Road length of each upland village's switchback track (metres), for reports. */
  switchbackLengthM: number[];
  /** An airfield on the valley floor: a rectangle, outer ring counter-clockwise (RFC 7946). */
  airport: { type: 'Polygon'; coordinates: number[][][] };
  villages: LonLat[];
  bbox: [number, number, number, number];
}

const TAGS = {
  street: { highway: 'residential' },
  valley: { highway: 'tertiary' },
  switchback: { highway: 'track', tracktype: 'grade2', surface: 'gravel' },
} as const satisfies Record<string, OsmTags>;

const VALLEY_SPACING_M = 4_000;
const HAIRPIN_HALF_WIDTH_M = 700;

/**
 * A generated mountain county (additive to the rural county): a valley road with villages on the valley
 * floor, and villages on the slopes above it, each reached by a switchback track that climbs in long
 * hairpins (10+ km of gravel for 2.5–4 km as the crow flies). A drone port sits on the valley floor and an
 * airfield lies between it and the eastern slopes, so flights there must go around it. Seeded and
 * deterministic; no elevation model (the hairpins carry the cost of the climb).
 */
export function generateMountainCounty(options: MountainCountyOptions): MountainCounty {
  const rnd = seededRandom(options.seed);
  const [lon0, lat0] = options.origin ?? [11.0, 47.0];
  const valleyCount = Math.max(2, options.valleyVillages ?? 4);
  const uplandCount = Math.max(1, options.uplandVillages ?? 5);
  const kx = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG_LAT;
  const out = new OsmCollector();
  let nextNode = 1;
  let nextWay = 1;
  const toLonLat = (x: number, y: number): LonLat => [lon0 + x / kx, lat0 + y / M_PER_DEG_LAT];
  const node = (x: number, y: number): number => {
    const id = nextNode++;
    const [lon, lat] = toLonLat(x, y);
    out.addNode(id, lon, lat);
    return id;
  };
  const way = (refs: number[], tags: OsmTags): void => out.addWay(nextWay++, refs, tags);
  const valleyEndM = (valleyCount - 1) * VALLEY_SPACING_M + 2_000;

  // The valley road: west to east along y = 0 with shape points every 150 m; junction ids by x (metres).
  const roadIds: number[] = [];
  const roadX: number[] = [];
  for (let x = -1_000; x <= valleyEndM; x += 150) {
    roadIds.push(node(x, (rnd() - 0.5) * 30));
    roadX.push(x);
  }
  way(roadIds, TAGS.valley);
  const roadNodeNear = (x: number): number => {
    let best = 0;
    for (let i = 1; i < roadX.length; i++) if (Math.abs(roadX[i] - x) < Math.abs(roadX[best] - x)) best = i;
    return roadIds[best];
  };

  /** A 3×3 street grid centred on (x, y), joined to `joinTo` at its south-west corner. */
  const village = (x: number, y: number, joinTo: number): LonLat => {
    const grid: number[][] = [];
    for (let i = 0; i < 3; i++) {
      grid.push([]);
      for (let j = 0; j < 3; j++) grid[i].push(node(x + (j - 1) * 90, y + (i - 1) * 90));
    }
    for (let i = 0; i < 3; i++) {
      way(grid[i], TAGS.street);
      way(
        grid.map((row) => row[i]),
        TAGS.street,
      );
    }
    way([joinTo, grid[0][0]], TAGS.street);
    return toLonLat(x, y);
  };

  const valleyVillages: LonLat[] = [];
  for (let v = 0; v < valleyCount; v++) {
    const x = v * VALLEY_SPACING_M;
    valleyVillages.push(village(x, 200, roadNodeNear(x)));
  }

  // Upland villages: spread along the valley, 2.5–4 km up the slope, each at the top of its switchbacks.
  const uplandVillages: LonLat[] = [];
  const switchbackLengthM: number[] = [];
  for (let u = 0; u < uplandCount; u++) {
    const x = 1_500 + (u * (valleyEndM - 2_500)) / Math.max(1, uplandCount - 1) + (rnd() - 0.5) * 400;
    const topY = 2_500 + rnd() * 1_500;
    const legs = 8 + Math.floor(rnd() * 4);
    let prev = roadNodeNear(x);
    let [px, py] = [x, 0];
    const refs = [prev];
    let lengthM = 0;
    for (let leg = 1; leg <= legs; leg++) {
      const side = leg % 2 === 1 ? 1 : -1;
      const ex = leg === legs ? x : x + side * HAIRPIN_HALF_WIDTH_M;
      const ey = (topY * leg) / legs;
      const steps = Math.max(1, Math.round(Math.hypot(ex - px, ey - py) / 150));
      for (let s = 1; s <= steps; s++) {
        const t = s / steps;
        refs.push(node(px + (ex - px) * t + (rnd() - 0.5) * 10, py + (ey - py) * t));
      }
      lengthM += Math.hypot(ex - px, ey - py);
      [px, py] = [ex, ey];
    }
    prev = refs[refs.length - 1];
    way(refs, TAGS.switchback);
    uplandVillages.push(village(x, topY + 150, prev));
    switchbackLengthM.push(Math.round(lengthM));
  }

  const hub = valleyVillages[0];
  const portX = Math.round(valleyEndM * 0.45);
  const dronePort = toLonLat(portX, -350);
  // The airfield: 1.4 km × 2.8 km on the valley floor east of the port, reaching up the lower slope.
  const ax = portX + 3_000;
  const ring = [
    toLonLat(ax, -600),
    toLonLat(ax + 1_400, -600),
    toLonLat(ax + 1_400, 2_200),
    toLonLat(ax, 2_200),
    toLonLat(ax, -600),
  ];
  const osm = out.finish();
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < osm.nodeCount; i++) {
    minLon = Math.min(minLon, osm.nodeLon[i]);
    maxLon = Math.max(maxLon, osm.nodeLon[i]);
    minLat = Math.min(minLat, osm.nodeLat[i]);
    maxLat = Math.max(maxLat, osm.nodeLat[i]);
  }
  return {
    osm,
    hub,
    dronePort,
    valleyVillages,
    uplandVillages,
    switchbackLengthM,
    airport: { type: 'Polygon', coordinates: [ring] },
    villages: [...valleyVillages, ...uplandVillages],
    bbox: [minLon, minLat, maxLon, maxLat],
  };
}
