import { haversineM } from '@rd/routing';
import type { LonLat, PeriodMs } from './types';

export type OperationClass = 'vlos' | 'bvlos';

export interface SortieToStaff {
  id: string;
  droneId: string;
  launchPoint: LonLat;
  /** Epoch ms of launch and of landing back at the port. */
  launchMs: number;
  landMs: number;
  /** The flown path (out and back); decides VLOS or BVLOS against each pilot's station. */
  path: LonLat[];
}

export interface PilotInput {
  id: string;
  station: LonLat;
  /** A BVLOS licence also covers VLOS sorties. */
  licenceClass: OperationClass;
  /** Licence validity, `[fromMs, untilMs)`; it must cover the whole UTC day of the sortie. */
  licenceValidFromMs: number;
  licenceValidUntilMs: number;
  shifts: PeriodMs[];
  /** Most drones this pilot supervises at the same time. */
  maxSimultaneousDrones: number;
  /**
   * Flights this pilot already supervises whatever the assignment decides (sorties they accepted earlier):
   * each takes one of their `maxSimultaneousDrones` while it is in the air.
   */
  committed?: PeriodMs[];
}

export interface PilotRules {
  /** A sortie is VLOS for a pilot when every path point is within this distance of their station (default 500 m). */
  vlosRangeM: number;
  /** Search effort for the exact assignment before falling back to the greedy one (default 200,000 nodes). */
  maxSearchNodes?: number;
}

export interface PilotAssignment {
  sortieId: string;
  pilotId: string;
  operation: OperationClass;
}

export interface PilotAssignmentResult {
  assignments: PilotAssignment[];
  unassigned: Array<{ sortieId: string; code: 'no_pilot'; reason: string }>;
}

export const DEFAULT_VLOS_RANGE_M = 500;
const DAY_MS = 86_400_000;
const DEFAULT_MAX_SEARCH_NODES = 200_000;

/** VLOS when every point of the flight stays within the range of the pilot's station, else BVLOS. */
export function operationFor(sortie: SortieToStaff, pilot: PilotInput, vlosRangeM: number): OperationClass {
  const [sx, sy] = pilot.station;
  const points = [sortie.launchPoint, ...sortie.path];
  return points.every(([lon, lat]) => haversineM(sx, sy, lon, lat) <= vlosRangeM) ? 'vlos' : 'bvlos';
}

/** Why this pilot cannot fly this sortie (ignoring supervision limits), or null if they can. */
export function pilotMismatch(
  sortie: SortieToStaff,
  pilot: PilotInput,
  vlosRangeM: number,
): 'licence_class' | 'licence_validity' | 'shift' | null {
  if (operationFor(sortie, pilot, vlosRangeM) === 'bvlos' && pilot.licenceClass !== 'bvlos')
    return 'licence_class';
  const dayStartMs = Math.floor(sortie.launchMs / DAY_MS) * DAY_MS;
  const dayEndMs = Math.floor((Math.max(sortie.landMs, sortie.launchMs + 1) - 1) / DAY_MS) * DAY_MS + DAY_MS;
  if (pilot.licenceValidFromMs > dayStartMs || pilot.licenceValidUntilMs < dayEndMs)
    return 'licence_validity';
  if (!pilot.shifts.some((s) => s.fromMs <= sortie.launchMs && s.toMs >= sortie.landMs)) return 'shift';
  return null;
}

const MISMATCH_TEXT = {
  licence_class: 'needs a BVLOS licence (beyond visual line of sight of their station)',
  licence_validity: 'licence not valid on the flight day',
  shift: 'not on shift for the whole sortie',
} as const;

/**
 * Gives each sortie a pilot whose licence class fits, whose licence is valid on the flight day, who is on shift
 * for the whole sortie and who never supervises more drones at once than their limit. Maximises the number of
 * staffed sorties (exact branch and bound on small days, the greedy answer beyond the search budget).
 */
export function assignPilots(
  sorties: readonly SortieToStaff[],
  pilots: readonly PilotInput[],
  rules: PilotRules,
): PilotAssignmentResult {
  const vlosRangeM = rules.vlosRangeM ?? DEFAULT_VLOS_RANGE_M;
  // Sorties by launch time: a new sortie's peak overlap with a pilot's earlier ones is at its launch.
  const order = sorties.map((_, i) => i).sort((a, b) => sorties[a].launchMs - sorties[b].launchMs || a - b);
  const candidates: number[][] = order.map((i) =>
    pilots.map((_, p) => p).filter((p) => pilotMismatch(sorties[i], pilots[p], vlosRangeM) === null),
  );
  // Land times of each pilot's assigned sorties (the search undoes its pushes).
  const landTimes: number[][] = pilots.map(() => []);
  const fits = (p: number, k: number): boolean => active(p, k) < pilots[p].maxSimultaneousDrones;
  // Drones the pilot watches during sortie k: assigned ones (launched earlier, so airborne at its launch if
  // not yet landed) and committed ones overlapping it at all (conservative: counted as if all at once).
  const active = (p: number, k: number): number => {
    const { launchMs, landMs } = sorties[order[k]];
    let n = 0;
    for (const t of landTimes[p]) if (t > launchMs) n++;
    for (const c of pilots[p].committed ?? []) if (c.fromMs < landMs && c.toMs > launchMs) n++;
    return n;
  };

  // Greedy incumbent: each sortie takes the fitting pilot with the most spare supervision capacity.
  const greedy = new Int32Array(order.length).fill(-1);
  for (let k = 0; k < order.length; k++) {
    let best = -1;
    let bestSpare = -Infinity;
    for (const p of candidates[k]) {
      if (!fits(p, k)) continue;
      const spare = pilots[p].maxSimultaneousDrones - active(p, k);
      if (spare > bestSpare) {
        best = p;
        bestSpare = spare;
      }
    }
    greedy[k] = best;
    if (best >= 0) landTimes[best].push(sorties[order[k]].landMs);
  }
  for (const list of landTimes) list.length = 0;
  let bestChoice = greedy.slice();
  let bestCount = greedy.reduce((n, p) => n + (p >= 0 ? 1 : 0), 0);

  // Branch and bound: assign or skip each sortie in launch order; bound by the sorties that could still fly.
  const staffable = new Int32Array(order.length + 1);
  for (let k = order.length - 1; k >= 0; k--)
    staffable[k] = staffable[k + 1] + (candidates[k].length > 0 ? 1 : 0);
  const choice = new Int32Array(order.length).fill(-1);
  let nodes = 0;
  const budget = rules.maxSearchNodes ?? DEFAULT_MAX_SEARCH_NODES;
  const search = (k: number, count: number): void => {
    if (++nodes > budget || count + staffable[k] <= bestCount) return;
    if (k === order.length) {
      bestCount = count;
      bestChoice = choice.slice();
      return;
    }
    for (const p of candidates[k]) {
      if (!fits(p, k)) continue;
      choice[k] = p;
      landTimes[p].push(sorties[order[k]].landMs);
      search(k + 1, count + 1);
      landTimes[p].pop();
      choice[k] = -1;
    }
    search(k + 1, count);
  };
  search(0, 0);

  const assignments: PilotAssignment[] = [];
  const unassigned: PilotAssignmentResult['unassigned'] = [];
  for (let k = 0; k < order.length; k++) {
    const sortie = sorties[order[k]];
    const p = bestChoice[k];
    if (p >= 0) {
      assignments.push({
        sortieId: sortie.id,
        pilotId: pilots[p].id,
        operation: operationFor(sortie, pilots[p], vlosRangeM),
      });
    } else {
      unassigned.push({
        sortieId: sortie.id,
        code: 'no_pilot',
        reason: noPilotReason(sortie, pilots, candidates[k].length, vlosRangeM),
      });
    }
  }
  const position = new Map(sorties.map((s, i) => [s.id, i]));
  const byInput = (a: { sortieId: string }, b: { sortieId: string }) =>
    (position.get(a.sortieId) ?? 0) - (position.get(b.sortieId) ?? 0);
  return { assignments: assignments.sort(byInput), unassigned: unassigned.sort(byInput) };
}

function noPilotReason(
  sortie: SortieToStaff,
  pilots: readonly PilotInput[],
  fitting: number,
  vlosRangeM: number,
): string {
  if (pilots.length === 0) return 'no pilots are registered';
  if (fitting > 0) {
    return `all ${fitting} pilot(s) who may fly it already supervise their limit of drones at that time`;
  }
  const counts = new Map<string, number>();
  for (const pilot of pilots) {
    const why = pilotMismatch(sortie, pilot, vlosRangeM);
    if (why) counts.set(MISMATCH_TEXT[why], (counts.get(MISMATCH_TEXT[why]) ?? 0) + 1);
  }
  return `no pilot fits: ${[...counts].map(([text, n]) => `${n} ${text}`).join('; ')}`;
}
