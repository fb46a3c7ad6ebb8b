import { seededRandom } from '@rd/routing';
import {
  assignPilots,
  operationFor,
  pilotMismatch,
  type PilotAssignmentResult,
  type PilotInput,
  type SortieToStaff,
} from './pilot-assignment';
import type { LonLat } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAY0 = Date.UTC(2026, 5, 1);
const PORT: LonLat = [100.2, 25.6];
const M_PER_DEG_LAT = 111_195;
function at(eastM: number, northM: number): LonLat {
  return [
    PORT[0] + eastM / (M_PER_DEG_LAT * Math.cos((PORT[1] * Math.PI) / 180)),
    PORT[1] + northM / M_PER_DEG_LAT,
  ];
}
const RULES = { vlosRangeM: 500 };

function sortie(id: string, fromH: number, toH: number, reachM: number): SortieToStaff {
  return {
    id,
    droneId: `drone-${id}`,
    launchPoint: PORT,
    launchMs: DAY0 + fromH * HOUR,
    landMs: DAY0 + toH * HOUR,
    path: [PORT, at(reachM, 0), PORT],
  };
}
function pilot(id: string, extra: Partial<PilotInput> = {}): PilotInput {
  return {
    id,
    station: PORT,
    licenceClass: 'bvlos',
    licenceValidFromMs: DAY0 - 365 * DAY,
    licenceValidUntilMs: DAY0 + 365 * DAY,
    shifts: [{ fromMs: DAY0 + 6 * HOUR, toMs: DAY0 + 18 * HOUR }],
    maxSimultaneousDrones: 1,
    ...extra,
  };
}

/** Independent validity check: every constraint, with supervision counted at every launch instant. */
function violations(result: PilotAssignmentResult, sorties: SortieToStaff[], pilots: PilotInput[]): string[] {
  const out: string[] = [];
  const byId = new Map(sorties.map((s) => [s.id, s]));
  for (const a of result.assignments) {
    const s = byId.get(a.sortieId)!;
    const p = pilots.find((q) => q.id === a.pilotId)!;
    if (pilotMismatch(s, p, RULES.vlosRangeM)) out.push(`${s.id}: ${pilotMismatch(s, p, RULES.vlosRangeM)}`);
    const mine = result.assignments.filter((b) => b.pilotId === p.id).map((b) => byId.get(b.sortieId)!);
    for (const t of mine.map((m) => m.launchMs)) {
      const concurrent = mine.filter((m) => m.launchMs <= t && m.landMs > t).length;
      if (concurrent > p.maxSimultaneousDrones) out.push(`${p.id} supervises ${concurrent} at ${t}`);
    }
  }
  const seen = [
    ...result.assignments.map((a) => a.sortieId),
    ...result.unassigned.map((u) => u.sortieId),
  ].sort();
  if (JSON.stringify(seen) !== JSON.stringify(sorties.map((s) => s.id).sort()))
    out.push('not every sortie reported once');
  return out;
}

/** Brute force: every way of giving each sortie a pilot or none; the most sorties staffed validly. */
function bruteForceMax(sorties: SortieToStaff[], pilots: PilotInput[]): number {
  let best = 0;
  const choice: number[] = new Array(sorties.length).fill(-1);
  const valid = () => {
    for (let p = 0; p < pilots.length; p++) {
      const mine = sorties.filter((_, i) => choice[i] === p);
      for (const s of mine) {
        if (pilotMismatch(s, pilots[p], RULES.vlosRangeM)) return false;
        const concurrent = mine.filter((m) => m.launchMs <= s.launchMs && m.landMs > s.launchMs).length;
        if (concurrent > pilots[p].maxSimultaneousDrones) return false;
      }
    }
    return true;
  };
  const visit = (i: number) => {
    if (i === sorties.length) {
      if (valid()) best = Math.max(best, choice.filter((c) => c >= 0).length);
      return;
    }
    for (let p = -1; p < pilots.length; p++) {
      choice[i] = p;
      visit(i + 1);
    }
    choice[i] = -1;
  };
  visit(0);
  return best;
}

describe('assignPilots', () => {
  it('decides VLOS or BVLOS by the distance from the pilot station', () => {
    expect(operationFor(sortie('near', 8, 9, 400), pilot('a'), 500)).toBe('vlos');
    expect(operationFor(sortie('far', 8, 9, 3000), pilot('a'), 500)).toBe('bvlos');
  });

  it('honours licence class, validity on the flight day, shifts and supervision limits', () => {
    const sorties = [
      sortie('far', 8, 9, 3000),
      sortie('near-1', 10, 11, 300),
      sortie('near-2', 10.5, 11.5, 300),
      sortie('evening', 19, 20, 300),
    ];
    const pilots = [
      pilot('vlos-only', { licenceClass: 'vlos', maxSimultaneousDrones: 1 }),
      pilot('expires-today', { licenceValidUntilMs: DAY0 + 12 * HOUR }),
    ];
    const result = assignPilots(sorties, pilots, RULES);
    expect(violations(result, sorties, pilots)).toEqual([]);
    const who = Object.fromEntries(result.assignments.map((a) => [a.sortieId, a.pilotId]));
    expect(who).toEqual({ 'near-1': 'vlos-only' });
    const reasons = Object.fromEntries(result.unassigned.map((u) => [u.sortieId, u.reason]));
    expect(result.unassigned.every((u) => u.code === 'no_pilot')).toBe(true);
    expect(reasons.far).toMatch(/BVLOS/);
    expect(reasons.far).toMatch(/licence not valid/);
    expect(reasons['near-2']).toMatch(/limit of drones/);
    expect(reasons.evening).toMatch(/not on shift/);
    // A second drone for the VLOS pilot lets both overlapping sorties fly.
    const two = assignPilots(sorties, [{ ...pilots[0], maxSimultaneousDrones: 2 }], RULES);
    expect(two.assignments.map((a) => a.sortieId)).toEqual(['near-1', 'near-2']);
    expect(two.assignments.every((a) => a.operation === 'vlos')).toBe(true);
  });

  it('staffs as many sorties as a brute-force search on 200 small seeded days', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = seededRandom(seed);
      const sorties: SortieToStaff[] = [];
      const n = 2 + Math.floor(random() * 5);
      for (let i = 0; i < n; i++) {
        const from = 6 + random() * 12;
        sorties.push(sortie(`s${i}`, from, from + 0.25 + random() * 2, random() < 0.5 ? 300 : 2000));
      }
      const pilots: PilotInput[] = [];
      const m = 1 + Math.floor(random() * 3);
      for (let p = 0; p < m; p++) {
        const start = 6 + random() * 6;
        pilots.push(
          pilot(`p${p}`, {
            licenceClass: random() < 0.5 ? 'vlos' : 'bvlos',
            shifts: [{ fromMs: DAY0 + start * HOUR, toMs: DAY0 + (start + 4 + random() * 8) * HOUR }],
            maxSimultaneousDrones: 1 + Math.floor(random() * 2),
            licenceValidUntilMs: random() < 0.1 ? DAY0 : DAY0 + 30 * DAY,
          }),
        );
      }
      const result = assignPilots(sorties, pilots, RULES);
      expect(violations(result, sorties, pilots)).toEqual([]);
      expect([seed, result.assignments.length]).toEqual([seed, bruteForceMax(sorties, pilots)]);
    }
  });

  it('keeps a valid greedy answer when the search budget runs out', () => {
    const sorties = Array.from({ length: 60 }, (_, i) =>
      sortie(`s${i}`, 6 + (i % 12), 7 + (i % 12) + 0.5, 300),
    );
    const pilots = [pilot('a', { maxSimultaneousDrones: 2 }), pilot('b', { maxSimultaneousDrones: 1 })];
    const result = assignPilots(sorties, pilots, { ...RULES, maxSearchNodes: 50 });
    expect(violations(result, sorties, pilots)).toEqual([]);
    expect(result.assignments.length).toBeGreaterThan(0);
  });

  it('counts flights a pilot already committed to against their supervision limit', () => {
    // The pilot accepted a 9:00–10:00 flight earlier; a re-plan's 9:30 sortie would be a second drone.
    const committed = [{ fromMs: DAY0 + 9 * HOUR, toMs: DAY0 + 10 * HOUR }];
    const one = pilot('a', { committed });
    const overlapping = sortie('s1', 9.5, 10.5, 300);
    const after = sortie('s2', 10, 11, 300);
    const result = assignPilots([overlapping, after], [one], RULES);
    expect(result.assignments.map((a) => a.sortieId)).toEqual(['s2']);
    expect(result.unassigned[0]).toMatchObject({ sortieId: 's1', code: 'no_pilot' });
    expect(result.unassigned[0].reason).toMatch(/limit/);
    // A pilot who watches two drones takes it beside the committed flight; a sortie fully inside it too.
    const two = pilot('a', { committed, maxSimultaneousDrones: 2 });
    const inside = sortie('s3', 9.2, 9.4, 300);
    expect(assignPilots([inside], [two], RULES).assignments).toHaveLength(1);
    expect(assignPilots([overlapping, after], [two], RULES).assignments).toHaveLength(2);
  });
});
