import type { VrpProblem, VrpSolution } from '@rd/planning';
import { isSnapped, type LonLat, type RoadRouter, type SnapResult } from '@rd/routing';
import { roadProfileOf, type LocationIndex } from './plan-input';
import type { PlanningData } from './planning-data';
import type { StoredRoute, StoredVisit } from './planning.repository';

/** Turns the solver's routes into stored routes with times and the road geometry of every leg. */
export async function routesOf(
  router: RoadRouter,
  data: PlanningData,
  problem: VrpProblem,
  solution: VrpSolution,
  placed: { locations: LocationIndex; snaps: Record<string, SnapResult[]> },
): Promise<StoredRoute[]> {
  const hubAt = new Map([...placed.locations.hub].map(([id, index]) => [index, id]));
  const vehicleById = new Map(data.vehicles.map((v) => [v.id, v]));
  const manuallyLocked = new Set(data.locked.filter((l) => l.manual).map((l) => l.vehicleId));
  const at = (s: number) => data.dayStartMs + Math.round(s * 1000);
  const routes: StoredRoute[] = [];
  for (const route of solution.routes) {
    const vehicle = vehicleById.get(route.vehicleId)!;
    const profile = roadProfileOf(vehicle.kind, Object.keys(placed.snaps));
    // the vehicle's own size may route on a profile of its own (a tall truck detours a low bridge)
    const solvedProfile = problem.vehicles.find((v) => v.id === route.vehicleId)!.profile;
    const legProfile = placed.snaps[solvedProfile] ? solvedProfile : profile;
    const snaps = placed.snaps[legProfile];
    const distanceM = problem.profiles[solvedProfile].distanceM;
    const line: LonLat[] = [];
    const visits: StoredVisit[] = [];
    for (const [seq, visit] of route.visits.entries()) {
      let legDistanceM = 0;
      let legDurationS = 0;
      let legGeometry: LonLat[] | null = null;
      if (seq > 0) {
        const prev = route.visits[seq - 1].location;
        legDistanceM = distanceM[prev * problem.locationCount + visit.location];
        legDurationS = visit.arrivalS - route.visits[seq - 1].departureS;
        if (prev !== visit.location) {
          const from = snaps[prev];
          const to = snaps[visit.location];
          const leg = await router.route(isSnapped(from) ? from : from.input, isSnapped(to) ? to : to.input, {
            profile: legProfile,
          });
          if (leg.ok && leg.geometry) {
            legGeometry = leg.geometry.coordinates;
            line.push(...(line.length ? legGeometry.slice(1) : legGeometry));
          }
        }
      }
      visits.push({
        seq,
        visitType: visit.type,
        orderId: visit.type === 'stop' ? visit.stopId! : null,
        hubId: visit.type === 'stop' ? null : (hubAt.get(visit.location) ?? null),
        location: placed.locations.points[visit.location],
        arrivalMs: at(visit.arrivalS),
        startMs: at(visit.startS),
        departureMs: at(visit.departureS),
        load: visit.load,
        legDistanceM,
        legDurationS,
        legGeometry,
      });
    }
    routes.push({
      vehicleId: vehicle.id,
      courierId: vehicle.courierId,
      profile,
      locked: manuallyLocked.has(vehicle.id),
      committed: false,
      distanceM: route.distanceM,
      durationS: route.durationS,
      trips: route.trips,
      startMs: visits[0].departureMs,
      endMs: visits[visits.length - 1].arrivalMs,
      geometry: line.length >= 2 ? line : null,
      visits,
    });
  }
  return routes;
}

/** The plan's figures for dispatchers: stops, vehicles, km, hours, on-time share, why orders were left out. */
export function summarise(
  data: PlanningData,
  routes: StoredRoute[],
  unassigned: Array<{ orderId: string; reason: string }>,
  solution: VrpSolution,
): Record<string, unknown> {
  const windows = new Map(data.orders.map((o) => [o.id, o]));
  let stops = 0;
  let judged = 0;
  let onTime = 0;
  for (const r of routes) {
    for (const v of r.visits) {
      if (!v.orderId) continue;
      stops++;
      // A route kept as committed can hold stops done since (no longer open): no window to judge them by.
      const o = windows.get(v.orderId);
      if (!o) continue;
      judged++;
      if (v.startMs >= o.windowStartMs && v.startMs <= o.windowEndMs) onTime++;
    }
  }
  const reasons: Record<string, number> = {};
  for (const u of unassigned) reasons[u.reason] = (reasons[u.reason] ?? 0) + 1;
  return {
    orders: data.orders.length,
    plannedStops: stops,
    unassigned: unassigned.length,
    unassignedByReason: reasons,
    vehicles: routes.length,
    fleetOnShift: data.vehicles.length,
    distanceKm: Math.round(routes.reduce((s, r) => s + r.distanceM, 0) / 100) / 10,
    hours: Math.round(routes.reduce((s, r) => s + r.durationS, 0) / 360) / 10,
    trips: routes.reduce((s, r) => s + r.trips, 0),
    onTimeShare: judged ? onTime / judged : 1,
    solverCost: solution.stats.cost,
  };
}
