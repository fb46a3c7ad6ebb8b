import { DeviceSimulator, publishSimulation, seededRandom, type SimulatedDevice } from '@rd/telemetry';
import { guardCli } from '@rd/config';

const HELP = `npm run simulate:devices -- [options]

Drives simulated couriers and drones over MQTT in accelerated device time: couriers along random
village loops (buffering fixes in dead zones and sending them as one batch), drones out and back with a
draining battery; with loss, duplicates and reordering. Device times end at the real now, since the
gateway refuses device times ahead of it. Messages go at QoS 1; sequence numbers start at --first-seq.

  --url mqtt://127.0.0.1:1883   broker (MQTT_URL)
  --root rd/v1                  topic root
  --username U --password P     one shared login (a broker that allows it); default: anonymous
  --couriers 10 --drones 2      simulated devices (ids CR-<n>, FC-<n>; provision them first)
  --hours 2                     device time simulated
  --step-s 30                   device seconds between messages
  --speedup 0                   device seconds per wall second (0: as fast as the broker takes them)
  --loss 0.02 --duplicate 0.05 --reorder 0.05
  --dead-zone-min 15            minutes without coverage for every third courier
  --center 115.1,28.2           [lon,lat] the routes are drawn around
  --first-seq 1 --seed 1
  --help`;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  guardCli(HELP, [
    'center',
    'couriers',
    'dead-zone-min',
    'drones',
    'duplicate',
    'first-seq',
    'hours',
    'loss',
    'password',
    'reorder',
    'root',
    'seed',
    'speedup',
    'step-s',
    'url',
    'username',
  ]);
  const num = (name: string, fallback: string) => {
    const v = Number(option(name, fallback));
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
    return v;
  };
  const [lon, lat] = option('center', '115.1,28.2').split(',').map(Number);
  const seed = num('seed', '1');
  const random = seededRandom(seed);
  const hours = num('hours', '2');
  const startMs = Date.now() - hours * 3600_000;
  const deadZoneMs = num('dead-zone-min', '15') * 60_000;
  const loop = (n: number, radiusDeg: number): Array<[number, number]> => {
    const points: Array<[number, number]> = [[lon, lat]];
    for (let i = 0; i < n; i++) {
      const a = (i / n) * 2 * Math.PI + random() * 0.3;
      const r = radiusDeg * (0.5 + random() * 0.5);
      points.push([lon + r * Math.cos(a), lat + r * Math.sin(a)]);
    }
    points.push([lon, lat]);
    return points;
  };
  const devices: SimulatedDevice[] = [];
  for (let i = 1; i <= num('couriers', '10'); i++) {
    const path = loop(8, 0.08);
    devices.push({
      deviceId: `CR-${i}`,
      kind: 'courier',
      path,
      speedMps: 8 + random() * 6,
      firstSeq: num('first-seq', '1'),
      stops: path.slice(1, -1).map((_, v) => ({ vertex: v + 1, dwellS: 120 + random() * 240 })),
      deadZones: i % 3 === 0 ? [{ fromMs: startMs + 1800_000, toMs: startMs + 1800_000 + deadZoneMs }] : [],
    });
  }
  for (let i = 1; i <= num('drones', '2'); i++) {
    const a = random() * 2 * Math.PI;
    devices.push({
      deviceId: `FC-${i}`,
      kind: 'drone',
      path: [
        [lon, lat],
        [lon + 0.05 * Math.cos(a), lat + 0.05 * Math.sin(a)],
        [lon, lat],
      ],
      speedMps: 15,
      firstSeq: num('first-seq', '1'),
      battery: { startLevel: 0.95, drainPerS: 0.0006, returnHomeLevel: 0.25 },
    });
  }
  const simulator = new DeviceSimulator(
    devices,
    startMs,
    { loss: num('loss', '0.02'), duplicate: num('duplicate', '0.05'), reorder: num('reorder', '0.05') },
    seed,
  );
  const stepMs = num('step-s', '30') * 1000;
  const speedup = num('speedup', '0');
  const username = option('username', '');
  const report = await publishSimulation(
    simulator,
    {
      url: option('url', process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883'),
      root: option('root', 'rd/v1'),
      shared: {
        username: username || undefined,
        password: option('password', '') || undefined,
        connections: 4,
      },
    },
    devices.map((d) => d.deviceId),
    { startMs, endMs: Date.now(), stepMs, realStepMs: speedup > 0 ? stepMs / speedup : 0 },
  );
  console.log(
    `${devices.length} devices, ${report.steps} steps: ${report.published} published (${report.distinct.size} distinct), ${JSON.stringify(simulator.stats)}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
