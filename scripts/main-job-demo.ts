import type { LonLat } from '@rd/routing';
import type { DataSource } from 'typeorm';
import { sqlRows } from '@rd/database';

/** What the demo's console offers beyond the county: the mountain district, its pilot and a parcel to scan. */
export interface DemoDistrict {
  region: string;
  pilotId: string;
  hubName: string;
  /** Parcels the demo received at the district's hub (what sits there). */
  atHub: number;
  /** A parcel still to be received at the hub: the newcomer (or the screenshot) scans it. */
  toScan: string;
}

/** Parcels received at the hub for the newcomer to see sitting there. */
const RECEIVED_FOR_THE_DEMO = 6;

/**
 * Parcels wait at the district's valley hub: a few received there, one more left for the newcomer to
 * scan. Only parcels no drone carries (a mission's delivery report must find its parcel as planned).
 */
export async function stageHubScan(
  db: DataSource,
  region: string,
  scan: (parcelId: string, event: Record<string, unknown>) => Promise<void>,
): Promise<Omit<DemoDistrict, 'region' | 'pilotId'>> {
  const parcels = await sqlRows<{ id: string; tracking_number: string; hub_id: string; hub_name: string }>(
    db,
    `SELECT p.id, p.tracking_number, h.id AS hub_id, h.name AS hub_name
     FROM parcels p JOIN orders o ON o.id = p.order_id JOIN hubs h ON h.id = o.hub_id
     WHERE h.region = $1 AND h.kind = 'county_hub'
       AND NOT EXISTS (SELECT 1 FROM missions m WHERE m.order_id = o.id)
     ORDER BY p.tracking_number LIMIT $2`,
    [region, RECEIVED_FOR_THE_DEMO + 1],
  );
  if (!parcels.length) throw new Error(`the district ${region} has no parcels at its hub to scan`);
  const [toScan, ...received] = parcels;
  for (const p of received) await scan(p.id, { type: 'received_at_hub', hubId: p.hub_id });
  return { hubName: toScan.hub_name, atHub: received.length, toScan: toScan.tracking_number };
}

/** The plan's sorties as the demo's drones fly them. */
export function sortiesToFly(plan: {
  sorties?: Array<{
    missionId?: string;
    droneSerial: string;
    launchAt: string;
    geometry: { coordinates: LonLat[] } | null;
  }>;
}) {
  return (plan.sorties ?? [])
    .filter((s) => s.missionId && s.geometry && s.geometry.coordinates.length >= 2)
    .map((s) => ({
      missionId: s.missionId!,
      droneSerial: s.droneSerial,
      launchAt: s.launchAt,
      path: s.geometry!.coordinates as Array<[number, number]>,
    }));
}

/** How the newcomer reaches the district: the drones on the live map, the pilot's missions, the hub scan. */
export function demoDistrictLines(consoleUrl: string, district: DemoDistrict): string[] {
  const at = `${consoleUrl}?region=${encodeURIComponent(district.region)}`;
  return [
    `drones fly in the mountain district '${district.region}': ${at} (the dispatcher's live map there)`,
    `  pilot ${district.pilotId} has missions: sign in as pilot with staff id ${district.pilotId} (or the pilot token above) at ${at}#/pilot`,
    `  hub scan: ${district.atHub} parcels sit at ${district.hubName}; parcel ${district.toScan} waits to be received there — sign in as hub operator at ${at}#/hub and scan it`,
  ];
}
