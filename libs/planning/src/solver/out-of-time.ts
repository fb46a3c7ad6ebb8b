/**
 * A stop cannot go in after a position left at `dep`, whatever the roads, so neither of the position's two
 * matrix cells needs reading (on a large day most positions end here, and each read is a cache miss): the route
 * leaves after the stop's last window closes, or the earliest the stop could be left (`max(dep, first opening)
 * + service`) is already past `late`, the latest start of the stop after the position (the shift's end behind
 * the last). Exact: the checks that read the matrices rule out every such position too, legs being ≥ 0.
 */
export function outOfTime(
  dep: number,
  late: number,
  firstOpen: number,
  serv: number,
  lastClose: number,
): boolean {
  return dep > lastClose || (dep > firstOpen ? dep : firstOpen) + serv > late;
}
