import { seededRandom } from '@rd/routing';
import type { AirspaceInput, CorridorInput, LandingSpot, LoweringMethod, NoFlyZoneInput } from './airspace';
import type { LonLat } from './types';

export interface SyntheticAirspaceOptions {
  seed: number;
  /** Centre of the county (default [100.2, 25.6], a Yunnan valley) and its radius in metres (default 25 km). */
  center?: LonLat;
  radiusM?: number;
  zones?: number;
  /** Corridors, spread evenly over the first `corridorPorts` ports (default 50 over 5). */
  corridors?: number;
  corridorPorts?: number;
  ports?: number;
  /** Landing spots of each port without corridors (default 20). */
  spotsPerFreePort?: number;
}

export interface SyntheticPort {
  id: string;
  point: LonLat;
  /** Landing spots this port serves (its corridor ends, or free spots around it). */
  spotIds: string[];
}

export interface SyntheticAirspace {
  input: AirspaceInput;
  ports: SyntheticPort[];
  spots: LandingSpot[];
}

const LOWERINGS: LoweringMethod[] = ['land', 'winch', 'parachute'];

/**
 * A seeded county of drone ports, landing spots, corridors and no-fly zones for tests and benchmarks: circles
 * and star-shaped polygons, some active only part of the day or only above the usual cruise height. Ports and
 * spots stay clear of zones; most zones also keep clear of corridors, a few cross them.
 */
export function generateSyntheticAirspace(options: SyntheticAirspaceOptions): SyntheticAirspace {
  const random = seededRandom(options.seed);
  const center = options.center ?? [100.2, 25.6];
  const radiusM = options.radiusM ?? 25_000;
  const zoneCount = options.zones ?? 500;
  const corridorCount = options.corridors ?? 50;
  const portCount = options.ports ?? 10;
  const corridorPorts = Math.min(portCount, options.corridorPorts ?? 5);
  const spotsPerFreePort = options.spotsPerFreePort ?? 20;
  const mPerDegLat = 111_195;
  const mPerDegLon = mPerDegLat * Math.cos((center[1] * Math.PI) / 180);
  const at = (x: number, y: number): LonLat => [center[0] + x / mPerDegLon, center[1] + y / mPerDegLat];
  const inDisc = (r: number): [number, number] => {
    const a = random() * 2 * Math.PI;
    const d = r * Math.sqrt(random());
    return [d * Math.cos(a), d * Math.sin(a)];
  };

  const ports: Array<SyntheticPort & { x: number; y: number }> = [];
  for (let p = 0; p < portCount; p++) {
    const [x, y] = inDisc(radiusM * 0.7);
    ports.push({ id: `port-${p}`, point: at(x, y), spotIds: [], x, y });
  }
  const spots: Array<LandingSpot & { x: number; y: number }> = [];
  const addSpot = (port: SyntheticPort, x: number, y: number) => {
    const spot = {
      id: `spot-${spots.length}`,
      point: at(x, y),
      clearRadiusM: 5 + Math.floor(random() * 15),
      lowering: LOWERINGS[Math.floor(random() * LOWERINGS.length)],
      x,
      y,
    };
    spots.push(spot);
    port.spotIds.push(spot.id);
  };

  // Corridors: from a port to a spot 3–10 km away with one bend, 150–300 m half-width.
  const corridors: CorridorInput[] = [];
  const corridorLines: Array<{ xs: number[]; ys: number[]; halfWidthM: number }> = [];
  for (let c = 0; c < corridorCount && corridorPorts > 0; c++) {
    const port = ports[c % corridorPorts];
    const bearing = random() * 2 * Math.PI;
    const lengthM = 3000 + random() * 7000;
    const ex = port.x + lengthM * Math.cos(bearing);
    const ey = port.y + lengthM * Math.sin(bearing);
    const bend = (random() - 0.5) * 2000;
    const mx = (port.x + ex) / 2 - bend * Math.sin(bearing);
    const my = (port.y + ey) / 2 + bend * Math.cos(bearing);
    const halfWidthM = 150 + random() * 150;
    addSpot(port, ex, ey);
    corridors.push({
      id: `corridor-${c}`,
      portIds: [port.id],
      shape: { kind: 'line', line: [port.point, at(mx, my), at(ex, ey)], halfWidthM },
      floorM: 30,
      ceilingM: 120,
      altitudeReference: 'above_ground',
    });
    corridorLines.push({ xs: [port.x, mx, ex], ys: [port.y, my, ey], halfWidthM });
  }
  for (let p = corridorPorts; p < portCount; p++) {
    for (let s = 0; s < spotsPerFreePort; s++) {
      const a = random() * 2 * Math.PI;
      const d = 2000 + random() * 10_000;
      addSpot(ports[p], ports[p].x + d * Math.cos(a), ports[p].y + d * Math.sin(a));
    }
  }

  const zones: NoFlyZoneInput[] = [];
  const clearOfEnds = (x: number, y: number, r: number) =>
    ports.every((p) => Math.hypot(p.x - x, p.y - y) > r + 300) &&
    spots.every((s) => Math.hypot(s.x - x, s.y - y) > r + 300);
  const crossesCorridor = (x: number, y: number, r: number) =>
    corridorLines.some((line) => {
      for (let i = 1; i < line.xs.length; i++) {
        if (
          distanceToSegment(x, y, line.xs[i - 1], line.ys[i - 1], line.xs[i], line.ys[i]) <
          r + line.halfWidthM + 100
        )
          return true;
      }
      return false;
    });
  for (let attempt = 0; zones.length < zoneCount && attempt < zoneCount * 50; attempt++) {
    const [x, y] = inDisc(radiusM);
    const circle = random() < 0.4;
    const r = circle ? 100 + random() * 600 : 150 + random() * 750;
    if (!clearOfEnds(x, y, r)) continue;
    if (crossesCorridor(x, y, r) && random() < 0.8) continue;
    const id = `zone-${zones.length}`;
    const zone: NoFlyZoneInput = circle
      ? {
          id,
          shape: { kind: 'circle', center: at(x, y), radiusM: r },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_ground',
        }
      : {
          id,
          shape: { kind: 'polygon', polygon: starPolygon(random, x, y, r, at) },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_ground',
        };
    const kind = random();
    if (kind < 0.15) {
      const fromMinuteUtc = Math.floor(random() * 20) * 60;
      zone.activity = {
        dailyUtc: [{ fromMinuteUtc, toMinuteUtc: fromMinuteUtc + (2 + Math.floor(random() * 4)) * 60 }],
      };
    } else if (kind < 0.25) {
      zone.floorM = 150;
      zone.ceilingM = 600;
    }
    zones.push(zone);
  }

  return {
    input: { zones, corridors, safetyBufferM: 50 },
    ports: ports.map(({ id, point, spotIds }) => ({ id, point, spotIds })),
    spots: spots.map(({ id, point, clearRadiusM, lowering }) => ({ id, point, clearRadiusM, lowering })),
  };
}

/** A star-shaped polygon (simple by construction: one vertex per angle step, radius 55–100 % of r). */
function starPolygon(
  random: () => number,
  x: number,
  y: number,
  r: number,
  at: (x: number, y: number) => LonLat,
): { type: 'Polygon'; coordinates: number[][][] } {
  const corners = 4 + Math.floor(random() * 7);
  const ring: LonLat[] = [];
  for (let k = 0; k < corners; k++) {
    const angle = (2 * Math.PI * k) / corners;
    const d = r * (0.55 + 0.45 * random());
    ring.push(at(x + d * Math.cos(angle), y + d * Math.sin(angle)));
  }
  ring.push(ring[0]);
  return { type: 'Polygon', coordinates: [ring] };
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}
