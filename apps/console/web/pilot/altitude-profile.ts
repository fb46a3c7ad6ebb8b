/**
 * The altitude profile of a sortie, read from the mission a drone flies (its QGroundControl `.plan`
 * items), so the chart shows what the aircraft will do: take-off, cruise, the descent at the spot,
 * the return and the landing. Altitudes are metres above the take-off point, as in the `.plan`.
 */
export type LonLat = [number, number];

/** The few fields of a `.plan` this reads (lat/lon order as in the format). */
export interface PlanFileLike {
  mission: {
    plannedHomePosition: [number, number, number];
    items: Array<{ command: number; params: Array<number | null>; Altitude?: number }>;
  };
}

export type ProfilePhase = 'takeoff' | 'cruise' | 'descent' | 'climb' | 'landing';

/** A vertex of the profile; `phase` names the segment that ends here. */
export interface ProfilePoint {
  distanceM: number;
  altitudeAboveTakeoffM: number;
  phase: ProfilePhase | 'ground';
}

export interface FlightProfile {
  points: ProfilePoint[];
  /** Where the payload is released (winch, gripper): distance along the flight and height. */
  releases: Array<{ distanceM: number; altitudeAboveTakeoffM: number }>;
  totalDistanceM: number;
  maxAltitudeAboveTakeoffM: number;
}

const CMD_WAYPOINT = 16;
const CMD_RETURN_TO_LAUNCH = 20;
const CMD_LAND = 21;
const CMD_TAKEOFF = 22;
const CMD_GRIPPER = 211;
const CMD_WINCH = 42600;
/** Closer than this, two positions are the same spot (a vertical move). */
const SAME_PLACE_M = 1;
const EARTH_RADIUS_M = 6_371_008.8;

export function haversineM([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function flightProfile(plan: PlanFileLike): FlightProfile {
  const [homeLat, homeLon] = plan.mission.plannedHomePosition;
  const home: LonLat = [homeLon, homeLat];
  let at: LonLat = home;
  let altitudeM = 0;
  let distanceM = 0;
  const points: ProfilePoint[] = [{ distanceM: 0, altitudeAboveTakeoffM: 0, phase: 'ground' }];
  const releases: FlightProfile['releases'] = [];
  const push = (phase: ProfilePoint['phase']) =>
    points.push({ distanceM, altitudeAboveTakeoffM: altitudeM, phase });
  /** Flies level to a position (cruise), if it is elsewhere. */
  const flyTo = (to: LonLat) => {
    const legM = haversineM(at, to);
    at = to;
    if (legM < SAME_PLACE_M) return;
    distanceM += legM;
    push('cruise');
  };
  const positionOf = (params: Array<number | null>): LonLat | null => {
    const [lat, lon] = [params[4], params[5]];
    return typeof lat === 'number' && typeof lon === 'number' && (lat !== 0 || lon !== 0) ? [lon, lat] : null;
  };

  for (const item of plan.mission.items) {
    const target = positionOf(item.params);
    const itemAltitudeM = item.Altitude ?? item.params[6] ?? altitudeM;
    switch (item.command) {
      case CMD_TAKEOFF:
        if (target) flyTo(target);
        altitudeM = itemAltitudeM;
        push('takeoff');
        break;
      case CMD_WAYPOINT: {
        if (!target) break;
        const legM = haversineM(at, target);
        at = target;
        const vertical = legM < SAME_PLACE_M;
        distanceM += vertical ? 0 : legM;
        const phase: ProfilePhase = vertical
          ? itemAltitudeM < altitudeM
            ? 'descent'
            : 'climb'
          : itemAltitudeM === altitudeM
            ? 'cruise'
            : itemAltitudeM < altitudeM
              ? 'descent'
              : 'climb';
        altitudeM = itemAltitudeM;
        push(phase);
        break;
      }
      case CMD_LAND:
        // MAV_CMD_NAV_LAND flies to its position at the current height, then descends.
        if (target) flyTo(target);
        altitudeM = 0;
        push('landing');
        break;
      case CMD_RETURN_TO_LAUNCH:
        flyTo(home);
        altitudeM = 0;
        push('landing');
        break;
      case CMD_WINCH:
      case CMD_GRIPPER:
        releases.push({ distanceM, altitudeAboveTakeoffM: altitudeM });
        break;
      default:
        break;
    }
  }
  return {
    points,
    releases,
    totalDistanceM: distanceM,
    maxAltitudeAboveTakeoffM: Math.max(0, ...points.map((p) => p.altitudeAboveTakeoffM)),
  };
}

/**
 * The ground under the flight relative to the take-off point, where it is known: only the port's and
 * the spot's elevations are (no elevation model), so the line joins them straight — an estimate the
 * chart labels as such. Null when either elevation is unknown.
 */
export function groundEstimate(
  profile: FlightProfile,
  elevations: { homeAmslM: number | null; spotAmslM: number | null },
): Array<{ distanceM: number; groundAboveTakeoffM: number }> | null {
  const { homeAmslM, spotAmslM } = elevations;
  if (homeAmslM === null || spotAmslM === null || !profile.releases.length) return null;
  const spotDistanceM = profile.releases[0].distanceM;
  const spotM = spotAmslM - homeAmslM;
  return [
    { distanceM: 0, groundAboveTakeoffM: 0 },
    { distanceM: spotDistanceM, groundAboveTakeoffM: spotM },
    { distanceM: profile.totalDistanceM, groundAboveTakeoffM: 0 },
  ];
}

/**
 * A mission without a `.plan` (none stored): the profile from its path alone — climb to cruise over
 * the port, cruise along the path, land back at the port. The spot's descent is unknown here.
 */
export function pathProfile(path: LonLat[], cruiseAltitudeAboveTakeoffM: number): FlightProfile {
  const points: ProfilePoint[] = [{ distanceM: 0, altitudeAboveTakeoffM: 0, phase: 'ground' }];
  if (path.length < 2) {
    return { points, releases: [], totalDistanceM: 0, maxAltitudeAboveTakeoffM: 0 };
  }
  let distanceM = 0;
  points.push({ distanceM, altitudeAboveTakeoffM: cruiseAltitudeAboveTakeoffM, phase: 'takeoff' });
  for (let i = 1; i < path.length; i++) {
    distanceM += haversineM(path[i - 1], path[i]);
    points.push({ distanceM, altitudeAboveTakeoffM: cruiseAltitudeAboveTakeoffM, phase: 'cruise' });
  }
  points.push({ distanceM, altitudeAboveTakeoffM: 0, phase: 'landing' });
  return {
    points,
    releases: [],
    totalDistanceM: distanceM,
    maxAltitudeAboveTakeoffM: cruiseAltitudeAboveTakeoffM,
  };
}
