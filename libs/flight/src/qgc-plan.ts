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
  /** Winch cable length to pay out (m, default 20). */
  winchLengthM?: number;
  /** Active zones (keep-out) and the corridor polygons (keep-in) of this flight. */
  keepOutZones: Array<{ id: string; shape: ZoneShape }>;
  keepInCorridors: GeoJsonPolygon[];
  /** Alternate landing spots, heights above take-off. */
  rallyPoints: Array<{ point: LonLat; altitudeAboveTakeoffM: number }>;
  /** MAVLink autopilot (3 ArduPilot, 12 PX4; default 12) and vehicle type (2 quadrotor, 14 octorotor; default 2). */
  firmwareType?: number;
  vehicleType?: number;
}

export interface QgcSimpleItem {
  type: 'SimpleItem';
  command: number;
  frame: number;
  params: [number, number, number, number, number | null, number | null, number | null];
  autoContinue: boolean;
  doJumpId: number;
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
export function exportQgcPlan(_mission: QgcMissionInput): QgcPlan {
  throw new Error('not implemented');
}
