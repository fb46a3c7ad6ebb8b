import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LandingSpot } from './airspace';
import { exportQgcPlan, type QgcMissionInput } from './qgc-plan';

/** Golden files written by hand from the documented format (QGroundControl's plan, mission item and fence savers). */
function golden(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'test-fixtures', name), 'utf8'));
}

/** Compares two JSON values field by field and lists every differing path (clearer than one deep-equal diff). */
function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    const out =
      actual.length === expected.length ? [] : [`${path}: length ${actual.length} ≠ ${expected.length}`];
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
      out.push(...differences(actual[i], expected[i], `${path}[${i}]`));
    }
    return out;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return [`${path}: expected an object`];
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    return [...keys].flatMap((key) =>
      !(key in e)
        ? [`${path}.${key}: unexpected field`]
        : !(key in a)
          ? [`${path}.${key}: missing`]
          : differences(a[key], e[key], `${path}.${key}`),
    );
  }
  return Object.is(actual, expected)
    ? []
    : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`];
}

const home = { point: [100.2, 25.6] as [number, number], elevationAmslM: 1850 };

describe('exportQgcPlan', () => {
  it('writes a winch delivery with keep-out zones, a keep-in corridor and a rally point (golden file)', () => {
    const spot: LandingSpot = { id: 'spot-1', point: [100.22, 25.6], clearRadiusM: 5, lowering: 'winch' };
    const mission: QgcMissionInput = {
      home,
      cruiseAltitudeAboveTakeoffM: 60,
      cruiseSpeedMps: 15,
      outboundPath: [home.point, [100.21, 25.61], spot.point],
      returnPath: [spot.point, [100.21, 25.59], home.point],
      spot,
      releaseAltitudeAboveTakeoffM: 20,
      keepOutZones: [
        { id: 'school', shape: { kind: 'circle', center: [100.215, 25.605], radiusM: 300 } },
        {
          id: 'barracks',
          shape: {
            kind: 'polygon',
            polygon: {
              type: 'Polygon',
              coordinates: [
                [
                  [100.23, 25.62],
                  [100.24, 25.62],
                  [100.24, 25.63],
                  [100.23, 25.63],
                  [100.23, 25.62],
                ],
              ],
            },
          },
        },
      ],
      keepInCorridors: [
        {
          type: 'Polygon',
          coordinates: [
            [
              [100.19, 25.59],
              [100.23, 25.59],
              [100.23, 25.62],
              [100.19, 25.62],
              [100.19, 25.59],
            ],
          ],
        },
      ],
      rallyPoints: [{ point: [100.225, 25.595], altitudeAboveTakeoffM: 30 }],
    };
    const plan = exportQgcPlan(mission);
    expect(differences(plan, golden('winch-delivery.plan'))).toEqual([]);
    // The file form round-trips (no NaN, no undefined): what QGroundControl reads is what we compared.
    expect(differences(JSON.parse(JSON.stringify(plan, null, 4)), golden('winch-delivery.plan'))).toEqual([]);
  });

  it('writes a landing delivery for ArduPilot on an octocopter (golden file)', () => {
    const spot: LandingSpot = { id: 'spot-2', point: [100.22, 25.6], clearRadiusM: 10, lowering: 'land' };
    const plan = exportQgcPlan({
      home: { point: [100.2, 25.6], elevationAmslM: 1210.5 },
      cruiseAltitudeAboveTakeoffM: 50,
      cruiseSpeedMps: 12,
      hoverSpeedMps: 4,
      outboundPath: [[100.2, 25.6], spot.point],
      returnPath: [spot.point, [100.2, 25.6]],
      spot,
      keepOutZones: [],
      keepInCorridors: [],
      rallyPoints: [],
      firmwareType: 3,
      vehicleType: 14,
    });
    expect(differences(plan, golden('land-delivery.plan'))).toEqual([]);
  });

  it('puts latitude before longitude everywhere, unlike GeoJSON', () => {
    const spot: LandingSpot = { id: 's', point: [10, 50], clearRadiusM: 5, lowering: 'parachute' };
    const plan = exportQgcPlan({
      home: { point: [11, 51], elevationAmslM: 0 },
      cruiseAltitudeAboveTakeoffM: 70,
      cruiseSpeedMps: 15,
      outboundPath: [[11, 51], spot.point],
      returnPath: [spot.point, [11, 51]],
      spot,
      keepOutZones: [{ id: 'c', shape: { kind: 'circle', center: [12, 52], radiusM: 10 } }],
      keepInCorridors: [],
      rallyPoints: [{ point: [13, 53], altitudeAboveTakeoffM: 40 }],
    });
    expect(plan.mission.plannedHomePosition).toEqual([51, 11, 0]);
    expect(plan.mission.items[1].params.slice(4)).toEqual([50, 10, 70]);
    expect(plan.geoFence.circles[0].circle.center).toEqual([52, 12]);
    expect(plan.rallyPoints.points).toEqual([[53, 13, 40]]);
    // A parachute drop releases by gripper over the spot at cruise height.
    expect(plan.mission.items.map((i) => i.command)).toEqual([22, 16, 211, 20]);
  });
});
