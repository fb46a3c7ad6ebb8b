// Road-only against road + drone on a generated mountain county: the same 500 orders, the same fleet and
// solver settings, in the same run. Prints stops flown, when the last stop is served, working hours, km driven.
// node dist/bench/flight/mixed-plan.bench.js --stops 500 --time 10
import { readCliWith, type CliSpec } from '@rd/config';
import { FlightPathCache } from '@rd/flight';
import { checkSolution, solve, type VrpMatrix, type VrpProblem, type VrpSolution } from '@rd/planning';
import {
  buildRoadGraphs,
  ChRoadRouter,
  generateMountainCounty,
  MOTORBIKE,
  prepareProfile,
  seededRandom,
  VAN,
  type LonLat,
} from '@rd/routing';
import { droneOptions, type DroneRules } from '../../apps/planner/src/flight/drone-options';
import { addDrones, sortiesOf } from '../../apps/planner/src/flight/drone-problem';
import { staffSorties } from '../../apps/planner/src/flight/drone-sorties';
import type { FlightData } from '../../apps/planner/src/flight/flight-data.repository';
import { buildProblem, indexLocations } from '../../apps/planner/src/planning/plan-input';
import type { OpenOrder, PlanningData } from '../../apps/planner/src/planning/planning-data';

const now = (): number => performance.now();

const CLI: CliSpec = {
  usage: 'npm run bench:flight --',
  summary:
    'A mixed road + drone plan against a road-only plan of the same orders on a generated mountain county (valley and upland villages up switchbacks, a drone port, an airfield).',
  options: {
    stops: { type: 'string', valueName: 'N', description: 'orders of the day', defaultText: '500' },
    time: {
      type: 'string',
      valueName: 'S',
      description: 'solver time limit per plan (s)',
      defaultText: '10',
    },
    seed: {
      type: 'string',
      valueName: 'N',
      description: 'seed of the county and the orders',
      defaultText: '1',
    },
  },
  examples: ['npm run bench:flight -- --stops 500 --time 10'],
};

const DAY_START_MS = Date.UTC(2026, 10, 23);
const RULES: DroneRules = { cruiseAltitudeAglM: 80, maxWindMps: 10, reservePct: 25, spotMaxDistanceM: 400 };
const BATTERY_SWAP_S = 600;
const hhmm = (s: number) =>
  `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

function main(): void {
  const args = readCliWith(CLI, (cli) => ({
    stops: cli.int('stops', 500, { min: 10 }),
    time: cli.number('time', 10, { min: 0.01 }),
    seed: cli.int('seed', 1, { min: 0 }),
  }));
  const county = generateMountainCounty({ seed: args.seed, valleyVillages: 6, uplandVillages: 12 });
  const graphs = buildRoadGraphs(county.osm, [VAN, MOTORBIKE]);
  const router = new ChRoadRouter({
    profiles: {
      van: prepareProfile(graphs.van, { weightings: ['fastest'] }),
      motorbike: prepareProfile(graphs.motorbike, { weightings: ['fastest'] }),
    },
  });
  // Stops on road nodes near the villages: 60 % in the valley, 40 % up the slopes.
  const g = graphs.motorbike;
  const near = (c: LonLat) => {
    const out: LonLat[] = [];
    for (let i = 0; i < g.nodeCount; i++)
      if (Math.abs(g.nodeLon[i] - c[0]) < 0.0025 && Math.abs(g.nodeLat[i] - c[1]) < 0.0018)
        out.push([g.nodeLon[i], g.nodeLat[i]]);
    return out;
  };
  const valleyNodes = county.valleyVillages.map(near);
  const uplandNodes = county.uplandVillages.map(near);
  const random = seededRandom(args.seed * 7 + 3);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const orders: OpenOrder[] = Array.from({ length: args.stops }, (_, i) => {
    const stop = random() < 0.6 ? pick(pick(valleyNodes)) : pick(pick(uplandNodes));
    const startH = 8 + Math.floor(random() * 5);
    return {
      id: `o${i}`,
      kind: 'delivery',
      stop,
      hubId: 'hub',
      village: null,
      windowStartMs: DAY_START_MS + startH * 3600_000,
      windowEndMs: DAY_START_MS + (startH + 6) * 3600_000,
      priority: 'standard',
      coldChain: false,
      fragile: false,
      parcels: 1,
      weightG: 500 + Math.floor(random() * 4500),
      volumeCm3: 9_000,
      droneOptOut: random() < 0.05,
      largestDimsMm: [300, 200, 150],
    };
  });
  const data: PlanningData = {
    region: 'bench',
    planDate: '2026-11-23',
    dayStartMs: DAY_START_MS,
    hubs: [
      { id: 'hub', code: 'HUB', kind: 'county_hub', location: county.hub },
      { id: 'port', code: 'PORT', kind: 'drone_port', location: county.dronePort },
    ],
    orders,
    vehicles: [
      ...[1, 2, 3, 4].map((i) => ({
        kind: 'van' as const,
        i,
        capacityWeightG: 900_000,
        capacityVolumeL: 4_000,
      })),
      ...[1, 2, 3, 4, 5, 6].map((i) => ({
        kind: 'motorbike' as const,
        i,
        capacityWeightG: 80_000,
        capacityVolumeL: 300,
      })),
    ].map((v) => ({
      id: `${v.kind}-${v.i}`,
      code: `${v.kind}-${v.i}`,
      kind: v.kind,
      homeHubId: 'hub',
      capacityWeightG: v.capacityWeightG,
      capacityVolumeL: v.capacityVolumeL,
      shiftStart: '07:00:00',
      shiftEnd: '19:00:00',
      skills: [],
      courierId: null,
    })),
    drones: [1, 2, 3, 4].map((i) => ({
      droneId: `drone-${i}`,
      serialNumber: `FC30-${i}`,
      model: 'FlyCart 30',
      modelParams: { preset: 'dji-flycart-30' },
      portId: 'port',
      location: county.dronePort,
      maxPayloadG: 30_000,
      batteryWh: 3968,
      cruiseSpeedMps: 15,
      shiftStart: '07:00:00',
      shiftEnd: '19:00:00',
    })),
    locked: [],
  };
  const flight: FlightData = {
    zones: [
      {
        id: 'airfield',
        shape: { kind: 'polygon', polygon: county.airport },
        floorM: 0,
        ceilingM: 500,
        altitudeReference: 'above_ground',
      },
    ],
    corridors: [],
    spots: county.villages.map((v, i) => ({
      id: `spot-${i}`,
      hubId: null,
      point: [v[0], v[1] + 60 / 111_195],
      clearRadiusM: 8,
      lowering: 'winch',
    })),
    weather: {
      windSpeedMps: 4,
      windFromDeg: 250,
      rain: false,
      updatedAt: new Date(DAY_START_MS).toISOString(),
    },
    pilots: [1, 2, 3].map((i) => ({
      id: `pilot-${i}`,
      station: county.dronePort,
      licenceClass: 'BVLOS',
      licenceExpiresOn: '2030-12-31',
      maxDronesSupervised: 2,
      shiftStart: '07:00:00',
      shiftEnd: '19:00:00',
    })),
    rejectedOrderIds: new Set(),
    committedSorties: [],
  };

  let t = now();
  const locations = indexLocations(data, orders);
  const matrices = {} as Record<'van' | 'motorbike', VrpMatrix>;
  for (const profile of ['van', 'motorbike'] as const) {
    const snaps = router.snapSync(locations.points, { profile, maxDistanceM: 500 });
    const places = snaps.map((s, i) => (s.ok ? s : locations.points[i]));
    const m = router.matrixSync(places, places, { profile });
    matrices[profile] = { durationS: m.durationsS, distanceM: m.distancesM };
  }
  const roadMs = now() - t;
  t = now();
  const options = droneOptions(data, orders, flight, RULES, new FlightPathCache());
  const flightMs = now() - t;
  const roadOnly = buildProblem(data, orders, locations, matrices);
  const mixed = addDrones(roadOnly, data, locations, options, BATTERY_SWAP_S);
  const eligible = orders.filter((o) => options.byOrder.get(o.id)?.length).length;
  console.log(
    `mountain county (seed ${args.seed}): ${orders.length} orders, ${data.vehicles.length} road vehicles, ` +
      `${data.drones.length} drones at one port, ${flight.pilots.length} BVLOS pilots; switchbacks ` +
      `${(Math.min(...county.switchbackLengthM) / 1000).toFixed(1)}–${(Math.max(...county.switchbackLengthM) / 1000).toFixed(1)} km; ` +
      `road matrices ${roadMs.toFixed(0)} ms; drone eligibility + flight paths ${flightMs.toFixed(0)} ms ` +
      `(${eligible} of ${orders.length} may fly); solver ${args.time} s per plan, 1 thread, seed ${args.seed}`,
  );
  const run = (problem: VrpProblem) =>
    solve(problem, { seed: args.seed, timeLimitMs: args.time * 1000, now, preset: 'cost' });
  const report = (name: string, problem: VrpProblem, sol: VrpSolution) => {
    const check = checkSolution(problem, sol, 'cost');
    const droneIds = new Set(data.drones.map((d) => d.droneId));
    const road = sol.routes.filter((r) => !droneIds.has(r.vehicleId));
    const sorties = sol.routes.filter((r) => droneIds.has(r.vehicleId)).flatMap((r) => sortiesOf(r, options));
    const staffing = staffSorties(sorties, flight.pilots, data, 500);
    let lastS = 0;
    for (const r of sol.routes)
      for (const v of r.visits) if (v.type === 'stop') lastS = Math.max(lastS, v.departureS);
    const kmDriven = road.reduce((s, r) => s + r.distanceM, 0) / 1000;
    const kmFlown =
      staffing.staffed.reduce((s, x) => s + x.sortie.option.outboundM + x.sortie.option.returnM, 0) / 1000;
    const roadHours = road.reduce((s, r) => s + r.durationS, 0) / 3600;
    console.log(
      `| ${name} | ${orders.length - sol.unassigned.length} | ${staffing.staffed.length} | ${staffing.unstaffed.length} | ` +
        `${sol.unassigned.length} | ${hhmm(lastS)} | ${roadHours.toFixed(1)} | ${kmDriven.toFixed(1)} | ${kmFlown.toFixed(1)} | ` +
        `${road.length} | ${Math.round(sol.stats.cost)} | ${check.ok ? 'ok' : 'FAILED: ' + check.violations[0]} |`,
    );
    return { kmDriven, lastS, roadHours, flown: staffing.staffed.length };
  };
  console.log(
    '| plan | stops served | stops flown (staffed) | sorties without pilot | unassigned | last stop served | road working hours | km driven | km flown | road vehicles used | solver cost | checker |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const a = report('road only', roadOnly, run(roadOnly));
  const b = report('road + drones', mixed, run(mixed));
  console.log(
    `mixed vs road only: km driven ×${(b.kmDriven / a.kmDriven).toFixed(2)}, road working hours ×${(b.roadHours / a.roadHours).toFixed(2)}, ` +
      `last stop served ${hhmm(b.lastS)} vs ${hhmm(a.lastS)}, ${b.flown} stops flown`,
  );
}

main();
