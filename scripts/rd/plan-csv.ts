import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { checkSolution, solve, type VrpProblem, type VrpSolution, type VrpVehicle } from '@rd/planning';
import {
  buildRoadGraphs,
  ChRoadRouter,
  generateRuralNetwork,
  importOsm,
  prepareProfile,
  resolveProfile,
  type LonLat,
  type RoutingData,
} from '@rd/routing';

/** One order of the CSV: where, how heavy, when (times of day, HH:MM, in the plan's day). */
export interface CsvOrder {
  id: string;
  kind: 'delivery' | 'pickup';
  location: LonLat;
  landmark: string;
  recipient: string;
  weightG: number;
  serviceS: number;
  window: [number, number] | null;
}

export class PlanInputError extends Error {}

const REQUIRED = ['id', 'lon', 'lat'] as const;
const timeOfDayS = (text: string, row: number, field: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59)
    throw new PlanInputError(`row ${row}: ${field} '${text}' is not a time of day (HH:MM)`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
};

/**
 * Reads orders from CSV text: `id,lon,lat` required; optional `kind` (delivery|pickup), `landmark`,
 * `recipient`, `weight_g` (default 1000), `service_s` (default 120), `window_start`/`window_end` (HH:MM).
 * Every problem names its row and field.
 */
export function parseOrdersCsv(text: string): CsvOrder[] {
  const rows = parse(text.replace(/^\uFEFF/, ''), {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
  }) as Array<Record<string, string>>;
  if (!rows.length) throw new PlanInputError('the CSV has no orders');
  for (const field of REQUIRED)
    if (!(field in rows[0]))
      throw new PlanInputError(`the CSV has no '${field}' column (needs id, lon, lat)`);
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const row = i + 2; // the header is row 1
    const lon = Number(r.lon);
    const lat = Number(r.lat);
    if (!r.id) throw new PlanInputError(`row ${row}: id is empty`);
    if (seen.has(r.id)) throw new PlanInputError(`row ${row}: id '${r.id}' appears twice`);
    seen.add(r.id);
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) || r.lon === '' || r.lat === '')
      throw new PlanInputError(`row ${row}: lon/lat '${r.lon}, ${r.lat}' is not a place on Earth`);
    const kind = (r.kind || 'delivery').toLowerCase();
    if (kind !== 'delivery' && kind !== 'pickup')
      throw new PlanInputError(`row ${row}: kind '${r.kind}' is neither delivery nor pickup`);
    const weightG = r.weight_g ? Number(r.weight_g) : 1000;
    if (!(weightG > 0 && weightG <= 1_000_000))
      throw new PlanInputError(`row ${row}: weight_g '${r.weight_g}' must be 1 to 1,000,000 g`);
    const serviceS = r.service_s ? Number(r.service_s) : 120;
    if (!(serviceS >= 0 && serviceS <= 7200))
      throw new PlanInputError(`row ${row}: service_s '${r.service_s}' must be 0 to 7200`);
    let window: [number, number] | null = null;
    if (r.window_start || r.window_end) {
      const start = timeOfDayS(r.window_start || '00:00', row, 'window_start');
      const end = timeOfDayS(r.window_end || '24:00', row, 'window_end');
      if (end <= start) throw new PlanInputError(`row ${row}: window_end is not after window_start`);
      window = [start, end];
    }
    return {
      id: r.id,
      kind,
      location: [lon, lat],
      landmark: r.landmark ?? '',
      recipient: r.recipient ?? '',
      weightG,
      serviceS,
      window,
    } satisfies CsvOrder;
  });
}

/** `generated:SEED` (a generated rural county), or an OSM extract's path. */
export function loadRoadData(map: string): { data: RoutingData; osm: boolean } {
  const profiles = ['van', 'motorbike'].map(resolveProfile);
  const generated = /^generated:(\d+)$/.exec(map);
  const graphs = generated
    ? buildRoadGraphs(generateRuralNetwork({ seed: Number(generated[1]), targetNodes: 3000 }).osm, profiles)
    : importOsm(map, { profiles }).graphs;
  const data: RoutingData = { profiles: {} };
  for (const [name, graph] of Object.entries(graphs))
    data.profiles[name] = prepareProfile(graph, { weightings: ['fastest'] });
  return { data, osm: !generated };
}

export interface Fleet {
  vans: number;
  motorbikes: number;
  shiftStartS: number;
  shiftEndS: number;
}

export interface PlannedRoute {
  vehicleId: string;
  profile: string;
  distanceM: number;
  durationS: number;
  geometry: LonLat[];
  stops: Array<{ seq: number; order: CsvOrder; arrivalS: number; startS: number }>;
}

export interface CsvPlan {
  hub: LonLat;
  routes: PlannedRoute[];
  unassigned: Array<{ order: CsvOrder; reason: string }>;
  checkerOk: boolean;
  osm: boolean;
}

/** Plans the orders from one hub with vans and motorbikes, on our own road router and solver. */
export function planOrders(
  orders: CsvOrder[],
  road: { data: RoutingData; osm: boolean },
  options: { hub?: LonLat; fleet: Fleet; timeLimitMs: number; seed: number; maxIterations?: number },
): CsvPlan {
  const router = new ChRoadRouter(road.data);
  const hub: LonLat = options.hub ?? [
    orders.reduce((a, o) => a + o.location[0], 0) / orders.length,
    orders.reduce((a, o) => a + o.location[1], 0) / orders.length,
  ];
  const points: LonLat[] = [hub, ...orders.map((o) => o.location)];
  const matrix = (profile: string) => {
    const m = router.matrixSync(points, points, { profile });
    return { durationS: m.durationsS, distanceM: m.distancesM };
  };
  const vehicle = (id: string, profile: string, capacityG: number): VrpVehicle => ({
    id,
    profile,
    startLocation: 0,
    endLocation: 0,
    shiftStartS: options.fleet.shiftStartS,
    shiftEndS: options.fleet.shiftEndS,
    capacity: [capacityG],
    fixedCost: 50_000,
    costPerS: 1,
    maxTrips: 2,
  });
  const problem: VrpProblem = {
    locationCount: points.length,
    profiles: { van: matrix('van'), motorbike: matrix('motorbike') },
    vehicles: [
      ...Array.from({ length: options.fleet.vans }, (_, i) => vehicle(`VAN-${i + 1}`, 'van', 900_000)),
      ...Array.from({ length: options.fleet.motorbikes }, (_, i) =>
        vehicle(`MOTO-${i + 1}`, 'motorbike', 80_000),
      ),
    ],
    stops: orders.map((o, i) => ({
      id: o.id,
      location: i + 1,
      kind: o.kind,
      serviceS: o.serviceS,
      demand: [o.weightG],
      timeWindows: o.window ? [o.window] : undefined,
    })),
  };
  const solution: VrpSolution = solve(problem, {
    seed: options.seed,
    timeLimitMs: options.timeLimitMs,
    maxIterations: options.maxIterations,
    now: () => performance.now(),
    preset: 'cost',
  });
  const byId = new Map(orders.map((o) => [o.id, o]));
  const profileOf = new Map(problem.vehicles.map((v) => [v.id, v.profile]));
  const routes: PlannedRoute[] = solution.routes
    .filter((r) => r.visits.some((v) => v.type === 'stop'))
    .map((r) => {
      const profile = profileOf.get(r.vehicleId)!;
      const geometry: LonLat[] = [];
      for (let k = 1; k < r.visits.length; k++) {
        const leg = router.routeSync(points[r.visits[k - 1].location], points[r.visits[k].location], {
          profile,
        });
        if (leg.ok && leg.geometry) geometry.push(...(leg.geometry.coordinates as LonLat[]));
      }
      let seq = 0;
      return {
        vehicleId: r.vehicleId,
        profile,
        distanceM: r.distanceM,
        durationS: r.durationS,
        geometry,
        stops: r.visits
          .filter((v) => v.type === 'stop')
          .map((v) => ({ seq: ++seq, order: byId.get(v.stopId!)!, arrivalS: v.arrivalS, startS: v.startS })),
      };
    });
  return {
    hub,
    routes,
    unassigned: solution.unassigned.map((u) => ({ order: byId.get(u.stopId)!, reason: u.reason })),
    checkerOk: checkSolution(problem, solution, 'cost').ok,
    osm: road.osm,
  };
}

export function readOrdersFile(path: string): CsvOrder[] {
  return parseOrdersCsv(readFileSync(path, 'utf8'));
}
