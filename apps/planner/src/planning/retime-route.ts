import type { VrpProblem, VrpRoute, VrpVisit } from '@rd/planning';

/** One visit of a fixed sequence: a stop (by id), or a reload at the vehicle's hub. */
export type SequenceItem = { type: 'stop'; stopId: string } | { type: 'reload' };

/**
 * Times and loads of a vehicle driving a given sequence (a dispatcher's manual change): leave the
 * hub at `departS`, drive, wait for each window to open, serve, reload between trips. It does not
 * judge feasibility: the independent checker does that on the result.
 */
export function retimeRoute(
  problem: VrpProblem,
  vehicleId: string,
  sequence: SequenceItem[],
  departS: number,
): VrpRoute {
  const vehicle = problem.vehicles.find((v) => v.id === vehicleId);
  if (!vehicle) throw new Error(`unknown vehicle ${vehicleId}`);
  const matrix = problem.profiles[vehicle.profile];
  const n = problem.locationCount;
  const stops = new Map(problem.stops.map((s) => [s.id, s]));
  const dims = vehicle.capacity.length;
  const reloadAt = vehicle.reloadLocation ?? vehicle.startLocation;

  // Deliveries of a trip are loaded at its start; pickups come on board where they are collected.
  const tripStartLoads: number[][] = [];
  let current = new Array<number>(dims).fill(0);
  for (const item of sequence) {
    if (item.type === 'reload') {
      tripStartLoads.push(current);
      current = new Array<number>(dims).fill(0);
    } else {
      const stop = stops.get(item.stopId)!;
      if (stop.kind === 'delivery') for (let d = 0; d < dims; d++) current[d] += stop.demand?.[d] ?? 0;
    }
  }
  tripStartLoads.push(current);

  let trip = 0;
  let load = [...tripStartLoads[0]];
  const visits: VrpVisit[] = [
    {
      type: 'start',
      location: vehicle.startLocation,
      arrivalS: departS,
      startS: departS,
      departureS: departS,
      load: [...load],
    },
  ];
  let distanceM = 0;
  const drive = (to: number) => {
    const from = visits[visits.length - 1];
    distanceM += matrix.distanceM[from.location * n + to];
    return from.departureS + matrix.durationS[from.location * n + to];
  };
  for (const item of sequence) {
    if (item.type === 'reload') {
      const arrivalS = drive(reloadAt);
      trip++;
      load = [...tripStartLoads[trip]];
      visits.push({
        type: 'reload',
        location: reloadAt,
        arrivalS,
        startS: arrivalS,
        departureS: arrivalS + (vehicle.reloadServiceS ?? 0),
        load: [...load],
      });
      continue;
    }
    const stop = stops.get(item.stopId)!;
    const arrivalS = drive(stop.location);
    const window = (stop.timeWindows ?? []).find(([, close]) => close >= arrivalS);
    const startS = window ? Math.max(arrivalS, window[0]) : arrivalS;
    const sign = stop.kind === 'delivery' ? -1 : 1;
    for (let d = 0; d < dims; d++) load[d] += sign * (stop.demand?.[d] ?? 0);
    visits.push({
      type: 'stop',
      stopId: stop.id,
      location: stop.location,
      arrivalS,
      startS,
      departureS: startS + (stop.serviceS ?? 0),
      load: [...load],
    });
  }
  const endS = drive(vehicle.endLocation);
  visits.push({
    type: 'end',
    location: vehicle.endLocation,
    arrivalS: endS,
    startS: endS,
    departureS: endS,
    load: [...load],
  });
  return { vehicleId, visits, distanceM, durationS: endS - departS, trips: trip + 1 };
}
