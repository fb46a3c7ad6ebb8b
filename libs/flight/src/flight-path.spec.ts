import { haversineM, MinHeap, seededRandom } from '@rd/routing';
import { booleanPointInPolygon, pointToPolygonDistance } from '@turf/turf';
import { buildAirspace, type Airspace, type CorridorInput, type NoFlyZoneInput } from './airspace';
import {
  FlightPathCache,
  planFlightPath,
  resolveFlightScope,
  SegmentChecker,
  type FlightPathOptions,
  type FlightPathResult,
} from './flight-path';
import { generateSyntheticAirspace } from './synthetic-airspace';
import { pointStrictlyInside, projectX, projectY } from './local-geometry';
import type { GeoJsonPolygon, LonLat } from './types';

const ORIGIN: LonLat = [100.2, 25.6];
const M_PER_DEG_LAT = 111_195;
/** A point `eastM`, `northM` metres from ORIGIN (equirectangular; fine at a few km). */
function at(eastM: number, northM: number): LonLat {
  return [
    ORIGIN[0] + eastM / (M_PER_DEG_LAT * Math.cos((ORIGIN[1] * Math.PI) / 180)),
    ORIGIN[1] + northM / M_PER_DEG_LAT,
  ];
}
function rect(x0: number, y0: number, x1: number, y1: number, holes: number[][] = []): GeoJsonPolygon {
  const ring = (a: number, b: number, c: number, d: number) => [
    at(a, b),
    at(c, b),
    at(c, d),
    at(a, d),
    at(a, b),
  ];
  return {
    type: 'Polygon',
    coordinates: [ring(x0, y0, x1, y1), ...holes.map(([a, b, c, d]) => ring(a, b, c, d).reverse())],
  };
}
function zone(id: string, polygon: GeoJsonPolygon, extra: Partial<NoFlyZoneInput> = {}): NoFlyZoneInput {
  return {
    id,
    shape: { kind: 'polygon', polygon },
    floorM: 0,
    ceilingM: 500,
    altitudeReference: 'above_ground',
    ...extra,
  };
}
const OPTIONS = { atMs: Date.UTC(2026, 5, 1, 9), cruiseAltitudeAglM: 80 };
const BUFFER_M = 50;

function airspaceOf(zones: NoFlyZoneInput[], corridors: CorridorInput[] = []): Airspace {
  const { airspace, rejected } = buildAirspace({ zones, corridors, safetyBufferM: BUFFER_M });
  expect(rejected).toEqual([]);
  return airspace;
}

function ok(result: FlightPathResult): { path: LonLat[]; distanceM: number } {
  if (!result.ok) throw new Error(`expected a path, got ${result.code}: ${result.reason}`);
  return result;
}

/** Points every `stepM` along a lon/lat path. */
function samples(path: LonLat[], stepM: number): LonLat[] {
  const out: LonLat[] = [];
  for (let i = 1; i < path.length; i++) {
    const [a, b] = [path[i - 1], path[i]];
    const n = Math.max(1, Math.ceil(haversineM(a[0], a[1], b[0], b[1]) / stepM));
    for (let k = 0; k <= n; k++) out.push([a[0] + ((b[0] - a[0]) * k) / n, a[1] + ((b[1] - a[1]) * k) / n]);
  }
  return out;
}

/** Independent check with Turf: every sample is outside each zone by at least ~the buffer (arcs are chords). */
function expectClearOf(path: LonLat[], zones: GeoJsonPolygon[], minDistanceM: number): void {
  for (const p of samples(path, 40)) {
    for (const z of zones) {
      const d = pointToPolygonDistance(p, z, { units: 'meters' });
      if (d < minDistanceM)
        throw new Error(`sample ${p} is ${d.toFixed(2)} m from a zone (< ${minDistanceM} m)`);
    }
  }
}

describe('planFlightPath', () => {
  const from = { portId: 'port-1', point: at(-2000, 0) };

  it('flies straight when nothing is in the way', () => {
    const airspace = airspaceOf([zone('far', rect(5000, 5000, 6000, 6000))]);
    const to = at(2000, 0);
    const { path, distanceM } = ok(planFlightPath(airspace, from, to, OPTIONS));
    expect(path).toEqual([from.point, to]);
    expect(distanceM).toBeCloseTo(haversineM(from.point[0], from.point[1], to[0], to[1]), 6);
  });

  it('goes around one circular zone along the tangents, as short as geometry allows', () => {
    const radiusM = 500;
    const center = at(0, 0);
    const airspace = airspaceOf([
      {
        id: 'school',
        shape: { kind: 'circle', center, radiusM },
        floorM: 0,
        ceilingM: 120,
        altitudeReference: 'above_ground',
      },
    ]);
    const to = at(2000, 0);
    const { path, distanceM } = ok(planFlightPath(airspace, from, to, OPTIONS));
    expect(path.length).toBeGreaterThan(2);
    // Around a disc of radius R from points at distance d on either side: 2 √(d² − R²) + R (π − 2 acos(R/d)).
    const R = radiusM + BUFFER_M;
    const d = 2000;
    const aroundDiscM = 2 * Math.sqrt(d * d - R * R) + R * (Math.PI - 2 * Math.acos(R / d));
    expect(distanceM).toBeGreaterThanOrEqual(aroundDiscM * 0.999);
    expect(distanceM).toBeLessThan(aroundDiscM * 1.01);
    for (const p of samples(path, 5)) {
      expect(haversineM(p[0], p[1], center[0], center[1])).toBeGreaterThanOrEqual(R - 0.5);
    }
  });

  it('goes around a polygon zone and keeps the safety buffer', () => {
    const block = rect(-300, -1500, 300, 400);
    const airspace = airspaceOf([zone('military', block)]);
    const { path, distanceM } = ok(planFlightPath(airspace, from, at(2000, 0), OPTIONS));
    expect(distanceM).toBeGreaterThan(4000);
    // Shorter way is over the north edge (400 m + buffer up, not 1500 m down).
    expect(Math.max(...path.map((p) => p[1]))).toBeGreaterThan(at(0, 400 + BUFFER_M)[1] - 1e-9);
    expectClearOf(path, [block], BUFFER_M * 0.97);
  });

  it('keeps inside a narrow dog-leg corridor instead of cutting the corner', () => {
    const corridor: CorridorInput = {
      id: 'lane-1',
      portIds: ['port-1'],
      shape: {
        kind: 'line',
        line: [from.point, at(-2000, 2000), at(2000, 2000), at(2000, 0)],
        halfWidthM: 60,
      },
      floorM: 30,
      ceilingM: 120,
      altitudeReference: 'above_ground',
    };
    const airspace = airspaceOf([], [corridor]);
    const to = at(2000, 0);
    const { path, distanceM } = ok(planFlightPath(airspace, from, to, OPTIONS));
    // The inside of the two corners: about 2 × 1,940 + 3,880 m; the straight line would be 4,000 m.
    expect(distanceM).toBeGreaterThan(7500);
    expect(distanceM).toBeLessThan(8000);
    for (const p of samples(path, 5))
      expect(booleanPointInPolygon(p, airspace.corridorPolygons[0])).toBe(true);
    // Without the port (free flight) the same query is straight.
    expect(ok(planFlightPath(airspace, { point: from.point }, to, OPTIONS)).path).toHaveLength(2);
    // A destination off the corridor is refused with its code; so is a cruise altitude outside the band.
    expect(planFlightPath(airspace, from, at(0, 0), OPTIONS)).toMatchObject({
      ok: false,
      code: 'outside_corridor',
    });
    expect(planFlightPath(airspace, from, to, { ...OPTIONS, cruiseAltitudeAglM: 150 })).toMatchObject({
      ok: false,
      code: 'outside_corridor',
    });
  });

  it('finds no path when a zone seals the port in, and says why when an end is inside a zone', () => {
    const ring = zone('ring', rect(-3000, -1000, -1000, 1000, [[-2500, -500, -1500, 500]]));
    const airspace = airspaceOf([ring]);
    expect(planFlightPath(airspace, from, at(2000, 0), OPTIONS)).toMatchObject({
      ok: false,
      code: 'no_flight_path',
    });
    expect(planFlightPath(airspace, { point: at(-2800, 0) }, at(2000, 0), OPTIONS)).toMatchObject({
      ok: false,
      code: 'start_in_zone',
    });
    // Within the safety buffer counts as inside.
    expect(planFlightPath(airspace, { point: at(2000, 0) }, at(-970, 0), OPTIONS)).toMatchObject({
      ok: false,
      code: 'end_in_zone',
    });
  });

  it('routes around a zone active only in the afternoon at 15:00 and flies straight at 09:00', () => {
    const afternoon = zone('market-day', rect(-200, -800, 200, 800), {
      activity: { dailyUtc: [{ fromMinuteUtc: 12 * 60, toMinuteUtc: 18 * 60 }] },
    });
    const airspace = airspaceOf([afternoon]);
    const to = at(2000, 0);
    const morning = ok(planFlightPath(airspace, from, to, { ...OPTIONS, atMs: Date.UTC(2026, 5, 1, 9) }));
    const later = ok(planFlightPath(airspace, from, to, { ...OPTIONS, atMs: Date.UTC(2026, 5, 1, 15) }));
    expect(morning.path).toHaveLength(2);
    expect(later.path.length).toBeGreaterThan(2);
    expect(later.distanceM).toBeGreaterThan(morning.distanceM + 200);
  });

  it('ignores a zone whose altitude band is above the cruise altitude', () => {
    const high = zone('approach', rect(-200, -800, 200, 800), { floorM: 150, ceilingM: 600 });
    const airspace = airspaceOf([high]);
    expect(ok(planFlightPath(airspace, from, at(2000, 0), OPTIONS)).path).toHaveLength(2);
    expect(
      ok(planFlightPath(airspace, from, at(2000, 0), { ...OPTIONS, cruiseAltitudeAglM: 200 })).path.length,
    ).toBeGreaterThan(2);
    // AMSL bands compare with take-off elevation + cruise; unknown elevation counts as inside the band.
    const amsl = airspaceOf([
      zone('amsl', rect(-200, -800, 200, 800), { floorM: 0, ceilingM: 1000, altitudeReference: 'amsl' }),
    ]);
    expect(ok(planFlightPath(amsl, from, at(2000, 0), { ...OPTIONS, takeoffAmslM: 2000 })).path).toHaveLength(
      2,
    );
    expect(ok(planFlightPath(amsl, from, at(2000, 0), OPTIONS)).path.length).toBeGreaterThan(2);
  });

  it('caches per port, destination, airspace version and active-zone set', () => {
    const afternoon = zone('market-day', rect(-200, -800, 200, 800), {
      activity: { dailyUtc: [{ fromMinuteUtc: 12 * 60, toMinuteUtc: 18 * 60 }] },
    });
    const airspace = airspaceOf([afternoon]);
    const cache = new FlightPathCache(100);
    const to = at(2000, 0);
    const first = cache.plan(airspace, from, to, OPTIONS);
    expect(cache.plan(airspace, from, to, { ...OPTIONS, atMs: OPTIONS.atMs + 60_000 })).toBe(first);
    const pm = cache.plan(airspace, from, to, { ...OPTIONS, atMs: Date.UTC(2026, 5, 1, 15) });
    expect(pm).not.toEqual(first);
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, size: 2 });
    const other = airspaceOf([afternoon, zone('new', rect(5000, 5000, 5100, 5100))]);
    expect(other.version).not.toBe(airspace.version);
    cache.plan(other, from, to, OPTIONS);
    expect(cache.stats().misses).toBe(3);
  });
});

/**
 * Brute-force oracle: every vertex of every active obstacle and keep-in corridor plus every crossing of
 * corridor boundaries with the other boundaries, every pair checked against every obstacle without the index,
 * the convexity and tangent pruning or the search window, then Dijkstra over the complete graph.
 */
function bruteForceLengthM(
  airspace: Airspace,
  from: { portId?: string; point: LonLat },
  to: LonLat,
  options: FlightPathOptions = OPTIONS,
): number {
  const scope = resolveFlightScope(airspace, from, options);
  if ('ok' in scope) return NaN;
  const checker = new SegmentChecker(airspace, scope.obstacleActive, scope.keepIn);
  const p = airspace.projection;
  const xs = [projectX(p, from.point[0]), projectX(p, to[0])];
  const ys = [projectY(p, from.point[1]), projectY(p, to[1])];
  const active = airspace.obstacles.filter((_, o) => scope.obstacleActive[o] === 1);
  const keepIn = scope.keepIn.map((c) => airspace.corridorRings[c]);
  const free = (x: number, y: number) =>
    !active.some((rings) => pointStrictlyInside(rings, x, y)) && checker.insideKeepIn(x, y);
  for (const rings of [...active, ...keepIn]) {
    for (let i = 0; i < rings.xs.length; i++)
      if (free(rings.xs[i], rings.ys[i])) {
        xs.push(rings.xs[i]);
        ys.push(rings.ys[i]);
      }
  }
  for (const c of scope.keepIn) {
    const crossings = airspace.corridorCrossings[c];
    for (let i = 0; i < crossings.xs.length; i++)
      if (free(crossings.xs[i], crossings.ys[i])) {
        xs.push(crossings.xs[i]);
        ys.push(crossings.ys[i]);
      }
  }
  const n = xs.length;
  const dist = new Float64Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  dist[0] = 0;
  const heap = new MinHeap();
  heap.push(0, 0);
  while (heap.length > 0) {
    const u = heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    for (let v = 0; v < n; v++) {
      if (done[v]) continue;
      const nd = dist[u] + Math.hypot(xs[v] - xs[u], ys[v] - ys[u]);
      if (nd >= dist[v] || !checker.visible(xs[u], ys[u], xs[v], ys[v])) continue;
      dist[v] = nd;
      heap.push(v, nd);
    }
  }
  return dist[1];
}

function localLengthM(airspace: Airspace, path: LonLat[]): number {
  const p = airspace.projection;
  let total = 0;
  for (let i = 1; i < path.length; i++) {
    total += Math.hypot(
      projectX(p, path[i][0]) - projectX(p, path[i - 1][0]),
      projectY(p, path[i][1]) - projectY(p, path[i - 1][1]),
    );
  }
  return total;
}

describe('planFlightPath against a brute-force visibility graph', () => {
  function randomCase(seed: number, withCorridors: boolean) {
    const random = seededRandom(seed);
    const zones: NoFlyZoneInput[] = [];
    const polygons: GeoJsonPolygon[] = [];
    for (let i = 0; i < 8; i++) {
      const cx = (random() - 0.5) * 6000;
      const cy = (random() - 0.5) * 6000;
      if (random() < 0.3) {
        const radiusM = 100 + random() * 500;
        zones.push({
          id: `c${i}`,
          shape: { kind: 'circle', center: at(cx, cy), radiusM },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_ground',
        });
      } else {
        // A random star-shaped polygon (may be non-convex).
        const corners = 3 + Math.floor(random() * 6);
        const ring: LonLat[] = [];
        for (let k = 0; k < corners; k++) {
          const angle = (2 * Math.PI * k) / corners;
          const r = 150 + random() * 600;
          ring.push(at(cx + r * Math.cos(angle), cy + r * Math.sin(angle)));
        }
        ring.push(ring[0]);
        const polygon: GeoJsonPolygon = { type: 'Polygon', coordinates: [ring] };
        polygons.push(polygon);
        zones.push(zone(`p${i}`, polygon));
      }
    }
    const corridors: CorridorInput[] = [];
    if (withCorridors) {
      for (let k = 0; k < 3; k++) {
        const line: LonLat[] = [at(-4000, 0)];
        for (let j = 0; j < 3; j++) line.push(at(-3000 + j * 2500, (random() - 0.5) * 6000));
        line.push(at(4000, 0));
        corridors.push({
          id: `lane${k}`,
          portIds: ['port'],
          shape: { kind: 'line', line, halfWidthM: 150 + random() * 400 },
          floorM: 0,
          ceilingM: 120,
          altitudeReference: 'above_ground',
        });
      }
    }
    return { airspace: airspaceOf(zones, corridors), polygons };
  }

  it.each([false, true])('matches the oracle on seeded cases (corridors: %s)', (withCorridors) => {
    let compared = 0;
    for (let seed = 1; seed <= (withCorridors ? 8 : 12); seed++) {
      const { airspace, polygons } = randomCase(seed * 7919 + (withCorridors ? 1 : 0), withCorridors);
      const from = { portId: 'port', point: at(-4000, 0) };
      const to = withCorridors ? at(4000, 0) : at(4000, (seededRandom(seed)() - 0.5) * 4000);
      const result = planFlightPath(airspace, from, to, OPTIONS);
      const oracleM = bruteForceLengthM(airspace, from, to);
      if (!result.ok) {
        if (result.code === 'no_flight_path') expect(oracleM).toBe(Infinity);
        continue;
      }
      compared++;
      expect(localLengthM(airspace, result.path)).toBeCloseTo(oracleM, 4);
      expectClearOf(result.path, polygons, BUFFER_M * 0.97);
      if (withCorridors) {
        // Turf measures on the sphere, we in the local projection: paths along an edge differ by centimetres.
        for (const p of samples(result.path, 100)) {
          const outsideM = Math.min(
            ...airspace.corridorPolygons.map((c) => pointToPolygonDistance(p, c, { units: 'meters' })),
          );
          if (outsideM > 0.1)
            throw new Error(`seed ${seed}: sample ${p} is ${outsideM} m outside the corridors`);
        }
      }
    }
    expect(compared).toBeGreaterThan(4);
  });
});

describe('planFlightPath on a generated county', () => {
  it('matches the brute-force oracle port by port, corridors and time windows included', () => {
    const county = generateSyntheticAirspace({
      seed: 11,
      zones: 20,
      corridors: 4,
      corridorPorts: 2,
      ports: 4,
      radiusM: 7000,
      spotsPerFreePort: 3,
    });
    const { airspace, rejected } = buildAirspace(county.input);
    expect(rejected).toEqual([]);
    const spots = new Map(county.spots.map((s) => [s.id, s]));
    let bent = 0;
    for (const port of county.ports) {
      for (const spotId of port.spotIds) {
        for (const hour of [3, 15]) {
          const options = { ...OPTIONS, atMs: Date.UTC(2026, 5, 1, hour) };
          const from = { portId: port.id, point: port.point };
          const to = spots.get(spotId)!.point;
          const result = planFlightPath(airspace, from, to, options);
          const oracleM = bruteForceLengthM(airspace, from, to, options);
          if (!result.ok) {
            expect([port.id, spotId, result.code, oracleM]).toEqual([
              port.id,
              spotId,
              'no_flight_path',
              Infinity,
            ]);
            continue;
          }
          if (result.path.length > 2) bent++;
          expect(localLengthM(airspace, result.path)).toBeCloseTo(oracleM, 4);
        }
      }
    }
    expect(bent).toBeGreaterThan(0);
  });
});
