/** Search parameters: the run's budget and seed, and the tuning of the annealing, SISR and construction. */
export interface SearchParams {
  seed: number;
  timeLimitMs: number;
  now: () => number;
  maxIterations: number;
  /** Annealing temperature at start and end, in units of a typical edge. */
  tempStart: number;
  tempEnd: number;
  /** SISR: average number of removed stops, maximum string length, blink rate, split depth. */
  avgRemoved: number;
  maxString: number;
  blink: number;
  splitBeta: number;
  /** Share of the time spent removing vehicles (fleet preset). */
  fleetShare: number;
  /** Fleet preset: share of the time annealing the distance before removing vehicles. */
  fleetWarmShare: number;
  /** Probability that a ruin empties one whole route instead of removing strings. */
  routeRemoval: number;
  /** After fleet minimisation, a mandatory stop left out costs this many typical edges to the annealing. */
  softPenalty: number;
  /** First plan by regret-k insertion (k routes compared; below 2: greedy insertion in random order). */
  regretK: number;
  /** Regret construction only up to this many stops (it costs stops² × routes evaluations). */
  regretMaxStops: number;
  /** Granular insertion: with more than `granularMinRoutes` routes in use, a stop tries the routes of its nearest `granularNeighbours` stops. */
  granularNeighbours: number;
  /**
   * Distance and cost presets anneal in cycles of doubling length, each restarting from the best plan:
   * the first cycle has `firstCycleIterations` (0: `cycleWork` / stops), later cycles start at `restartHeat` × `tempStart`.
   * Longer, hotter cycles (400,000 and 0.6, were 200,000 and 0.3) restart from the best plan less often and less
   * coldly: Solomon at 0.5 s over five seeds (2 threads), spread per class at most 0.47 points (RC2 0.98 → 0.47),
   * median mean gap 0.47 → 0.41 %; at 0.2 s 0.78 → 0.71 %, at 2 s 0.26 → 0.25 %; Li & Lim 100 unchanged; rural
   * days of 1,000 and 2,000 stops at 10 s, three seeds: 1.005× and 0.997× the cost (geometric means).
   */
  firstCycleIterations: number;
  cycleWork: number;
  restartHeat: number;
  /** Share of iterations that relocate or exchange a pickup–delivery pair instead of ruining strings (when there are pairs). */
  pairMoveRate: number;
  /** 1: single stops go into multi-trip and working-time-limited routes by O(1) checks; 0: by simulation. */
  multiTripFast: number;
  /** 1: pickup–delivery pairs go into multi-trip and working-time-limited routes by O(1) checks too; 0: by simulation. */
  multiTripPairFast: number;
  granularMinRoutes: number;
  /**
   * ... or on a day of at least this many stops, however few its routes: a 2,000-stop rural day on 21–27 long
   * routes tried every position of every route (20,000 per iteration) and made 2–3× fewer iterations; granular,
   * its plans were 3.6 % cheaper at 10 s and 1.2 % at 60 s (three seeds each). At 1,000 stops granular was 4.3 %
   * cheaper at 10 s but 2.4 % dearer at 60 s (all positions pay once the search converges): not below 1,500.
   */
  granularMinStops: number;
  /**
   * With granular insertion on, in the annealing: a stop (a pair's pickup and delivery each) goes first only
   * beside one of its nearest `granularPositions` stops or at a route's ends, every position only when that
   * finds no place; 0: every position. Off until it pays: at 5,000 stops 30 makes iterations about 1.5x as
   * fast but each one weaker (10 CPU s: 3.60 M either way).
   */
  granularPositions: number;
  /**
   * Large days (at least `decomposeMinStops` stops, distance and cost presets): after the first plan, solve
   * groups of nearby routes of about `decomposeGroupStops` stops as sub-problems with their own small matrices,
   * `decomposeIterations` iterations each, and put each group's best back (route-based decomposition).
   */
  decomposeMinStops: number;
  decomposeGroupStops: number;
  decomposeIterations: number;
  /**
   * Cost preset with fixed vehicle costs: after the construction, empty the smallest routes (the fleet phase)
   * until this many iterations pass without emptying one (each weighted by 1 + stops left out / avgRemoved: a
   * fleet too small for its stops makes every iteration dearer), or until a plan that serves every stop again
   * costs more than `routeMinSlack` (a fraction) above the cheapest such plan so far; then anneal the cost within
   * the smallest fleet that served every stop (the cheapest plan comes back if it stays cheaper); 0: off.
   * 1,000 and 0.01 (were 200 and 0): on a 5,000-stop day the phase had stopped at 57–59 vehicles, where one
   * emptied route needs more than 200 weighted iterations and the first rough plan after it looked dearer; it
   * now reaches 45–49 (README, "Issue 14, third pass").
   */
  routeMinStall: number;
  routeMinSlack: number;
  /**
   * A time-limited run (no iteration cap) ends the fleet phase at this share of its time at the latest, so that a
   * short budget on a slow machine still anneals the routing: on a 5,000-stop day with 10 CPU s on a slow machine
   * the phase otherwise used the whole budget and left 5,400 km more to drive than the 60 s plan (0.6: 3–9 %
   * cheaper over three seeds, the 60 s plans unchanged; README, "Issue 14, fifth pass"). A longer run's fleet
   * phase is the same up to the shorter one's cut and goes on, so it ends with no more vehicles.
   */
  routeMinTimeShare: number;
  /**
   * 1: 2-opt every route of the plan the annealing starts from after route minimisation (ops/two-opt.ts); 2-opt
   * of the changed routes in every iteration was tried and halved the iterations for no better plan.
   */
  twoOpt: number;
  /**
   * 1: the greedy construction (all of a day past regretMaxStops, the rest after a timed-out regret) puts the
   * stops in nearest the hub first; 0: in one of SISR's orders at random. On a 5,000-stop rural day nearest-first
   * opened 117 vans where the random, demand and far orders opened 131–156, and the 10 s plans of three seeds
   * were 3–14 % cheaper (2,000 stops: 3 %; 200 and 400 stops with 1,000 iterations, 12 seeds: 3.5 %).
   */
  constructNearestFirst: number;
  /**
   * 1: the fleet preset's schedule (a warm start, remove vehicles, anneal within the smaller fleet) while plans
   * are still ranked by the preset's own objective; a plan adopted from another thread is ignored.
   */
  fleetFirst: number;
  /**
   * Threads, distance preset, pickup–delivery pairs: 1, the default, makes one worker search fleet-first (many
   * Li & Lim optima use the fewest vehicles); 0: every worker on the distance alone. Li & Lim 100, 2 threads, five
   * seeds at 0.5 s: spread across seeds 0.13 → 0.02 points (LR2 0.89 → 0.07), mean gap −0.68 % → −0.80 %,
   * 409 → 407 vehicles; the same with a busy loop on one of the two cores, and at 0.1 s.
   */
  portfolio: number;
}

export const DEFAULT_PARAMS: Omit<SearchParams, 'seed' | 'timeLimitMs' | 'now' | 'maxIterations'> = {
  tempStart: 5,
  tempEnd: 0.05,
  avgRemoved: 10,
  maxString: 10,
  blink: 0.01,
  splitBeta: 0.01,
  fleetShare: 0.5,
  fleetWarmShare: 0.15,
  routeRemoval: 0.01,
  softPenalty: 1000,
  regretK: 3,
  regretMaxStops: 1500,
  granularNeighbours: 30,
  firstCycleIterations: 0,
  cycleWork: 400_000,
  restartHeat: 0.6,
  pairMoveRate: 0.1,
  multiTripFast: 1,
  multiTripPairFast: 1,
  granularMinRoutes: 24,
  granularMinStops: 1500,
  granularPositions: 0,
  decomposeMinStops: Infinity,
  decomposeGroupStops: 600,
  decomposeIterations: 2000,
  routeMinStall: 1000,
  routeMinSlack: 0.01,
  routeMinTimeShare: 0.6,
  twoOpt: 1,
  constructNearestFirst: 1,
  fleetFirst: 0,
  portfolio: 1,
};
