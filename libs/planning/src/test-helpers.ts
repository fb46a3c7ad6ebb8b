import { type CheckResult, checkSolution } from './checker/check-solution';
import type { ObjectivePreset, VrpMatrix, VrpProblem, VrpStop, VrpVehicle } from './model';
import type { Compiled } from './solver/compile';
import { buildSolution } from './solver/solve';
import { Prng } from './prng';
import { generateRuralScenario } from './rural-scenario';

/** Euclidean matrices over points, travel time = distance / speed. Test and benchmark helper. */
export function euclidean(points: [number, number][], speed = 1): VrpMatrix {
  const n = points.length;
  const distanceM = new Float64Array(n * n);
  const durationS = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const d = Math.hypot(points[a][0] - points[b][0], points[a][1] - points[b][1]);
      distanceM[a * n + b] = d;
      durationS[a * n + b] = d / speed;
    }
  }
  return { distanceM, durationS };
}

/** A small random problem: one depot at location 0, `n` deliveries/pickups with windows and demands. */
export function randomProblem(
  seed: number,
  n: number,
  vehicles: number,
  opts: { capacity?: number; horizon?: number; pickups?: boolean; windows?: boolean } = {},
): VrpProblem {
  const rng = new Prng(seed);
  const horizon = opts.horizon ?? 400;
  const points: [number, number][] = [[50, 50]];
  for (let i = 0; i < n; i++) points.push([rng.next() * 100, rng.next() * 100]);
  const stops: VrpStop[] = [];
  for (let i = 0; i < n; i++) {
    const open = opts.windows === false ? 0 : Math.floor(rng.next() * horizon * 0.6);
    const width = opts.windows === false ? horizon : 40 + Math.floor(rng.next() * 120);
    stops.push({
      id: `s${i + 1}`,
      location: i + 1,
      kind: opts.pickups && rng.next() < 0.4 ? 'pickup' : 'delivery',
      serviceS: 5,
      demand: [1 + Math.floor(rng.next() * 5)],
      timeWindows: [[open, open + width]],
    });
  }
  const fleet: VrpVehicle[] = [];
  for (let k = 0; k < vehicles; k++) {
    fleet.push({
      id: `v${k + 1}`,
      profile: 'car',
      startLocation: 0,
      endLocation: 0,
      shiftStartS: 0,
      shiftEndS: horizon,
      capacity: [opts.capacity ?? 10],
    });
  }
  return { locationCount: n + 1, profiles: { car: euclidean(points) }, vehicles: fleet, stops };
}

/**
 * Straight-line matrices over [lon, lat] points: vans 12 m/s, motorbikes 9 m/s, roads 1.3× longer; 32-bit cells
 * by default, as the road router gives them.
 */
export function straightLine(
  points: [number, number][],
  cells: 'f32' | 'f64' = 'f32',
): VrpProblem['profiles'] {
  const n = points.length;
  const dist = cells === 'f32' ? new Float32Array(n * n) : new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const kx = Math.cos((points[a][1] * Math.PI) / 180) * 111_320;
      dist[a * n + b] =
        1.3 * Math.hypot((points[a][0] - points[b][0]) * kx, (points[a][1] - points[b][1]) * 111_320);
    }
  }
  return {
    van: { distanceM: dist, durationS: dist.map((d: number) => d / 12) },
    motorbike: { distanceM: dist, durationS: dist.map((d: number) => d / 9) },
  };
}

/** A rural day (pairs, two-trip vans, windows, skills, optional stops) with one locked stop on the first van. */
export function ruralDay(seed: number, stops: number): VrpProblem {
  const rng = new Prng(seed);
  const candidates: [number, number][] = [];
  for (let i = 0; i < 3000; i++) candidates.push([11.5 + rng.next() * 0.3, 49.9 + rng.next() * 0.2]);
  const sc = generateRuralScenario({ seed, stops, candidates, shipments: 0.2 });
  const targets = new Set(sc.stops.map((s) => s.deliverTo));
  const locked = sc.stops.find(
    (s) =>
      s.kind === 'delivery' &&
      !targets.has(s.id) &&
      !s.skills &&
      !s.timeWindows?.[1] &&
      s.penalty === undefined,
  )!;
  const vehicles = sc.vehicles.map((v, i) => (i === 0 ? { ...v, lockedStopIds: [locked.id] } : v));
  return { locationCount: sc.points.length, profiles: straightLine(sc.points), vehicles, stops: sc.stops };
}

/**
 * The independent checker's verdict on a plan given as the search's node lists (stop indices of `c`, markers
 * between trips): what brute-force tests compare the search's own figures against. Test helper.
 */
export function checkNodes(
  problem: VrpProblem,
  c: Compiled,
  nodes: Int32Array[],
  preset: ObjectivePreset,
): CheckResult {
  const key = { unPen: 0, mandUn: 0, optPen: 0, used: 0, cost: 0 };
  const sol = buildSolution(
    c,
    { nodes, ...key },
    { iterations: 0, bestFoundAtMs: 0, elapsedMs: 0, threads: 1 },
  );
  return checkSolution(problem, sol, preset);
}
