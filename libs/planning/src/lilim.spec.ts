import { readFileSync } from 'node:fs';
import { sharedDataPath } from '@rd/testing/shared-data';
import { checkSolution } from './checker/check-solution';
import { liLimProblem, parseLiLim } from './lilim';
import { solve } from './solver/solve';

const read = (set: string, name: string): string =>
  readFileSync(sharedDataPath('lilim', set, `${name}.txt`), 'utf8');

describe('Li & Lim PDPTW instances', () => {
  test('lc101: header, depot and every pickup paired with a delivery of the opposite demand', () => {
    const inst = parseLiLim(read('li_lim_100', 'lc101'), 'lc101');
    expect(inst.vehicles).toBe(25);
    expect(inst.capacity).toBe(200);
    expect(inst.rows[0]).toEqual([0, 40, 50, 0, 0, 1236, 0, 0, 0]);
    const p = liLimProblem(inst);
    expect(p.stops).toHaveLength(inst.rows.length - 1);
    const byId = new Map(p.stops.map((s) => [s.id, s]));
    const pickups = p.stops.filter((s) => s.kind === 'pickup');
    expect(pickups.length * 2).toBe(p.stops.length);
    for (const s of pickups) {
      const row = inst.rows.find((r) => String(r[0]) === s.id) as number[];
      const to = byId.get(s.deliverTo as string);
      expect(to?.kind).toBe('delivery');
      const toRow = inst.rows.find((r) => String(r[0]) === to?.id) as number[];
      expect(toRow[7]).toBe(row[0]); // the delivery names its pickup back
      expect(toRow[3]).toBe(-row[3]);
    }
    expect(p.vehicles[0].shiftEndS).toBe(1236);
  });

  test('rejects a malformed file with the line at fault', () => {
    expect(() => parseLiLim('25 200 1\n0 40 50 0 0 1236 0 0\n')).toThrow(/line 2/);
    expect(() => parseLiLim('')).toThrow(/header/);
  });

  test.each([
    ['li_lim_100', 'lc101'],
    ['li_lim_100', 'lr205'],
    ['li_lim_200', 'LRC1_2_1'],
  ])('%s/%s: a short solve serves every task and passes the checker', (set, name) => {
    const problem = liLimProblem(parseLiLim(read(set, name), name));
    const sol = solve(problem, { seed: 1, timeLimitMs: 60_000, now: () => 0, maxIterations: 150 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.unassignedMandatory).toBe(0);
  });

  test('the regret construction alone (no search iterations) serves lc101 and passes the checker', () => {
    const problem = liLimProblem(parseLiLim(read('li_lim_100', 'lc101'), 'lc101'));
    const sol = solve(problem, { seed: 1, timeLimitMs: 60_000, now: () => 0, maxIterations: 0 });
    const check = checkSolution(problem, sol);
    expect(check.violations).toEqual([]);
    expect(check.unassignedMandatory).toBe(0);
  });
});
