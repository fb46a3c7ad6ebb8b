import type { VrpProblem } from './model';

export interface SolomonInstance {
  name: string;
  vehicles: number;
  capacity: number;
  /** Rows: depot first, then customers: [x, y, demand, ready, due, service]. */
  rows: number[][];
}

/** Parse the Solomon text format (CRLF tolerated). */
export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines[0];
  let i = lines.findIndex((l) => l.startsWith('NUMBER'));
  if (i < 0) throw new Error('not a Solomon instance: no VEHICLE / NUMBER CAPACITY section');
  const [vehicles, capacity] = lines[i + 1].split(/\s+/).map(Number);
  i = lines.findIndex((l) => l.startsWith('CUST'));
  const rows: number[][] = [];
  for (const l of lines.slice(i + 1)) {
    if (l === '') continue;
    const f = l.split(/\s+/).map(Number);
    if (f.length < 7 || f.some((x) => Number.isNaN(x))) continue;
    rows.push(f.slice(1, 7));
  }
  return { name, vehicles, capacity, rows };
}

/**
 * The benchmark convention: real-valued Euclidean distance (no rounding), travel time = distance,
 * service starts within [ready, due], every vehicle back at the depot by the depot's due date.
 */
/**
 * Row-major real-valued Euclidean distances between the rows' points, whose x and y stand at
 * `xAt` and `xAt + 1` (the benchmark sets' convention: no rounding).
 */
export function euclideanMatrix(rows: readonly (readonly number[])[], xAt: number): Float64Array {
  const n = rows.length;
  const dist = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const dx = rows[a][xAt] - rows[b][xAt];
      const dy = rows[a][xAt + 1] - rows[b][xAt + 1];
      dist[a * n + b] = Math.sqrt(dx * dx + dy * dy);
    }
  }
  return dist;
}

export function solomonProblem(inst: SolomonInstance): VrpProblem {
  const n = inst.rows.length;
  const dist = euclideanMatrix(inst.rows, 0);
  const depot = inst.rows[0];
  return {
    locationCount: n,
    profiles: { truck: { durationS: dist, distanceM: dist } },
    vehicles: Array.from({ length: inst.vehicles }, (_, k) => ({
      id: `v${k + 1}`,
      profile: 'truck',
      startLocation: 0,
      endLocation: 0,
      shiftStartS: depot[3],
      shiftEndS: depot[4],
      capacity: [inst.capacity],
    })),
    stops: inst.rows.slice(1).map((r, k) => ({
      id: String(k + 1),
      location: k + 1,
      kind: 'delivery' as const,
      serviceS: r[5],
      demand: [r[2]],
      timeWindows: [[r[3], r[4]]] as [number, number][],
    })),
  };
}
