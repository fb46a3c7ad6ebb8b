/** Checked against the planner's own .plan export (libs/flight): the chart reads what the drone will fly. */
import { exportQgcPlan, type LoweringMethod, type QgcMissionInput } from '@rd/flight';
import {
  flightProfile,
  groundEstimate,
  haversineM,
  pathProfile,
  type LonLat,
  type PlanFileLike,
} from '../web/pilot/altitude-profile';

const home: LonLat = [1.5, 42.5];
const bend: LonLat = [1.51, 42.505];
const spot: LonLat = [1.52, 42.51];

function mission(lowering: LoweringMethod): QgcMissionInput {
  return {
    home: { point: home, elevationAmslM: 900 },
    cruiseAltitudeAboveTakeoffM: 80,
    cruiseSpeedMps: 15,
    outboundPath: [home, bend, spot],
    returnPath: [spot, bend, home],
    spot: { id: 's1', point: spot, clearRadiusM: 8, lowering },
    keepOutZones: [],
    keepInCorridors: [],
    rallyPoints: [],
  };
}

const profileOf = (lowering: LoweringMethod) =>
  flightProfile(exportQgcPlan(mission(lowering)) as unknown as PlanFileLike);
const outM = haversineM(home, bend) + haversineM(bend, spot);

describe('altitude profile from the .plan a drone flies', () => {
  it('winch: take-off, cruise, descent to the release height at the spot, climb, return, landing', () => {
    const p = profileOf('winch');
    expect(p.points.map((x) => [x.phase, x.altitudeAboveTakeoffM])).toEqual([
      ['ground', 0],
      ['takeoff', 80],
      ['cruise', 80],
      ['cruise', 80],
      ['descent', 20],
      ['climb', 80],
      ['cruise', 80],
      ['cruise', 80],
      ['landing', 0],
    ]);
    // Out and back over the same path; vertical moves add no distance.
    expect(p.totalDistanceM).toBeCloseTo(2 * outM, 3);
    expect(p.points[4].distanceM).toBeCloseTo(outM, 3);
    expect(p.releases).toEqual([{ distanceM: p.points[4].distanceM, altitudeAboveTakeoffM: 20 }]);
    expect(p.maxAltitudeAboveTakeoffM).toBe(80);
  });

  it('land: touches down at the spot, releases there, takes off again', () => {
    const p = profileOf('land');
    const phases = p.points.map((x) => x.phase);
    expect(phases.slice(0, 5)).toEqual(['ground', 'takeoff', 'cruise', 'cruise', 'landing']);
    expect(p.points[4].altitudeAboveTakeoffM).toBe(0);
    expect(p.points[5]).toMatchObject({ phase: 'takeoff', altitudeAboveTakeoffM: 80 });
    expect(p.releases[0]).toEqual({ distanceM: p.points[4].distanceM, altitudeAboveTakeoffM: 0 });
    expect(p.points[p.points.length - 1]).toMatchObject({ phase: 'landing', altitudeAboveTakeoffM: 0 });
  });

  it('parachute: releases at cruise height without descending', () => {
    const p = profileOf('parachute');
    expect(p.points.some((x) => x.phase === 'descent')).toBe(false);
    expect(p.releases[0].altitudeAboveTakeoffM).toBe(80);
    expect(p.releases[0].distanceM).toBeCloseTo(outM, 3);
  });

  it('draws ground only where both elevations are known, as a straight estimate', () => {
    const p = profileOf('winch');
    expect(groundEstimate(p, { homeAmslM: null, spotAmslM: 1200 })).toBeNull();
    expect(groundEstimate(p, { homeAmslM: 900, spotAmslM: null })).toBeNull();
    const ground = groundEstimate(p, { homeAmslM: 900, spotAmslM: 1200 })!;
    expect(ground[1].groundAboveTakeoffM).toBe(300);
    expect(ground[1].distanceM).toBeCloseTo(outM, 3);
    expect(ground[2]).toEqual({ distanceM: p.totalDistanceM, groundAboveTakeoffM: 0 });
  });
});

describe('altitude profile of a mission without a .plan', () => {
  it('climbs over the port, cruises along the path and lands back', () => {
    const p = pathProfile([home, spot, home], 60);
    expect(p.points.map((x) => [x.phase, x.altitudeAboveTakeoffM])).toEqual([
      ['ground', 0],
      ['takeoff', 60],
      ['cruise', 60],
      ['cruise', 60],
      ['landing', 0],
    ]);
    expect(p.totalDistanceM).toBeCloseTo(2 * haversineM(home, spot), 6);
    expect(pathProfile([home], 60).totalDistanceM).toBe(0);
  });
});
