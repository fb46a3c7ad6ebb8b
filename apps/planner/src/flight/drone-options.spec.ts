import { FlightPathCache } from '@rd/flight';
import type { OpenOrder, PlanningData } from '../planning/planning-data';
import { droneModelOf, droneOptions, type DroneRules } from './drone-options';
import type { FlightData } from './flight-data.repository';

const DAY = Date.UTC(2026, 11, 1);
const PORT: [number, number] = [11.0, 47.0];
// ~3 km east of the port; a spot 50 m north of it.
const STOP: [number, number] = [11.04, 47.0];
const SPOT: [number, number] = [11.04, 47.00045];
const RULES: DroneRules = { cruiseAltitudeAglM: 80, maxWindMps: 10, reservePct: 25, spotMaxDistanceM: 300 };

const order = (over: Partial<OpenOrder> = {}): OpenOrder => ({
  id: 'o1',
  kind: 'delivery',
  stop: STOP,
  hubId: 'hub',
  village: null,
  windowStartMs: DAY + 8 * 3600_000,
  windowEndMs: DAY + 16 * 3600_000,
  priority: 'standard',
  coldChain: false,
  fragile: false,
  parcels: 1,
  weightG: 2_000,
  volumeCm3: 9_000,
  droneOptOut: false,
  largestDimsMm: [300, 200, 150],
  ...over,
});

const data = (): PlanningData => ({
  region: 'r',
  planDate: '2026-12-01',
  dayStartMs: DAY,
  hubs: [],
  orders: [],
  vehicles: [],
  locked: [],
  drones: [
    {
      droneId: 'd1',
      serialNumber: 'FC30-1',
      model: 'FlyCart 30',
      modelParams: { preset: 'dji-flycart-30' },
      portId: 'port',
      location: PORT,
      maxPayloadG: 30_000,
      batteryWh: 3968,
      cruiseSpeedMps: 15,
      shiftStart: '07:00:00',
      shiftEnd: '19:00:00',
    },
  ],
});

/** A square zone straddling the straight line port → spot, 1 km wide. */
const wall = (activity?: FlightData['zones'][number]['activity']): FlightData['zones'][number] => ({
  id: 'z',
  shape: {
    kind: 'polygon',
    polygon: {
      type: 'Polygon',
      coordinates: [
        [
          [11.015, 46.995],
          [11.025, 46.995],
          [11.025, 47.005],
          [11.015, 47.005],
          [11.015, 46.995],
        ],
      ],
    },
  },
  floorM: 0,
  ceilingM: 500,
  altitudeReference: 'above_ground',
  activity,
});

const flight = (over: Partial<FlightData> = {}): FlightData => ({
  zones: [],
  corridors: [],
  spots: [{ id: 's1', hubId: null, point: SPOT, clearRadiusM: 8, lowering: 'winch' }],
  weather: { windSpeedMps: 3, windFromDeg: 270, rain: false, updatedAt: new Date(DAY).toISOString() },
  pilots: [],
  rejectedOrderIds: new Set(),
  committedSorties: [],
  ...over,
});

const run = (o: OpenOrder, f: FlightData) => droneOptions(data(), [o], f, RULES, new FlightPathCache());

describe('drone options per stop', () => {
  it('flies a stop near a landing spot: straight out and back, energy within the battery', () => {
    const opts = run(order(), flight());
    const [option] = opts.byOrder.get('o1')!;
    expect(option.droneId).toBe('d1');
    expect(option.outboundPath).toEqual([PORT, SPOT]);
    expect(option.returnPath).toEqual([SPOT, PORT]);
    expect(option.outboundS).toBeGreaterThan(3000 / 15);
    expect(option.energyWh).toBeLessThan(option.usableWh - option.reserveWh);
  });

  it('names the precise reason a stop cannot fly', () => {
    const reason = (o: OpenOrder, f: FlightData) => run(o, f).ineligible.get('o1')?.code;
    expect(reason(order({ weightG: 40_000 }), flight())).toBe('payload');
    expect(reason(order({ largestDimsMm: [900, 600, 500] }), flight())).toBe('size');
    expect(reason(order({ stop: [11.2, 47.0] }), flight())).toBe('no_landing_spot');
    expect(
      reason(order(), flight({ weather: { windSpeedMps: 14, windFromDeg: 0, rain: false, updatedAt: '' } })),
    ).toBe('weather');
    expect(
      reason(order(), flight({ weather: { windSpeedMps: 2, windFromDeg: 0, rain: true, updatedAt: '' } })),
    ).toBe('weather');
    expect(reason(order({ droneOptOut: true }), flight())).toBe('opted_out');
    expect(reason(order(), flight({ rejectedOrderIds: new Set(['o1']) }))).toBe('rejected_by_pilot');
    // A zone sealing the spot: no flight path.
    const seal = wall();
    seal.shape = {
      kind: 'polygon',
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [11.03, 46.99],
            [11.05, 46.99],
            [11.05, 47.01],
            [11.03, 47.01],
            [11.03, 46.99],
          ],
        ],
      },
    };
    expect(reason(order(), flight({ zones: [seal] }))).toBe('no_flight_path');
  });

  it('goes around a zone active any time of the operating day, and ignores one active another day', () => {
    const afternoonOnly = wall({ dailyUtc: [{ fromMinuteUtc: 13 * 60, toMinuteUtc: 15 * 60 }] });
    const around = run(order(), flight({ zones: [afternoonOnly] })).byOrder.get('o1')![0];
    expect(around.outboundPath.length).toBeGreaterThan(2);
    const nextWeek = wall({ periods: [{ fromMs: DAY + 7 * 86_400_000, toMs: DAY + 8 * 86_400_000 }] });
    const straight = run(order(), flight({ zones: [nextWeek] })).byOrder.get('o1')![0];
    expect(straight.outboundPath).toEqual([PORT, SPOT]);
    expect(around.outboundM).toBeGreaterThan(straight.outboundM);
  });

  it('takes the preset the drone names, with its own payload, battery and speed', () => {
    const drone = { ...data().drones[0], maxPayloadG: 12_000, batteryWh: 2_000, cruiseSpeedMps: 30 };
    const model = droneModelOf(drone);
    expect(model.name).toMatch(/FlyCart 30/);
    expect(model).toMatchObject({ maxPayloadG: 12_000, batteryWh: 2_000 });
    expect(model.cruiseSpeedMps).toBe(model.maxSpeedMps);
  });
});
