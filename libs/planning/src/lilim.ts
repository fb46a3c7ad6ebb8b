import type { VrpProblem, VrpStop } from './model';
import { euclideanMatrix } from './solomon';

/** A Li & Lim PDPTW instance: tasks with paired pickups and deliveries. */
export interface LiLimInstance {
  name: string;
  vehicles: number;
  capacity: number;
  /** Depot first: `[id, x, y, demand, ready, due, service, pickupIndex, deliveryIndex]`. */
  rows: number[][];
}

/**
 * Parse the Li & Lim text format: a first line `vehicles capacity speed`, then one line per task
 * `id x y demand ready due service pickup_index delivery_index` (task 0 the depot).
 */
export function parseLiLim(text: string, name = ''): LiLimInstance {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length < 2) throw new Error('not a Li & Lim instance: expected a header line and tasks');
  const [vehicles, capacity] = lines[0].split(/\s+/).map(Number);
  if (!Number.isFinite(vehicles) || !Number.isFinite(capacity)) {
    throw new Error('not a Li & Lim instance: the first line must be "vehicles capacity speed"');
  }
  const rows = lines.slice(1).map((l, k) => {
    const f = l.split(/\s+/).map(Number);
    if (f.length < 9 || f.some((x) => Number.isNaN(x))) {
      throw new Error(`Li & Lim task line ${k + 2}: expected 9 numbers, got "${l}"`);
    }
    return f.slice(0, 9);
  });
  if (rows[0][0] !== 0) throw new Error('Li & Lim: the first task must be the depot (id 0)');
  return { name, vehicles, capacity, rows };
}

/**
 * The benchmark convention: real-valued Euclidean distance, travel time = distance, windows bind the start
 * of service, every vehicle back at the depot by its due time. Each pickup names its delivery (`deliverTo`).
 */
export function liLimProblem(inst: LiLimInstance): VrpProblem {
  const n = inst.rows.length;
  const indexOfId = new Map<number, number>();
  inst.rows.forEach((r, i) => indexOfId.set(r[0], i));
  const dist = euclideanMatrix(inst.rows, 1);
  const depot = inst.rows[0];
  const stops: VrpStop[] = inst.rows.slice(1).map((r, k) => {
    const [id, , , demand, ready, due, service, , deliveryId] = r;
    const stop: VrpStop = {
      id: String(id),
      location: k + 1,
      kind: deliveryId > 0 ? 'pickup' : 'delivery',
      serviceS: service,
      demand: [Math.abs(demand)],
      timeWindows: [[ready, due]],
    };
    if (deliveryId > 0) {
      if (!indexOfId.has(deliveryId)) throw new Error(`Li & Lim task ${id}: unknown delivery ${deliveryId}`);
      stop.deliverTo = String(deliveryId);
    }
    return stop;
  });
  return {
    locationCount: n,
    profiles: { truck: { durationS: dist, distanceM: dist } },
    vehicles: Array.from({ length: inst.vehicles }, (_, k) => ({
      id: `v${k + 1}`,
      profile: 'truck',
      startLocation: 0,
      endLocation: 0,
      shiftStartS: depot[4],
      shiftEndS: depot[5],
      capacity: [inst.capacity],
    })),
    stops,
  };
}
