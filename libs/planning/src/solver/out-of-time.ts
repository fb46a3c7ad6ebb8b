import type { RouteBuf } from './route-buf';

/**
 * Position p cannot take a stop whatever the roads, so neither of its two matrix cells needs reading (on a
 * large day most positions end here, and each read is a cache miss): the route leaves p after the stop's last
 * window closes, or the earliest the stop could be left (`max(departure, first opening) + service`) is already
 * past `late`, the latest start of the stop after p (the shift's end behind the last). Exact: the checks that
 * read the matrices rule out every such position too.
 */
export function outOfTime(
  r: RouteBuf,
  p: number,
  late: number,
  firstOpen: number,
  serv: number,
  lastClose: number,
): boolean {
  const dep = r.depS[p];
  return dep > lastClose || (dep > firstOpen ? dep : firstOpen) + serv > late;
}
