import { readFileSync } from 'node:fs';
import { sharedDataPath } from '@rd/testing/shared-data';
import type { SolveProgress } from '../model';
import { parseSolomon, solomonProblem } from '../solomon';
import { solve } from './solve';

describe('solve progress', () => {
  it('reports the best plan so far as it improves, never getting worse', () => {
    const problem = solomonProblem(parseSolomon(readFileSync(sharedDataPath('solomon', 'r101.txt'), 'utf8')));
    const seen: SolveProgress[] = [];
    const solution = solve(problem, {
      seed: 3,
      // Bounded by iterations, not by a time budget a busy machine can spend on construction alone.
      timeLimitMs: 120_000,
      maxIterations: 3000,
      now: () => performance.now(),
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
