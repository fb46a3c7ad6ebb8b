/** What a planning run reads for one region (rows mapped by the repository). */
export interface HubRow {
  id: string;
  code: string;
  kind: string;
  location: [number, number];
}

export interface OpenOrder {
  id: string;
  kind: 'delivery' | 'pickup';
  /** Where the vehicle stops: the recipient for a delivery, the sender for a pickup. */
  stop: [number, number];
  hubId: string;
  village: string | null;
  windowStartMs: number;
  windowEndMs: number;
  priority: 'standard' | 'express' | 'medical';
  coldChain: boolean;
  fragile: boolean;
  parcels: number;
  weightG: number;
  volumeCm3: number;
  /** The recipient refused drone deliveries. */
  droneOptOut: boolean;
  /** Largest length, width and height among the order's parcels (mm). */
  largestDimsMm: [number, number, number];
}

export interface FleetVehicle {
  id: string;
  code: string;
  kind: 'van' | 'motorbike' | 'tricycle';
  homeHubId: string;
  capacityWeightG: number;
  capacityVolumeL: number;
  shiftStart: string;
  shiftEnd: string;
  skills: string[];
  courierId: string | null;
  /** Size and weight as registered (null where not given: the road profile's figures apply). */
  dimensions?: {
    heightM: number | null;
    widthM: number | null;
    lengthM: number | null;
    grossWeightG: number | null;
    axleLoadG: number | null;
  };
}

export interface DronePort {
  droneId: string;
  serialNumber: string;
  /** Model name and energy-model parameters (`{ preset }` and overrides) as stored. */
  model: string;
  modelParams: Record<string, unknown> | null;
  portId: string;
  location: [number, number];
  maxPayloadG: number;
  batteryWh: number;
  cruiseSpeedMps: number;
  /** Operating hours, UTC "HH:MM:SS". */
  shiftStart: string;
  shiftEnd: string;
}

/** Work the current plan committed (or a dispatcher locked): stays first, in order, on its vehicle. */
export interface LockedRoute {
  vehicleId: string;
  orderIds: string[];
  /** The dispatcher locked the whole route (not only its committed stops). */
  manual: boolean;
}

export interface PlanningData {
  region: string;
  /** The service day (YYYY-MM-DD, in the service zone). */
  planDate: string;
  /** Its local midnight: shifts and opening hours ("08:00") count from here. */
  dayStartMs: number;
  hubs: HubRow[];
  orders: OpenOrder[];
  vehicles: FleetVehicle[];
  drones: DronePort[];
  locked: LockedRoute[];
}
