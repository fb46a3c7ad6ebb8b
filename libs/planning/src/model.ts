/**
 * The vehicle-routing problem and plan, as the planner and the checker see it.
 * Units: seconds, metres, and whatever unit each capacity dimension uses (grams, litres…).
 * Locations are indices into the matrices: hubs and stops alike.
 */

/**
 * Matrix cells: 32-bit floats for road matrices (half the memory; ~7 significant digits, centimetres at 100 km),
 * 64-bit where exact benchmark distances matter (Solomon, Li & Lim).
 */
export type MatrixCells = Float32Array | Float64Array;

/** One travel profile (van, motorbike…): row-major `locationCount × locationCount` matrices. */
export interface VrpMatrix {
  /** Travel time in seconds from row to column; `Infinity` where unreachable by road. */
  durationS: MatrixCells;
  /** Travel distance in metres from row to column; `Infinity` where unreachable by road. */
  distanceM: MatrixCells;
}

export type StopKind = 'delivery' | 'pickup';

export interface VrpStop {
  id: string;
  /** Index into the matrices. */
  location: number;
  /**
   * `delivery`: loaded at the hub at the start of the trip, unloaded here.
   * `pickup`: loaded here, unloaded at the hub at the end of the trip (or at the paired delivery).
   */
  kind: StopKind;
  serviceS?: number;
  /** Amount per capacity dimension (missing dimensions are 0). */
  demand?: number[];
  /** Hard windows for the start of service, `[openS, closeS]`, sorted and disjoint. None = any time. */
  timeWindows?: [number, number][];
  /** Skills the serving vehicle must have (cold chain, fragile, cash on delivery…). */
  skills?: string[];
  /** Optional stop: leaving it unserved costs this much (in objective units). Absent = mandatory. */
  penalty?: number;
  /**
   * On a `pickup`: the id of the `delivery` stop that receives its goods (village to village).
   * Both go on the same vehicle and trip, the pickup first; the pair's load is the pickup's demand.
   */
  deliverTo?: string;
}

export interface VrpVehicle {
  id: string;
  /** Key into `VrpProblem.profiles`. */
  profile: string;
  startLocation: number;
  endLocation: number;
  shiftStartS: number;
  /** Latest arrival at the end hub. */
  shiftEndS: number;
  /** Maximum working time, from leaving the start hub to arriving at the end hub. */
  maxWorkS?: number;
  /** Capacity per dimension. */
  capacity: number[];
  skills?: string[];
  /** Cost of using the vehicle at all (objective `cost`; the `fleet` preset counts vehicles instead). Costs are finite and ≥ 0. */
  fixedCost?: number;
  /** Cost per second of working time (objective `cost`). */
  costPerS?: number;
  /** Cost per metre (objective `cost`); default 1. */
  costPerM?: number;
  /** Trips per shift; between trips the vehicle returns to `reloadLocation` to unload and reload. */
  maxTrips?: number;
  /** Hub where the vehicle reloads between trips; default `startLocation`. */
  reloadLocation?: number;
  reloadServiceS?: number;
  /**
   * Committed work: stop ids already done or in progress, in order. They stay first on this vehicle,
   * in this order, in the first trip; the solver plans only what comes after them.
   */
  lockedStopIds?: string[];
}

export interface VrpProblem {
  locationCount: number;
  profiles: Record<string, VrpMatrix>;
  vehicles: VrpVehicle[];
  stops: VrpStop[];
}

/**
 * - `distance`: minimise unassigned penalties, then total distance (the Solomon "distance-only" convention).
 * - `fleet`: unassigned penalties, then the number of vehicles, then distance (the SINTEF convention).
 * - `cost`: unassigned penalties, then Σ fixed cost + costPerS × working time + costPerM × distance.
 */
export type ObjectivePreset = 'distance' | 'fleet' | 'cost';

export interface SolveOptions {
  seed: number;
  timeLimitMs: number;
  /** Monotonic clock in milliseconds (e.g. `performance.now`); the solver never reads the time itself. */
  now: () => number;
  preset?: ObjectivePreset;
  /** Stop after this many search iterations (deterministic runs in tests). */
  maxIterations?: number;
  /** 1 = single-thread (default for `solve`); `solveParallel` uses worker threads when > 1 (a `SolverPool`'s, if given). */
  threads?: number;
  /**
   * Called from the search (on the calling thread) when its best plan improved, at most every
   * `progressEveryMs` (default 500): for progress reports while a long search runs.
   */
  onProgress?: (progress: SolveProgress) => void;
  progressEveryMs?: number;
}

export interface SolveProgress {
  elapsedMs: number;
  /** Routing cost of the best plan so far under the preset (unassigned penalties apart). */
  cost: number;
  unassignedPenalty: number;
  vehicles: number;
  iterations: number;
}

export type VisitType = 'start' | 'stop' | 'reload' | 'end';

export interface VrpVisit {
  type: VisitType;
  /** Set when `type === 'stop'`. */
  stopId?: string;
  location: number;
  arrivalS: number;
  /** Start of service (after any wait). */
  startS: number;
  departureS: number;
  /** Load on board per dimension when leaving this visit. */
  load: number[];
}

export interface VrpRoute {
  vehicleId: string;
  /** Starts with a `start` visit and ends with an `end` visit; `reload` visits separate trips. */
  visits: VrpVisit[];
  distanceM: number;
  /** Working time: from leaving the start hub to arriving at the end hub. */
  durationS: number;
  trips: number;
}

export type UnassignedReason =
  | 'skill' // no vehicle has the skills
  | 'unreachable' // no vehicle can reach it (and get back) by road
  | 'capacity' // larger than every vehicle that could carry it
  | 'time_window' // no vehicle can be there within its windows (and back in its shift)
  | 'shift' // reachable, but not within any vehicle's maximum working time
  | 'not_worth' // optional and cheaper to drop than to serve
  | 'no_room'; // it fits alone, but the fleet is full with other work

/**
 * For `no_room`: the constraint that keeps the stop out of the routes as planned. `capacity` — with
 * unlimited capacity it would fit into some route; `time` — with no windows, shift end or working-time
 * limit it would; `capacity_and_time` — either relaxation alone would do, or only both together.
 */
export type NoRoomBinding = 'capacity' | 'time' | 'capacity_and_time';

export interface VrpUnassigned {
  stopId: string;
  reason: UnassignedReason;
  /** Set when `reason` is `no_room`. */
  binding?: NoRoomBinding;
}

/** Why a vehicle's locked stops cannot be kept as given. */
export type LockConflictReason =
  | 'skill' // the vehicle lacks a skill a locked stop needs
  | 'unreachable' // the vehicle cannot reach a locked stop (or get back) by road
  | 'capacity' // the locked stops overload it
  | 'time'; // windows, shift end or working time cannot be kept in that order

export interface LockConflict {
  vehicleId: string;
  reason: LockConflictReason;
  /** The locked stop at fault, where one stop alone is (skill, unreachable). */
  stopId?: string;
}

/**
 * An expected outcome that leaves no plan: the problem must change first (for locked stops: start the
 * vehicle where it is now and lock only the stops still ahead of it, or leave the vehicle out).
 * A plain value, so it survives `postMessage` between threads unchanged.
 */
export interface SolveFailure {
  code: 'locked_stops_infeasible';
  vehicleIds: string[];
  conflicts: LockConflict[];
}

export interface SolveStats {
  cost: number;
  distanceM: number;
  vehicles: number;
  unassignedPenalty: number;
  iterations: number;
  bestFoundAtMs: number;
  /**
   * Cost preset with fixed vehicle costs, one thread: when route minimisation gave way to cost annealing (a
   * time-limited run ends it at 60 % of the time at the latest); absent when it never did.
   */
  fleetPhaseEndedAtMs?: number;
  elapsedMs: number;
  threads: number;
  /** Why fewer threads ran than asked (e.g. the compiled worker file is missing). */
  threadNote?: string;
  /**
   * With worker threads: from the solve call until the last worker's search began (starting the thread,
   * loading the solver, sending and compiling the problem); a warm pool makes it a few milliseconds.
   */
  threadStartupMs?: number;
}

export interface VrpSolution {
  routes: VrpRoute[];
  unassigned: VrpUnassigned[];
  stats: SolveStats;
  /** Set when no plan could be made (then `routes` and `unassigned` are empty): check it first. */
  failure?: SolveFailure;
}
