import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '@rd/auth';
import { generateMountainCounty, seededRandom, type LonLat } from '@rd/routing';
import { TOMORROW, tomorrowAt } from '@rd/testing/dates';

/** How the main job talks to its apps (HTTP through the real APIs). */
export interface MainJobApi {
  intakeUrl: string;
  plannerUrl: string;
  call(
    base: string,
    method: string,
    path: string,
    role: Role,
    body?: unknown,
    contentType?: string,
    staffId?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Fetches a body as text (the `.plan` download). */
  text(base: string, path: string, role: Role, staffId?: string): Promise<string>;
  drained(): Promise<void>;
  importMountainMap(region: string, seed: number): Promise<void>;
  step(message: string): void;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const north = ([lon, lat]: LonLat, m: number): LonLat => [lon, lat + m / 111_195];

/**
 * The drone part of the main job, on a generated mountain county: a valley hub and a drone port with two
 * drones, two pilots, landing spots and an airfield no-fly zone imported as GeoJSON through the airspace API,
 * a day of valley and upland deliveries; the planner plans drone sorties with pilots, a pilot completes the
 * checklist and accepts one mission, and its QGroundControl `.plan` is written to `outDir`.
 */
export async function runMountainDistrict(
  api: MainJobApi,
  options: { runId: string; seed: number; outDir: string },
): Promise<{
  plan: Json;
  planFile: string;
  region: string;
  county: ReturnType<typeof generateMountainCounty>;
  /** The mission the pilot accepted (queued for its drone). */
  acceptedMissionId: string;
  /** The pilot who accepted it (and may have more missions waiting). */
  pilotId: string;
}> {
  const { call, intakeUrl, plannerUrl, step } = api;
  const region = `mountain-${options.runId}`;
  const county = generateMountainCounty({ seed: options.seed });
  const t = performance.now();
  await api.importMountainMap(region, options.seed);
  step(
    `mountain district '${region}': valley road, ${county.uplandVillages.length} upland villages up switchbacks of ${county.switchbackLengthM
      .map((m) => (m / 1000).toFixed(1))
      .join('/')} km, drone port, airfield (map in ${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );

  const hub = (
    await call(intakeUrl, 'POST', '/hubs', 'admin', {
      code: `${region}-HUB`,
      name: 'Valley hub',
      kind: 'county_hub',
      location: county.hub,
      region,
    })
  ).json;
  const port = (
    await call(intakeUrl, 'POST', '/hubs', 'admin', {
      code: `${region}-PORT`,
      name: 'Valley drone port',
      kind: 'drone_port',
      location: county.dronePort,
      region,
    })
  ).json;
  for (const [code, kind, capacityWeightG] of [
    ['VAN-1', 'van', 900_000],
    ['MOTO-1', 'motorbike', 80_000],
  ] as const) {
    const vehicle = await call(intakeUrl, 'POST', '/vehicles', 'admin', {
      code: `${region}-${code}`,
      kind,
      capacityWeightG,
      capacityVolumeL: 2_000,
      homeHubId: hub.id,
      shiftStart: '07:00',
      shiftEnd: '19:00',
    });
    await call(intakeUrl, 'POST', '/couriers', 'admin', {
      name: `Courier ${code}`,
      phone: '+43 660 000 0000',
      homeHubId: hub.id,
      vehicleId: vehicle.json.id,
    });
  }
  for (const i of [1, 2])
    await call(intakeUrl, 'POST', '/drones', 'admin', {
      serialNumber: `${region}-FC30-${i}`,
      model: 'FlyCart 30',
      modelPreset: 'dji-flycart-30',
      maxPayloadG: 30_000,
      batteryWh: 3968,
      cruiseSpeedMps: 15,
      homePortId: port.id,
    });
  const pilots: string[] = [];
  for (const i of [1, 2])
    pilots.push(
      String(
        (
          await call(intakeUrl, 'POST', '/pilots', 'admin', {
            name: `Pilot ${i}`,
            licenceNumber: `${region}-BVLOS-${i}`,
            licenceClass: 'BVLOS',
            licenceExpiresOn: '2030-12-31',
            maxDronesSupervised: 2,
            station: county.dronePort,
            region,
          })
        ).json.id,
      ),
    );

  // Airspace through the API, as GeoJSON: the airfield and a landing spot beside every village.
  const airspace = await call(intakeUrl, 'POST', `/regions/${region}/airspace/import`, 'admin', {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: county.airport,
        properties: {
          layer: 'no_fly_zone',
          name: 'Valley airfield',
          kind: 'airport',
          ceilingM: 500,
          altitudeRef: 'above_ground',
        },
      },
      ...county.villages.map((v, i) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: north(v, 60) },
        properties: { layer: 'landing_spot', name: `Village ${i} spot`, clearRadiusM: 8, lowering: 'winch' },
      })),
    ],
  });
  await call(intakeUrl, 'PUT', `/regions/${region}/weather`, 'dispatcher', {
    windSpeedMps: 5,
    windFromDeg: 250,
    rain: false,
  });
  step(
    `seeded 2 drones, 2 BVLOS pilots, airspace ${JSON.stringify(airspace.json.imported)}, weather 5 m/s from 250°`,
  );

  // A day of deliveries: the valley villages order often, each upland village a few parcels.
  const random = seededRandom(options.seed * 31 + 5);
  const orders = [
    ...county.valleyVillages.flatMap((v, i) =>
      Array.from({ length: 6 }, (_, k) => ({ stop: v, key: `v${i}-${k}` })),
    ),
    ...county.uplandVillages.flatMap((v, i) =>
      Array.from({ length: 2 }, (_, k) => ({ stop: v, key: `u${i}-${k}` })),
    ),
  ].map(({ stop, key }) => {
    const startH = 8 + Math.floor(random() * 4);
    return {
      idempotencyKey: `main-job-${options.runId}-m-${key}`,
      kind: 'delivery',
      hubId: hub.id,
      sender: { name: 'Valley shop', phone: '+43 800 100 100', location: county.hub },
      recipient: {
        name: `Recipient ${key}`,
        phone: '+43 660 100 100',
        location: stop,
        landmark: 'by the chapel',
      },
      window: {
        // tomorrow: order windows must be plausible on the day the job runs
        start: tomorrowAt(startH),
        end: tomorrowAt(startH + 6),
      },
      parcels: [{ weightG: 500 + Math.floor(random() * 4500), lengthMm: 300, widthMm: 200, heightMm: 150 }],
    };
  });
  const report = await call(intakeUrl, 'POST', '/orders/bulk', 'dispatcher', { orders });
  await api.drained();
  const plan = (
    await call(plannerUrl, 'GET', `/regions/${region}/plans/current?day=${TOMORROW}`, 'dispatcher')
  ).json as Json;
  step(`mountain plan v${plan.version} for ${report.json.accepted} orders: ${JSON.stringify(plan.summary)}`);
  for (const s of plan.sorties as Json[])
    step(
      `  sortie ${s.droneSerial}#${s.sortie} pilot ${String(s.pilotId).slice(0, 8)} ${s.operation} ` +
        `${s.launchAt.slice(11, 16)}–${s.landAt.slice(11, 16)} ${(s.distanceM / 1000).toFixed(1)} km ${Math.round(s.energyWh)} Wh → order ${String(s.orderId).slice(0, 8)}`,
    );
  if (!(plan.sorties as Json[]).length) throw new Error('the mountain plan has no drone sorties');

  // A pilot takes the first sortie: fetch, checklist, accept (the outbox row is written), download the .plan.
  const first = (plan.sorties as Json[])[0];
  const pilotId = String(first.pilotId);
  const path = `/pilot/missions/${first.missionId}`;
  await call(
    plannerUrl,
    'PUT',
    `${path}/checklist`,
    'pilot',
    { battery: true, payloadSecured: true, weather: true, airspace: true, landingSpotClear: true },
    undefined,
    pilotId,
  );
  const accepted = (await call(plannerUrl, 'POST', `${path}/accept`, 'pilot', undefined, undefined, pilotId))
    .json;
  if (accepted.status !== 'accepted')
    throw new Error(`the pilot could not accept mission ${first.missionId}`);
  const planText = await api.text(plannerUrl, `${path}/plan`, 'pilot', pilotId);
  mkdirSync(options.outDir, { recursive: true });
  const planFile = join(options.outDir, `mission-${first.missionId}.plan`);
  writeFileSync(planFile, planText);
  step(
    `pilot ${pilotId.slice(0, 8)} accepted mission ${first.missionId} (queued for the drone); wrote ${planFile}`,
  );
  if (!pilots.includes(pilotId)) throw new Error('a sortie was staffed by an unknown pilot');
  return { plan, planFile, region, county, acceptedMissionId: String(first.missionId), pilotId };
}
