import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { generateMountainCounty, type LonLat } from '@rd/routing';
import { tomorrowAt } from '@rd/testing';
import { createConsoleApp } from '../src/create-console-app';
import type { ConsoleSystem } from './console-system';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DroneDistrict {
  region: string;
  /** A console showing this region (the system's own console shows the generated county). */
  consoleUrl: string;
  hubId: string;
  portId: string;
  pilotIds: string[];
  close(): Promise<void>;
}

const north = ([lon, lat]: LonLat, m: number): LonLat => [lon, lat + m / 111_195];
const MAP_POLLS = 600;
const MAP_POLL_MS = 250;

/**
 * A generated mountain district on a running console system, set up through the public APIs as the
 * main job does (scripts/main-job-drones.ts): a valley hub, a village service point, a drone port with
 * two drones, two BVLOS pilots, an airfield no-fly zone (always active), a zone whose period has passed,
 * a corridor of a second (planned) port, landing spots by every village, light wind, a fleet with
 * couriers and a day of valley and upland deliveries — planned by intake's debounced run.
 */
export async function startDroneDistrict(system: ConsoleSystem, seed = 7): Promise<DroneDistrict> {
  const { call, intakeUrl, plannerUrl } = system;
  const region = `${system.region}-mtn`;
  const county = generateMountainCounty({ seed });

  const map = await call<Json>(plannerUrl, 'POST', '/maps', 'admin', { region, mountain: { seed } });
  for (let i = 0; ; i++) {
    const state = await call<Json>(plannerUrl, 'GET', `/maps/${map.id}`, 'admin');
    if (state.status === 'ready') break;
    if (state.status === 'failed' || i >= MAP_POLLS)
      throw new Error(`mountain map: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, MAP_POLL_MS));
  }

  const hub = async (code: string, name: string, kind: string, location: LonLat) =>
    call<Json>(intakeUrl, 'POST', '/hubs', 'admin', {
      code: `${region}-${code}`,
      name,
      kind,
      location,
      region,
    });
  const valleyHub = await hub('HUB', 'Valley hub', 'county_hub', county.hub);
  const port = await hub('PORT', 'Valley drone port', 'drone_port', county.dronePort);
  await hub('VSP', 'Village 1 service point', 'village_service_point', county.valleyVillages[1]);
  await hub('PORT2', 'Ridge drone port (planned)', 'drone_port', north(county.hub, -1500));
  for (const [code, kind, capacityWeightG] of [
    ['VAN-1', 'van', 900_000],
    ['MOTO-1', 'motorbike', 80_000],
  ] as const) {
    const vehicle = await call<Json>(intakeUrl, 'POST', '/vehicles', 'admin', {
      code: `${region}-${code}`,
      kind,
      capacityWeightG,
      capacityVolumeL: 2_000,
      homeHubId: valleyHub.id,
      shiftStart: '07:00',
      shiftEnd: '19:00',
    });
    await call(intakeUrl, 'POST', '/couriers', 'admin', {
      name: `Courier ${code}`,
      phone: '+43 660 000 0000',
      homeHubId: valleyHub.id,
      vehicleId: vehicle.id,
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
  const pilotIds: string[] = [];
  for (const i of [1, 2]) {
    const pilot = await call<Json>(intakeUrl, 'POST', '/pilots', 'admin', {
      name: `Pilot ${i}`,
      licenceNumber: `${region}-BVLOS-${i}`,
      licenceClass: 'BVLOS',
      licenceExpiresOn: '2030-12-31',
      maxDronesSupervised: 2,
      station: county.dronePort,
      region,
    });
    pilotIds.push(pilot.id);
  }
  const yesterday = new Date(Date.now() - 86_400_000);
  await call(intakeUrl, 'POST', `/regions/${region}/airspace/import`, 'admin', {
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
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: north(county.hub, -2500) },
        properties: {
          layer: 'no_fly_zone',
          name: 'Yesterday’s event',
          kind: 'temporary',
          ceilingM: 300,
          altitudeRef: 'above_ground',
          radiusM: 400,
          activePeriods: [
            { from: yesterday.toISOString(), to: new Date(yesterday.getTime() + 3_600_000).toISOString() },
          ],
        },
      },
      {
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: [north(county.hub, -1500), county.valleyVillages[0]] },
        properties: {
          layer: 'corridor',
          name: 'Ridge corridor',
          ports: [`${region}-PORT2`],
          halfWidthM: 150,
          ceilingM: 120,
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

  // Valley villages order often, each upland village twice: the uplands are the drones' work.
  const stops = [
    ...county.valleyVillages.flatMap((v, i) =>
      [0, 1, 2].map((k) => ({ at: v, key: `v${i}-${k}`, village: i })),
    ),
    ...county.uplandVillages.flatMap((v, i) =>
      [0, 1].map((k) => ({ at: v, key: `u${i}-${k}`, village: 100 + i })),
    ),
  ];
  await call(intakeUrl, 'POST', '/orders/bulk', 'dispatcher', {
    orders: stops.map(({ at, key, village }, n) => ({
      idempotencyKey: `${region}-${key}`,
      kind: 'delivery',
      hubId: valleyHub.id,
      village: village >= 100 ? `Upland ${village - 100}` : `Valley ${village}`,
      sender: { name: 'Valley shop', phone: '+43 800 100 100', location: county.hub },
      recipient: {
        name: `Recipient ${key}`,
        phone: '+43 660 100 100',
        location: [at[0] + (n % 3) * 0.0001, at[1]],
        landmark: 'by the chapel',
      },
      window: { start: tomorrowAt(8), end: tomorrowAt(16) },
      parcels: [{ weightG: 1_000 + (n % 4) * 700, lengthMm: 300, widthMm: 200, heightMm: 150 }],
    })),
  });
  await system.planningIdle();

  const consoleApp: INestApplication = await createConsoleApp({
    config: { ...system.config, CONSOLE_REGION: region },
  });
  await consoleApp.listen(0, '127.0.0.1');
  const { port: consolePort } = consoleApp.getHttpServer().address() as AddressInfo;
  return {
    region,
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    hubId: valleyHub.id,
    portId: port.id,
    pilotIds,
    close: () => consoleApp.close(),
  };
}
