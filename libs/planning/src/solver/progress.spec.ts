import { readFileSync } from 'node:fs';
import { sharedDataPath } from '@rd/testing/shared-data';
import type { SolveProgress } from '../model';
import { parseSolomon, solomonProblem } from '../solomon';
import { withProgress } from './progress';
import type { Search, Snapshot } from './search';
import { solve } from './solve';

describe('solve progress', () => {
  it('reports the best plan so far as it improves, never getting worse', () => {
    const problem = solomonProblem(parseSolomon(readFileSync(sharedDataPath('solomon', 'r101.txt'), 'utf8')));
    const seen: SolveProgress[] = [];
    // an injected clock and an iteration cap: as many reports on a loaded machine as on a quiet one
    let clockMs = 0;
    const solution = solve(problem, {
      seed: 3,
      timeLimitMs: 1e9,
      maxIterations: 3000,
      now: () => (clockMs += 0.01),
      onProgress: (p) => seen.push(p),
      progressEveryMs: 0,
    });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      expect(b.elapsedMs).toBeGreaterThanOrEqual(a.elapsedMs);
      expect(
        b.unassignedPenalty < a.unassignedPenalty ||
          (b.unassignedPenalty === a.unassignedPenalty && b.cost < a.cost),
      ).toBe(true);
    }
    // The last report is no better than the plan returned.
    expect(seen[seen.length - 1].cost).toBeGreaterThanOrEqual(solution.stats.cost - 1e-6);
  });

  it('never reports a plan dearer than one already reported (the cost preset may anneal a dearer, smaller fleet)', () => {
    const seen: SolveProgress[] = [];
    const search = { iterations: 0 } as Search;
    const hook = withProgress(search, {
      seed: 1,
      timeLimitMs: 1,
      now: () => 0,
      onProgress: (p) => seen.push(p),
      progressEveryMs: 0,
    })!;
    const plan = (cost: number, used: number): Snapshot => ({
      nodes: [],
      mandUn: 0,
      used,
      optPen: 0,
      unPen: 0,
      cost,
    });
    hook(plan(1000, 5), 1);
    // after the fleet phase the search anneals the smallest fleet, which starts out dearer than its cheapest plan
    hook(plan(1040, 4), 2);
    hook(plan(990, 4), 3);
    expect(seen.map((p) => [p.cost, p.vehicles])).toEqual([
      [1000, 5],
      [990, 4],
    ]);
  });

  it('reports at most once per interval', () => {
    const problem = solomonProblem(parseSolomon(readFileSync(sharedDataPath('solomon', 'c101.txt'), 'utf8')));
    const seen: number[] = [];
    solve(problem, {
      seed: 1,
      timeLimitMs: 300,
      now: () => performance.now(),
      onProgress: (p) => seen.push(p.elapsedMs),
      progressEveryMs: 100,
    });
    for (let i = 1; i < seen.length; i++) expect(seen[i] - seen[i - 1]).toBeGreaterThanOrEqual(100);
  });
});
