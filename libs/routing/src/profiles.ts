/**
 * Vehicle profiles as data: a table of highway types → speed, access tags read in order of
 * precedence, and speed factors for surfaces and track grades. `wayAccess` turns a way's tags into
 * per-direction speeds using only these tables.
 */
export interface VehicleProfile {
  name: string;
  /** Speed in km/h by `highway=*`; a type absent from the table is not routable. */
  highwaySpeedKmh: Readonly<Record<string, number>>;
  /** Upper bound on any speed, tagged or not (km/h). */
  maxSpeedKmh: number;
  /** A tagged `maxspeed` is multiplied by this (traffic rarely drives at the limit). */
  maxspeedFactor: number;
  /** Access tags read from most to least specific; the first one present decides. */
  accessTags: readonly string[];
  /** Values of the access tags that close the way to this vehicle. */
  deniedAccess: readonly string[];
  /** Speed factor by `surface=*`; 0 closes the way. Absent surfaces count as 1. */
  surfaceFactor: Readonly<Record<string, number>>;
  /** Speed factor by `tracktype=*` (for any highway carrying it); 0 closes the way. */
  tracktypeFactor: Readonly<Record<string, number>>;
  /** Factor applied to `highway=track` without a tracktype (0 closes it). */
  untypedTrackFactor: number;
  /** Speed factor by `smoothness=*`; 0 closes the way. */
  smoothnessFactor: Readonly<Record<string, number>>;
  /** `barrier=*` values this vehicle cannot pass unless the node's access tags allow it (gates and cattle grids pass). */
  blockingBarriers: readonly string[];
  /** Vehicle names read in `restriction:<vehicle>` and `except` of turn restrictions, most specific first. */
  restrictionVehicles: readonly string[];
  /**
   * The vehicle's size and weight: ways and nodes tagged `maxheight`, `maxwidth`, `maxlength`,
   * `maxweight` or `maxaxleload` close to it only when it exceeds the limit. Absent: no limit binds.
   */
  dimensions?: VehicleDimensions;
  /** Whether turn restrictions (`type=restriction` relations) apply to this vehicle (default true). */
  turnRestrictions?: boolean;
  /** What the profile is for, shown with the map (optional). */
  description?: string;
}

/** Size and weight of a vehicle (metres and grams, as everywhere in the system). */
export interface VehicleDimensions {
  heightM: number;
  widthM: number;
  lengthM: number;
  grossWeightG: number;
  axleLoadG: number;
}

const commonDenied = [
  'no',
  'private',
  'agricultural',
  'forestry',
  'military',
  'emergency',
  'psv',
  'bus',
  'disabled',
];

const unpavedSurface = {
  paved: 1,
  asphalt: 1,
  concrete: 1,
  'concrete:plates': 0.9,
  'concrete:lanes': 0.85,
  paving_stones: 0.85,
  chipseal: 0.95,
  metal: 0.8,
  wood: 0.7,
  sett: 0.7,
  cobblestone: 0.6,
  unhewn_cobblestone: 0.5,
  compacted: 0.8,
  fine_gravel: 0.7,
  gravel: 0.6,
  pebblestone: 0.55,
  unpaved: 0.6,
  dirt: 0.5,
  earth: 0.5,
  ground: 0.5,
  grass_paver: 0.5,
  grass: 0.4,
  rock: 0.4,
  sand: 0.3,
  mud: 0.3,
  ice: 0,
  snow: 0,
} as const;

/** A delivery van: keeps to roads and good tracks (grade 1–2). */
export const VAN: VehicleProfile = {
  name: 'van',
  description: 'delivery van, 3.5 t gross, 2.7 m high roof',
  highwaySpeedKmh: {
    motorway: 100,
    motorway_link: 60,
    trunk: 85,
    trunk_link: 50,
    primary: 70,
    primary_link: 45,
    secondary: 60,
    secondary_link: 40,
    tertiary: 50,
    tertiary_link: 35,
    unclassified: 40,
    residential: 30,
    living_street: 10,
    service: 20,
    road: 25,
    track: 15,
  },
  maxSpeedKmh: 100,
  maxspeedFactor: 0.9,
  accessTags: ['goods', 'motorcar', 'motor_vehicle', 'vehicle', 'access'],
  deniedAccess: commonDenied,
  surfaceFactor: { ...unpavedSurface, mud: 0, sand: 0, grass: 0.3 },
  tracktypeFactor: { grade1: 1, grade2: 0.7, grade3: 0, grade4: 0, grade5: 0 },
  untypedTrackFactor: 0.7,
  smoothnessFactor: { very_bad: 0.5, horrible: 0, very_horrible: 0, impassable: 0 },
  restrictionVehicles: ['goods', 'motorcar', 'motor_vehicle'],
  // a high-roof panel van at its permitted gross weight
  dimensions: { heightM: 2.7, widthM: 2.1, lengthM: 6.0, grossWeightG: 3_500_000, axleLoadG: 2_000_000 },
  // a height restrictor with a tagged maxheight binds by that height (see barrierBlocks)
  blockingBarriers: [
    'bollard',
    'block',
    'jersey_barrier',
    'chain',
    'bar',
    'barrier_board',
    'log',
    'debris',
    'fence',
    'wall',
    'kissing_gate',
    'stile',
    'turnstile',
    'full-height_turnstile',
    'motorcycle_barrier',
    'cycle_barrier',
    'bus_trap',
    'sump_buster',
    'planter',
    'height_restrictor',
    'rope',
    'rock',
  ],
};

/** A motorbike: also rides rough tracks, slowly. */
export const MOTORBIKE: VehicleProfile = {
  name: 'motorbike',
  description: 'delivery motorbike; rides rough tracks slowly',
  highwaySpeedKmh: {
    motorway: 110,
    motorway_link: 60,
    trunk: 90,
    trunk_link: 50,
    primary: 75,
    primary_link: 45,
    secondary: 65,
    secondary_link: 40,
    tertiary: 55,
    tertiary_link: 35,
    unclassified: 45,
    residential: 30,
    living_street: 10,
    service: 20,
    road: 25,
    track: 20,
  },
  maxSpeedKmh: 110,
  maxspeedFactor: 0.9,
  accessTags: ['motorcycle', 'motor_vehicle', 'vehicle', 'access'],
  deniedAccess: commonDenied,
  surfaceFactor: unpavedSurface,
  tracktypeFactor: { grade1: 1, grade2: 0.8, grade3: 0.6, grade4: 0.45, grade5: 0.3 },
  untypedTrackFactor: 0.6,
  smoothnessFactor: { very_bad: 0.6, horrible: 0.4, very_horrible: 0.25, impassable: 0 },
  // as the van's, but height restrictors, bus traps and sump busters do not stop a motorbike
  restrictionVehicles: ['motorcycle', 'motor_vehicle'],
  dimensions: { heightM: 1.4, widthM: 0.9, lengthM: 2.2, grossWeightG: 350_000, axleLoadG: 200_000 },
  blockingBarriers: [
    'bollard',
    'block',
    'jersey_barrier',
    'chain',
    'bar',
    'barrier_board',
    'log',
    'debris',
    'fence',
    'wall',
    'kissing_gate',
    'stile',
    'turnstile',
    'full-height_turnstile',
    'motorcycle_barrier',
    'cycle_barrier',
    'planter',
    'rope',
    'rock',
  ],
};

/**
 * A motor tricycle (the rural cargo three-wheeler): slower than a motorbike everywhere, kept off
 * motorways, and more careful on rough tracks with a load; too wide for bollards and motorcycle
 * barriers. Replaces the planner's old "motorbike × 1.6" stand-in.
 */
export const TRICYCLE: VehicleProfile = {
  name: 'tricycle',
  description: 'motor cargo tricycle, ~1 t gross, 45 km/h top speed',
  highwaySpeedKmh: {
    trunk: 40,
    trunk_link: 30,
    primary: 40,
    primary_link: 30,
    secondary: 38,
    secondary_link: 28,
    tertiary: 35,
    tertiary_link: 25,
    unclassified: 30,
    residential: 20,
    living_street: 8,
    service: 15,
    road: 20,
    track: 15,
  },
  maxSpeedKmh: 45,
  maxspeedFactor: 0.8,
  accessTags: ['motor_vehicle', 'vehicle', 'access'],
  deniedAccess: commonDenied,
  surfaceFactor: { ...unpavedSurface, mud: 0.2, sand: 0.2 },
  tracktypeFactor: { grade1: 1, grade2: 0.75, grade3: 0.5, grade4: 0.3, grade5: 0 },
  untypedTrackFactor: 0.5,
  smoothnessFactor: { very_bad: 0.5, horrible: 0.3, very_horrible: 0, impassable: 0 },
  restrictionVehicles: ['motor_vehicle'],
  dimensions: { heightM: 1.9, widthM: 1.3, lengthM: 3.6, grossWeightG: 1_000_000, axleLoadG: 700_000 },
  // the tricycle is as wide as a small car: every barrier that stops a van stops it
  blockingBarriers: VAN.blockingBarriers,
};

/** A 7.5 t light truck: `hgv` access tags first, kept to good roads, bound by weight and height limits. */
export const SMALL_TRUCK: VehicleProfile = {
  name: 'small-truck',
  description: 'light truck, 7.5 t gross, 3.4 m high',
  highwaySpeedKmh: {
    motorway: 85,
    motorway_link: 55,
    trunk: 75,
    trunk_link: 45,
    primary: 60,
    primary_link: 40,
    secondary: 55,
    secondary_link: 35,
    tertiary: 45,
    tertiary_link: 30,
    unclassified: 35,
    residential: 25,
    living_street: 8,
    service: 15,
    road: 20,
    track: 10,
  },
  maxSpeedKmh: 90,
  maxspeedFactor: 0.85,
  accessTags: ['hgv', 'goods', 'motor_vehicle', 'vehicle', 'access'],
  deniedAccess: commonDenied,
  surfaceFactor: {
    ...unpavedSurface,
    gravel: 0.5,
    dirt: 0.4,
    earth: 0.4,
    ground: 0.4,
    grass: 0,
    sand: 0,
    mud: 0,
  },
  tracktypeFactor: { grade1: 1, grade2: 0.5, grade3: 0, grade4: 0, grade5: 0 },
  untypedTrackFactor: 0.4,
  smoothnessFactor: { bad: 0.8, very_bad: 0.4, horrible: 0, very_horrible: 0, impassable: 0 },
  restrictionVehicles: ['hgv', 'goods', 'motor_vehicle'],
  dimensions: { heightM: 3.4, widthM: 2.4, lengthM: 7.5, grossWeightG: 7_500_000, axleLoadG: 5_000_000 },
  blockingBarriers: VAN.blockingBarriers,
};

export const PROFILES: Readonly<Record<string, VehicleProfile>> = {
  van: VAN,
  motorbike: MOTORBIKE,
  tricycle: TRICYCLE,
  'small-truck': SMALL_TRUCK,
};

export type OsmTags = Readonly<Record<string, string>>;

/** Speeds in km/h for each direction of a way (0 = closed in that direction). */
export interface WayAccess {
  forwardKmh: number;
  backwardKmh: number;
}

const CLOSED: WayAccess = { forwardKmh: 0, backwardKmh: 0 };

/** Parses `maxspeed` values such as `50`, `50 km/h`, `30 mph`; NaN when absent or symbolic. */
export function parseMaxspeedKmh(value: string | undefined): number {
  if (value === undefined) return NaN;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(mph|km\/h|kmh|kph)?\s*$/.exec(value);
  if (!m) return NaN;
  const v = parseFloat(m[1]);
  return m[2] === 'mph' ? v * 1.609344 : v;
}

function directionalSpeed(profile: VehicleProfile, tags: OsmTags, tag: string, base: number): number {
  const ms = parseMaxspeedKmh(tags[tag]);
  let speed = base;
  if (ms > 0) speed = ms * profile.maxspeedFactor;
  return Math.min(speed, profile.maxSpeedKmh);
}

/** Parses `maxheight`-style lengths: `3.5`, `3.5 m`, `3,5`, `350 cm`, `12'6"`, `12 ft`; NaN for `none`, `default`, … */
export function parseLengthM(value: string | undefined): number {
  if (value === undefined) return NaN;
  const v = value.trim().replace(',', '.');
  const ftIn = /^([0-9]+(?:\.[0-9]+)?)\s*(?:'|ft)\s*(?:([0-9]+(?:\.[0-9]+)?)\s*(?:"|in)?)?$/.exec(v);
  if (ftIn) return parseFloat(ftIn[1]) * 0.3048 + (ftIn[2] ? parseFloat(ftIn[2]) * 0.0254 : 0);
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(m|cm)?$/.exec(v);
  if (!m) return NaN;
  return parseFloat(m[1]) * (m[2] === 'cm' ? 0.01 : 1);
}

/** Parses `maxweight`-style masses in grams: `7.5` and `7.5 t` (tonnes, OSM's default), `750 kg`, `5000 lbs`, `3 st` (short tons). */
export function parseWeightG(value: string | undefined): number {
  if (value === undefined) return NaN;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(t|kg|lbs?|st)?$/.exec(value.trim().replace(',', '.'));
  if (!m) return NaN;
  const n = parseFloat(m[1]);
  switch (m[2]) {
    case 'kg':
      return n * 1e3;
    case 'lb':
    case 'lbs':
      return n * 453.59237;
    case 'st':
      return n * 907_184.74;
    default:
      return n * 1e6;
  }
}

/**
 * The first dimension limit of these tags that the profile's vehicle exceeds (`maxheight 2.3 m <
 * vehicle 2.7 m`), or null when none binds. A limit binds only when the vehicle is strictly larger
 * or heavier; an unparseable value (`default`, `none`, `below_default`) binds nothing.
 */
export function exceededLimit(profile: VehicleProfile, tags: OsmTags): string | null {
  const d = profile.dimensions;
  if (!d) return null;
  const lengths: Array<[keys: string[], vehicle: number]> = [
    [['maxheight', 'maxheight:physical'], d.heightM],
    [['maxwidth', 'maxwidth:physical'], d.widthM],
    [['maxlength'], d.lengthM],
  ];
  for (const [keys, vehicle] of lengths)
    for (const k of keys) {
      const limit = parseLengthM(tags[k]);
      if (limit > 0 && vehicle > limit) return `${k}=${tags[k]}`;
    }
  const weights: Array<[key: string, vehicle: number]> = [
    ['maxweight', d.grossWeightG],
    ['maxaxleload', d.axleLoadG],
  ];
  for (const [k, vehicle] of weights) {
    const limit = parseWeightG(tags[k]);
    if (limit > 0 && vehicle > limit) return `${k}=${tags[k]}`;
  }
  return null;
}

/**
 * A vehicle's figures or a road's limits as one vector: height, width, length (m), gross weight,
 * axle load (g). On a road, `Infinity` where nothing is tagged.
 */
export type LimitVector = [
  heightM: number,
  widthM: number,
  lengthM: number,
  grossWeightG: number,
  axleLoadG: number,
];

/** The limits these tags set (a way's or a node's); all `Infinity` when none is tagged or parseable. */
export function limitsOf(tags: OsmTags): LimitVector {
  const length = (...keys: string[]): number => {
    let limit = Infinity;
    for (const k of keys) {
      const v = parseLengthM(tags[k]);
      if (v > 0 && v < limit) limit = v;
    }
    return limit;
  };
  const weight = (k: string): number => {
    const v = parseWeightG(tags[k]);
    return v > 0 ? v : Infinity;
  };
  return [
    length('maxheight', 'maxheight:physical'),
    length('maxwidth', 'maxwidth:physical'),
    length('maxlength'),
    weight('maxweight'),
    weight('maxaxleload'),
  ];
}

export function dimensionsVector(d: VehicleDimensions): LimitVector {
  return [d.heightM, d.widthM, d.lengthM, d.grossWeightG, d.axleLoadG];
}

/** Whether a vehicle of `vehicle` figures exceeds any of `limits` (strictly larger or heavier binds). */
export function exceedsLimits(vehicle: ArrayLike<number>, limits: ArrayLike<number>, at = 0): boolean {
  for (let i = 0; i < 5; i++) if (vehicle[i] > limits[at + i]) return true;
  return false;
}

/**
 * Whether a node with these tags stops this vehicle. In order: a dimension limit it exceeds
 * stops it (physical, whatever the access tags say); else the node's access tags decide; else a
 * height restrictor with a tagged height lets it through (the height was checked); else the
 * barrier type decides (the profile's `blockingBarriers`; gates and cattle grids pass).
 */
export function barrierBlocks(profile: VehicleProfile, tags: OsmTags, options: LimitOptions = {}): boolean {
  if (!options.ignoreLimits && exceededLimit(profile, tags) !== null) return true;
  const barrier = tags.barrier;
  if (barrier === undefined) return false; // a limit node (an underpass) that the vehicle fits under
  for (const key of profile.accessTags) {
    const v = tags[key];
    if (v !== undefined) return profile.deniedAccess.includes(v);
  }
  if (barrier === 'height_restrictor' && profile.dimensions && parseLengthM(tags.maxheight) > 0) return false;
  return profile.blockingBarriers.includes(barrier);
}

/** Surfaces that are paved: on a road that is not `highway=track` they outrank a `tracktype`. */
export const PAVED_SURFACES: ReadonlySet<string> = new Set([
  'paved',
  'asphalt',
  'chipseal',
  'concrete',
  'concrete:plates',
  'concrete:lanes',
  'paving_stones',
  'sett',
  'cobblestone',
  'unhewn_cobblestone',
  'metal',
  'wood',
]);

/**
 * The speed factor of a way's condition (0 closes it), from `surface`, `tracktype` and
 * `smoothness`. Each tag that applies gives its factor from the profile (unknown values 1), and
 * the worst one wins (they describe one road, so they cap rather than multiply):
 *
 * | highway      | surface       | tracktype      | factors that apply                                |
 * | ------------ | ------------- | -------------- | ------------------------------------------------- |
 * | not `track`  | paved         | any or none    | surface (a paved surface outranks a track grade)  |
 * | not `track`  | unpaved       | given          | surface and tracktype                             |
 * | not `track`  | none          | given          | tracktype                                         |
 * | `track`      | any           | given          | surface (if tagged) and tracktype                 |
 * | `track`      | given         | none           | surface                                           |
 * | `track`      | none          | none           | the profile's `untypedTrackFactor`                |
 *
 * `smoothness` applies in every row. This is OSRM's and GraphHopper's reading: the surface
 * describes the road, and a stray `tracktype` on a paved residential street does not close it.
 */
export function roadConditionFactor(profile: VehicleProfile, tags: OsmTags): number {
  const { surface, tracktype, smoothness, highway } = tags;
  const isTrack = highway === 'track';
  let factor = 1;
  if (surface !== undefined) factor = Math.min(factor, profile.surfaceFactor[surface] ?? 1);
  const paved = surface !== undefined && PAVED_SURFACES.has(surface);
  if (tracktype !== undefined) {
    if (isTrack || !paved) factor = Math.min(factor, profile.tracktypeFactor[tracktype] ?? 1);
  } else if (isTrack && surface === undefined) factor = Math.min(factor, profile.untypedTrackFactor);
  if (smoothness !== undefined) factor = Math.min(factor, profile.smoothnessFactor[smoothness] ?? 1);
  return factor;
}

export interface LimitOptions {
  /**
   * Leave dimension limits out of the decision (the graph builder records them on the edges
   * instead, so each vehicle size gets its own answer; see build-graph.ts).
   */
  ignoreLimits?: boolean;
}

/** How `profile` may use a way with these tags; both directions 0 when it may not. */
export function wayAccess(profile: VehicleProfile, tags: OsmTags, options: LimitOptions = {}): WayAccess {
  const highway = tags.highway;
  if (highway === undefined) return CLOSED;
  const baseKmh = profile.highwaySpeedKmh[highway];
  if (baseKmh === undefined) return CLOSED;
  if (tags.route === 'ferry' || tags.area === 'yes' || tags.impassable === 'yes') return CLOSED;
  if (!options.ignoreLimits && exceededLimit(profile, tags) !== null) return CLOSED;
  for (const key of profile.accessTags) {
    const v = tags[key];
    if (v !== undefined) {
      if (profile.deniedAccess.includes(v)) return CLOSED;
      break;
    }
  }
  const factor = roadConditionFactor(profile, tags);
  if (!(factor > 0)) return CLOSED;

  const fwd =
    directionalSpeed(profile, tags, tags['maxspeed:forward'] ? 'maxspeed:forward' : 'maxspeed', baseKmh) *
    factor;
  const bwd =
    directionalSpeed(profile, tags, tags['maxspeed:backward'] ? 'maxspeed:backward' : 'maxspeed', baseKmh) *
    factor;

  const oneway = tags.oneway;
  const junction = tags.junction;
  let forwardOpen = true;
  let backwardOpen = true;
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') backwardOpen = false;
  else if (oneway === '-1' || oneway === 'reverse') forwardOpen = false;
  else if (oneway !== 'no' && oneway !== 'false' && oneway !== '0') {
    if (junction === 'roundabout' || junction === 'circular' || highway === 'motorway') backwardOpen = false;
  }
  return { forwardKmh: forwardOpen ? fwd : 0, backwardKmh: backwardOpen ? bwd : 0 };
}
