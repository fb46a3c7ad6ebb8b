import type { VrpStop, VrpVehicle } from './model';
import { Prng } from './prng';

export interface RuralScenarioOptions {
  seed: number;
  /** Number of stops (each paired pickup and delivery counts as two). */
  stops: number;
  /** Where stops and hubs may go, [lon, lat]: e.g. the nodes of a road graph. */
  candidates: readonly (readonly [number, number])[];
  /** Hubs: one county hub plus township stations. Default 1 + max(2, stops / 400). */
  hubs?: number;
  /**
   * Chance that an ordinary (non-sale) draw is a village-to-village shipment, a pickup paired with its delivery
   * (two stops). Default 0.1; 0 gives a day without pairs, the benchmark's plain baseline.
   */
  shipments?: number;
}

/**
 * A generated rural day: `points[i]` is the position of location i (hubs first, then one location per stop);
 * snap them and build one matrix per profile (`van`, `motorbike`) over all points to get a `VrpProblem`.
 */
export interface RuralScenario {
  points: [number, number][];
  hubCount: number;
  stops: VrpStop[];
  vehicles: VrpVehicle[];
}

const HOUR = 3600;

function metresBetween(a: readonly [number, number], b: readonly [number, number]): number {
  const kx = Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180) * 111_320;
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 111_320);
}

/**
 * Parcels to villages from the hubs, produce picked up back to the hubs — in bursts, when a live-stream sale
 * fills one village with pickups at once —, village-to-village pairs, cold-chain and cash-on-delivery skills,
 * optional stops, windows (some split in two), and a mixed fleet of vans (two trips) and motorbikes.
 * Seeded and deterministic.
 */
export function generateRuralScenario(options: RuralScenarioOptions): RuralScenario {
  const rng = new Prng(options.seed);
  const cand = options.candidates;
  if (cand.length < 10) throw new Error('give at least 10 candidate positions (e.g. road graph nodes)');
  const pick = (): readonly [number, number] => cand[rng.int(cand.length)];
  const n = options.stops;
  const shipmentChance = options.shipments ?? 0.1;
  const hubCount = options.hubs ?? 1 + Math.max(2, Math.round(n / 400));

  // hubs: the county hub near the middle, stations spread out (farthest point among samples)
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < 200; i++) {
    const p = pick();
    cx += p[0] / 200;
    cy += p[1] / 200;
  }
  const hubs: (readonly [number, number])[] = [];
  let bestD = Infinity;
  let centre = cand[0];
  for (let i = 0; i < 500; i++) {
    const p = pick();
    const d = metresBetween(p, [cx, cy]);
    if (d < bestD) {
      bestD = d;
      centre = p;
    }
  }
  hubs.push(centre);
  while (hubs.length < hubCount) {
    let far = pick();
    let farD = -1;
    for (let i = 0; i < 200; i++) {
      const p = pick();
      const d = Math.min(...hubs.map((h) => metresBetween(h, p)));
      if (d > farD) {
        farD = d;
        far = p;
      }
    }
    hubs.push(far);
  }

  // villages: centres, and a few live-stream sales
  const villageCount = Math.max(5, Math.round(n / 15));
  const villages: (readonly [number, number])[] = [];
  for (let i = 0; i < villageCount; i++) villages.push(pick());
  const near = (centre: readonly [number, number], radiusM: number): readonly [number, number] => {
    let best = pick();
    let bd = Infinity;
    for (let i = 0; i < 60; i++) {
      const p = pick();
      const d = metresBetween(p, centre);
      if (d <= radiusM) return p;
      if (d < bd) {
        bd = d;
        best = p;
      }
    }
    return best;
  };

  const points: [number, number][] = hubs.map((h) => [h[0], h[1]]);
  const stops: VrpStop[] = [];
  const day: [number, number] = [8 * HOUR, 18 * HOUR];
  const window = (): [number, number][] => {
    const x = rng.next();
    if (x < 0.5) return [day];
    if (x < 0.85) {
      const a = 8 * HOUR + rng.int(8) * HOUR;
      return [[a, a + 2 * HOUR]];
    }
    return [
      [8 * HOUR, 11 * HOUR],
      [14 * HOUR, 17 * HOUR],
    ];
  };
  const addStop = (s: Omit<VrpStop, 'location'>, at: readonly [number, number]): void => {
    points.push([at[0], at[1]]);
    stops.push({ ...s, location: points.length - 1 });
  };
  const bursts = Math.max(1, Math.round(n / 250));
  const burstSize = Math.round((0.25 * n) / bursts);
  let id = 0;
  // live-stream sales: many pickups in one village within one window
  for (let b = 0; b < bursts && stops.length < n; b++) {
    const v = villages[rng.int(villages.length)];
    const open = 9 * HOUR + rng.int(4) * HOUR;
    for (let k = 0; k < burstSize && stops.length < n; k++) {
      addStop(
        {
          id: `p${++id}`,
          kind: 'pickup',
          serviceS: 60 + rng.int(120),
          demand: [2000 + rng.int(8000), 5 + rng.int(20)],
          timeWindows: [[open, open + 4 * HOUR]],
          ...(rng.next() < 0.3 ? { skills: ['cold'] } : {}),
        },
        near(v, 800),
      );
    }
  }
  while (stops.length < n) {
    const v = villages[rng.int(villages.length)];
    const x = rng.next();
    if (x < shipmentChance && stops.length + 2 <= n) {
      // village to village
      const pid = `x${++id}`;
      const did = `y${id}`;
      addStop(
        {
          id: pid,
          kind: 'pickup',
          serviceS: 120,
          demand: [1000 + rng.int(10_000), 5 + rng.int(30)],
          deliverTo: did,
        },
        near(v, 1500),
      );
      addStop(
        { id: did, kind: 'delivery', serviceS: 120, timeWindows: window() },
        near(villages[rng.int(villages.length)], 1500),
      );
      continue;
    }
    // pickups take the same share of the non-shipment draws whatever the shipment chance
    const pickup = x < shipmentChance + (0.2 * (1 - shipmentChance)) / 0.9;
    const skills: string[] = [];
    if (rng.next() < 0.1) skills.push('cold');
    if (!pickup && rng.next() < 0.1) skills.push('cod');
    addStop(
      {
        id: `${pickup ? 'p' : 'd'}${++id}`,
        kind: pickup ? 'pickup' : 'delivery',
        serviceS: 60 + rng.int(240),
        demand: [500 + rng.int(15_000), 2 + rng.int(40)],
        timeWindows: window(),
        ...(skills.length ? { skills } : {}),
        ...(rng.next() < 0.1 ? { penalty: 2000 + rng.int(20_000) } : {}),
      },
      near(v, 1500),
    );
  }

  // fleet: vans (weight g, volume L) on two trips, motorbikes on one; some vans cold, all take cash
  const vehicles: VrpVehicle[] = [];
  const vans = Math.max(2, Math.ceil(n / 40));
  const bikes = Math.max(1, Math.ceil(n / 60));
  for (let k = 0; k < vans; k++) {
    const hub = k % hubCount;
    vehicles.push({
      id: `van${k + 1}`,
      profile: 'van',
      startLocation: hub,
      endLocation: hub,
      shiftStartS: 7 * HOUR,
      shiftEndS: 19 * HOUR,
      maxWorkS: 10 * HOUR,
      capacity: [600_000, 3000],
      skills: k % 3 === 0 ? ['cold', 'cod'] : ['cod'],
      fixedCost: 50_000,
      costPerS: 0.5,
      costPerM: 0.2,
      maxTrips: 2,
      reloadServiceS: 900,
    });
  }
  for (let k = 0; k < bikes; k++) {
    const hub = (k + 1) % hubCount;
    vehicles.push({
      id: `bike${k + 1}`,
      profile: 'motorbike',
      startLocation: hub,
      endLocation: hub,
      shiftStartS: 8 * HOUR,
      shiftEndS: 17 * HOUR,
      capacity: [40_000, 150],
      skills: ['cod'],
      fixedCost: 15_000,
      costPerS: 0.3,
      costPerM: 0.05,
    });
  }
  return { points, hubCount, stops, vehicles };
}
