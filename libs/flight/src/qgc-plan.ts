import type { LandingSpot, ZoneShape } from './airspace';
import type { GeoJsonPolygon, LonLat } from './types';

/** MAVLink command ids used in exported missions. */
export const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_LAND: 21,
  NAV_TAKEOFF: 22,
  DO_GRIPPER: 211,
  DO_WINCH: 42600,
} as const;

/** GRIPPER_ACTION_RELEASE and MAV_WINCH_ACTION_DELIVER (drop, slow down, touch down, reel up, lock). */
export const GRIPPER_ACTION_RELEASE = 0;
export const WINCH_ACTION_DELIVER = 4;

/** MAVLink frames: 0 global AMSL, 2 mission, 3 global relative to home. */
export const MAV_FRAME = { GLOBAL: 0, MISSION: 2, GLOBAL_RELATIVE_ALT: 3 } as const;

/** QGroundControl AltitudeMode of a simple item: 1 relative to home (above take-off). */
export const QGC_ALTITUDE_MODE = {
  MIXED: 0,
  RELATIVE: 1,
  AMSL: 2,
  CALC_ABOVE_TERRAIN: 3,
  TERRAIN_FRAME: 4,
} as const;

export interface QgcMissionInput {
  /** Launch point and its ground elevation AMSL (the plan's home position). */
  home: { point: LonLat; elevationAmslM: number };
  /** Cruise height above take-off (metres). */
  cruiseAltitudeAboveTakeoffM: number;
  cruiseSpeedMps: number;
  hoverSpeedMps?: number;
  /** Path from home to the spot and back (both include their end points). */
  outboundPath: LonLat[];
  returnPath: LonLat[];
  spot: LandingSpot;
  /** Height above take-off at which the winch or parachute releases (default: winch 20 m, parachute cruise). */
  releaseAltitudeAboveTakeoffM?: number;
  /** Winch cable length to pay out (m, default: the release height) and its speed (m/s, default 0.8). */
  winchLengthM?: number;
  winchRateMps?: number;
  /** Active zones (keep-out) and the corridor polygons (keep-in) of this flight. */
  keepOutZones: Array<{ id: string; shape: ZoneShape }>;
  keepInCorridors: GeoJsonPolygon[];
  /** Alternate landing spots, heights above take-off. */
  rallyPoints: Array<{ point: LonLat; altitudeAboveTakeoffM: number }>;
  /** MAVLink autopilot (3 ArduPilot, 12 PX4; default 12) and vehicle type (2 quadrotor, 14 octorotor; default 2). */
  firmwareType?: number;
  vehicleType?: number;
}

/** One mission item as QGroundControl saves it; NaN parameters are written as null. */
export interface QgcSimpleItem {
  type: 'SimpleItem';
  command: number;
  frame: number;
  params: [number, number, number, number | null, number | null, number | null, number | null];
  autoContinue: boolean;
  doJumpId: number;
  /** Items with a coordinate also carry their altitude, its mode and (for terrain modes) the AMSL altitude. */
  Altitude?: number;
  AltitudeMode?: number;
  AMSLAltAboveTerrain?: number | null;
}

export interface QgcPlan {
  fileType: 'Plan';
  version: 1;
  groundStation: string;
  mission: {
    version: 2;
    firmwareType: number;
    vehicleType: number;
    cruiseSpeed: number;
    hoverSpeed: number;
    globalPlanAltitudeMode: number;
    plannedHomePosition: [number, number, number];
    items: QgcSimpleItem[];
  };
  geoFence: {
    version: 2;
    circles: Array<{ circle: { center: [number, number]; radius: number }; inclusion: boolean; version: 1 }>;
    polygons: Array<{ polygon: Array<[number, number]>; inclusion: boolean; version: 1 }>;
  };
  rallyPoints: { version: 2; points: Array<[number, number, number]> };
}

/** A QGroundControl `.plan` (JSON object; `JSON.stringify(plan, null, 4)` gives the file). lat/lon order per the format. */
export function exportQgcPlan(mission: QgcMissionInput): QgcPlan {
  const items: QgcSimpleItem[] = [];
  const cruiseM = mission.cruiseAltitudeAboveTakeoffM;
  const nav = (
    command: number,
    [lon, lat]: LonLat,
    altitudeM: number,
    params: [number, number, number, number | null],
  ) => {
    items.push({
      AMSLAltAboveTerrain: null,
      Altitude: altitudeM,
      AltitudeMode: QGC_ALTITUDE_MODE.RELATIVE,
      autoContinue: true,
      command,
      doJumpId: items.length + 1,
      frame: MAV_FRAME.GLOBAL_RELATIVE_ALT,
      params: [...params, lat, lon, altitudeM],
      type: 'SimpleItem',
    });
  };
  const action = (command: number, params: QgcSimpleItem['params']) => {
    items.push({
      autoContinue: true,
      command,
      doJumpId: items.length + 1,
      frame: MAV_FRAME.MISSION,
      params,
      type: 'SimpleItem',
    });
  };
  const waypoint = (p: LonLat, altitudeM: number) => nav(MAV_CMD.NAV_WAYPOINT, p, altitudeM, [0, 0, 0, null]);
  const spot = mission.spot;

  nav(MAV_CMD.NAV_TAKEOFF, mission.home.point, cruiseM, [0, 0, 0, null]);
  // The outbound path starts at home (the take-off point) and ends at the spot.
  for (const p of mission.outboundPath.slice(1)) waypoint(p, cruiseM);
  switch (spot.lowering) {
    case 'land':
      nav(MAV_CMD.NAV_LAND, spot.point, 0, [0, 0, 0, null]);
      action(MAV_CMD.DO_GRIPPER, [1, GRIPPER_ACTION_RELEASE, 0, 0, 0, 0, 0]);
      nav(MAV_CMD.NAV_TAKEOFF, spot.point, cruiseM, [0, 0, 0, null]);
      break;
    case 'winch': {
      const releaseM = mission.releaseAltitudeAboveTakeoffM ?? Math.min(cruiseM, 20);
      const cableM = mission.winchLengthM ?? releaseM;
      waypoint(spot.point, releaseM);
      action(MAV_CMD.DO_WINCH, [1, WINCH_ACTION_DELIVER, cableM, mission.winchRateMps ?? 0.8, 0, 0, 0]);
      waypoint(spot.point, cruiseM);
      break;
    }
    case 'parachute': {
      const releaseM = mission.releaseAltitudeAboveTakeoffM ?? cruiseM;
      if (releaseM !== cruiseM) waypoint(spot.point, releaseM);
      action(MAV_CMD.DO_GRIPPER, [1, GRIPPER_ACTION_RELEASE, 0, 0, 0, 0, 0]);
      if (releaseM !== cruiseM) waypoint(spot.point, cruiseM);
      break;
    }
  }
  // The return path starts at the spot and ends at home: fly its inner points, then return to launch and land.
  for (const p of mission.returnPath.slice(1, -1)) waypoint(p, cruiseM);
  action(MAV_CMD.NAV_RETURN_TO_LAUNCH, [0, 0, 0, 0, 0, 0, 0]);

  const circles: QgcPlan['geoFence']['circles'] = [];
  const polygons: QgcPlan['geoFence']['polygons'] = [];
  for (const zone of mission.keepOutZones) {
    if (zone.shape.kind === 'circle') {
      const [lon, lat] = zone.shape.center;
      circles.push({
        circle: { center: [lat, lon], radius: zone.shape.radiusM },
        inclusion: false,
        version: 1,
      });
    } else {
      // QGroundControl fence polygons have no holes: the outer ring keeps out all of it (the safe side).
      polygons.push({ inclusion: false, polygon: latLonRing(zone.shape.polygon), version: 1 });
    }
  }
  for (const corridor of mission.keepInCorridors) {
    polygons.push({ inclusion: true, polygon: latLonRing(corridor), version: 1 });
  }

  const [homeLon, homeLat] = mission.home.point;
  return {
    fileType: 'Plan',
    geoFence: { circles, polygons, version: 2 },
    groundStation: 'rural-dispatch',
    mission: {
      cruiseSpeed: mission.cruiseSpeedMps,
      firmwareType: mission.firmwareType ?? 12,
      globalPlanAltitudeMode: QGC_ALTITUDE_MODE.RELATIVE,
      hoverSpeed: mission.hoverSpeedMps ?? 5,
      items,
      plannedHomePosition: [homeLat, homeLon, mission.home.elevationAmslM],
      vehicleType: mission.vehicleType ?? 2,
      version: 2,
    },
    rallyPoints: {
      points: mission.rallyPoints.map(({ point: [lon, lat], altitudeAboveTakeoffM }) => [
        lat,
        lon,
        altitudeAboveTakeoffM,
      ]),
      version: 2,
    },
    version: 1,
  };
}

/** The outer ring as [lat, lon] vertices without the closing repeat (QGroundControl closes polygons itself). */
function latLonRing(polygon: GeoJsonPolygon): Array<[number, number]> {
  const ring = polygon.coordinates[0];
  const open =
    ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  return (open ? ring.slice(0, -1) : ring).map(([lon, lat]) => [lat, lon]);
}
