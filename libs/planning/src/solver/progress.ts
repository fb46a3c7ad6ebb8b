import type { SolveOptions } from '../model';
import { betterPlan } from './plan-key';
import type { Search, Snapshot } from './search';

type Exchange = NonNullable<Search['exchange']>;

/**
 * Wraps a search's exchange hook (called every few hundred iterations with the best so far) so that
 * `onProgress` hears of each improvement, at most every `progressEveryMs`. Only plans better than the last one
 * reported are reported: the cost preset anneals the smallest fleet its fleet phase found, whose first plan can
 * cost more than the cheapest plan of that phase (which comes back at the end if it stays cheaper).
 */
export function withProgress(
  search: Search,
  options: SolveOptions,
  exchange?: Exchange,
): Exchange | undefined {
  const onProgress = options.onProgress;
  if (!onProgress) return exchange;
  const every = options.progressEveryMs ?? 500;
  let last: Snapshot | undefined;
  let lastAt = -Infinity;
  const fleet = options.preset === 'fleet';
  return (best, elapsedMs) => {
    // (the same plan again is not better than itself)
    if ((!last || betterPlan(best, last, fleet)) && elapsedMs - lastAt >= every) {
      last = best;
      lastAt = elapsedMs;
      onProgress({
        elapsedMs,
        cost: best.cost,
        unassignedPenalty: best.unPen,
        vehicles: best.used,
        iterations: search.iterations,
      });
    }
    return exchange?.(best, elapsedMs);
  };
}
