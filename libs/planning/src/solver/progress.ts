import type { SolveOptions } from '../model';
import type { Search, Snapshot } from './search';

type Exchange = NonNullable<Search['exchange']>;

/**
 * Wraps a search's exchange hook (called every few hundred iterations with the best so far) so that
 * `onProgress` hears of each improvement, at most every `progressEveryMs`.
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
  return (best, elapsedMs) => {
    if (best !== last && elapsedMs - lastAt >= every) {
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
