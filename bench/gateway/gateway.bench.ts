import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { Client } from 'pg';
import { parseConfig, guardCli } from '@rd/config';
import { deviceTopic, encodeDeviceMessage, seededRandom } from '@rd/telemetry';
import {
  createTestDatabase,
  startPrivateMosquitto,
  TEST_JWT_SECRET,
  TUNED_MOSQUITTO_CONF,
} from '@rd/testing';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';
import { IngestWriter } from '../../apps/gateway/src/ingest/ingest-writer.service';
import { MqttIngestService } from '../../apps/gateway/src/ingest/mqtt-ingest.service';

const HELP = `npm run bench:gateway [-- options]

Sustained end-to-end ingest at QoS 1: simulated devices publish positions through a private Mosquitto
started with the shipped tuned settings (docker/mosquitto.conf) on a free port; the gateway (in this
process, GATEWAY_INGEST_LANES lanes on a shared subscription) stores them in PostgreSQL (the local
server, a fresh database). Reports messages/s from first publish to last durable row with zero loss
checked by counting rows, p50/p99 publish-to-committed-row latency, and the ratio to a raw ceiling
measured in the same run: a bare subscriber counting the same stream through the same broker. On a
shared, loaded machine throughput is noise; the last column is steadier: this process's CPU time per
message with the gateway, and (in brackets) with the bare subscriber, the same publishers in both.

  --devices 1000,10000   device counts, one scenario each
  --messages 100000      messages per scenario
  --lanes 32             subscriber lanes of the gateway
  --rate 0               paced publishing in messages/s (0: as fast as the broker takes them, which
                         measures the ceiling; latency is then queueing time, so also run a paced rate)
  --publishers 8         publisher connections (devices are spread over them)
  --window 4000          QoS 1 publishes in flight at once
  --writers 4            batches written at once (GATEWAY_INGEST_WRITERS)
  --help`;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Stream {
  topics: string[];
  payloads: Buffer[];
  keys: string[];
}

function makeStream(devices: number, messages: number, seed: number): Stream {
  const random = seededRandom(seed);
  const t0 = Date.now() - 3600_000;
  const seqs = new Uint32Array(devices);
  const stream: Stream = { topics: [], payloads: [], keys: [] };
  for (let i = 0; i < messages; i++) {
    const d = i % devices;
    const deviceId = `B-${d}`;
    const seq = ++seqs[d];
    const timeMs = t0 + Math.floor((i / messages) * 3000_000);
    stream.topics.push(deviceTopic('rd/v1', 'courier', deviceId, 'telemetry'));
    stream.keys.push(`${deviceId}/${seq}`);
    stream.payloads.push(
      encodeDeviceMessage(
        {
          deviceId,
          seq,
          timestampMs: timeMs,
          body: {
            kind: 'position',
            position: {
              lon: 115 + random() * 0.5,
              lat: 28 + random() * 0.5,
              altitudeAmslM: 80,
              heightAboveTakeoffM: null,
              speedMps: random() * 15,
              headingDeg: random() * 360,
              accuracyM: 5,
              batteryLevel: 0.8,
              fixTimeMs: timeMs,
            },
          },
        },
        'protobuf',
      ),
    );
  }
  return stream;
}

/** Publishes the stream at QoS 1 with a bounded window; records each message's publish time. */
async function publishStream(
  publishers: MqttClient[],
  stream: Stream,
  window: number,
  sentAt: Map<string, number>,
  ratePerS = 0,
) {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < stream.payloads.length) {
      const i = next++;
      // Paced: message i leaves at its slot, so latency is measured below saturation.
      const due = ratePerS > 0 ? started + (i / ratePerS) * 1000 - performance.now() : 0;
      if (due > 1) await new Promise((r) => setTimeout(r, due));
      sentAt.set(stream.keys[i], performance.now());
      await publishers[i % publishers.length].publishAsync(stream.topics[i], stream.payloads[i], { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function connectPublishers(url: string, n: number): Promise<MqttClient[]> {
  return Promise.all(
    Array.from({ length: n }, () => mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 })),
  );
}

/** The ceiling: a bare subscriber (acknowledging at once) counting the same stream through the same broker. */
async function rawCeiling(
  url: string,
  stream: Stream,
  publishersN: number,
  window: number,
): Promise<{ rate: number; cpuUsPerMessage: number }> {
  const counter = await mqtt.connectAsync(url, {
    clientId: `raw-${randomBytes(3).toString('hex')}`,
    protocolVersion: 5,
  });
  let received = 0;
  const allIn = new Promise<void>((resolve) =>
    counter.on('message', () => {
      if (++received === stream.payloads.length) resolve();
    }),
  );
  await counter.subscribeAsync('rd/v1/+/+/+', { qos: 1 });
  const publishers = await connectPublishers(url, publishersN);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await publishStream(publishers, stream, window, new Map());
  await allIn;
  const rate = stream.payloads.length / ((performance.now() - started) / 1000);
  const cpuUs = cpuMicros(process.cpuUsage(cpuBefore));
  await Promise.all([...publishers, counter].map((c) => c.endAsync()));
  return { rate, cpuUsPerMessage: cpuUs / stream.payloads.length };
}

const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

async function scenario(
  devices: number,
  messages: number,
  lanes: number,
  publishersN: number,
  window: number,
  rate: number,
) {
  const broker = await startPrivateMosquitto({
    conf: TUNED_MOSQUITTO_CONF.replace('allow_anonymous false', 'allow_anonymous true'),
  });
  const db = await createTestDatabase('bench_gateway');
  const stream = makeStream(devices, messages, devices);
  try {
    const ceiling = await rawCeiling(broker.url, stream, publishersN, window);
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(
      `INSERT INTO devices (device_id, kind, secret_hash) SELECT 'B-' || i, 'courier', 'x' FROM generate_series(0, $1 - 1) i`,
      [devices],
    );
    const app = await createGatewayApp({
      config: parseConfig({
        JWT_SECRET: TEST_JWT_SECRET,
        MQTT_URL: broker.url,
        GATEWAY_ID: `bench-${randomBytes(3).toString('hex')}`,
        GATEWAY_INGEST_LANES: String(lanes),
        GATEWAY_INGEST_WRITERS: option('writers', '4'),
        DEVICE_CACHE_SIZE: String(Math.max(devices * 2, 1000)),
        GATEWAY_CHECK_INTERVAL_MS: '60000',
        LOG_LEVEL: 'error',
      }),
      database: { url: db.url, embedded: false },
      broker: { url: broker.url, sharedSubscriptions: true },
    });
    await app.init();
    const sentAt = new Map<string, number>();
    const latencies = new Float64Array(messages);
    let committed = 0;
    let lastCommitAt = 0;
    let done: () => void = () => undefined;
    const allCommitted = new Promise<void>((resolve) => (done = resolve));
    app.get(IngestWriter).onCommitted((items) => {
      const now = performance.now();
      for (const item of items) {
        if (item.type !== 'accepted') continue;
        const t = sentAt.get(`${item.message.deviceId}/${item.message.seq}`);
        if (t !== undefined && committed < messages) latencies[committed++] = now - t;
      }
      lastCommitAt = now;
      if (committed >= messages) done();
    });
    const publishers = await connectPublishers(broker.url, publishersN);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await publishStream(publishers, stream, window, sentAt, rate);
    await Promise.race([allCommitted, new Promise((r) => setTimeout(r, 120_000))]);
    const cpuUs = cpuMicros(process.cpuUsage(cpuBefore));
    const elapsedS = (lastCommitAt - started) / 1000;
    const rows = Number((await sql.query(`SELECT count(*) AS n FROM telemetry_positions`)).rows[0].n);
    const dead = Number((await sql.query(`SELECT count(*) AS n FROM dead_letters`)).rows[0].n);
    const sorted = latencies.slice(0, committed).sort();
    const storedPerS = rows / elapsedS;
    const stats = app.get(MqttIngestService).batchStats;
    if (process.env.BENCH_VERBOSE)
      console.log(
        `  batches ${stats.batches}, mean ${(stats.items / stats.batches).toFixed(0)}, max ${stats.maxBatch}, retries ${stats.retries}, write ms mean ${(stats.writeMs / stats.batches).toFixed(1)}`,
      );
    await Promise.all(publishers.map((c) => c.endAsync()));
    await app.close();
    await sql.end();
    return {
      devices,
      messages,
      rows,
      lost: messages - rows,
      deadLetters: dead,
      rate: storedPerS,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      ceiling: ceiling.rate,
      // Same publishers in both phases: the difference is what the gateway costs beyond a bare subscriber.
      cpuUsPerMessage: cpuUs / messages,
      ceilingCpuUsPerMessage: ceiling.cpuUsPerMessage,
    };
  } finally {
    await db.drop();
    await broker.stop();
  }
}

async function main(): Promise<void> {
  guardCli(HELP, ['devices', 'lanes', 'messages', 'publishers', 'rate', 'window', 'writers']);
  const devicesList = option('devices', '1000,10000').split(',').map(Number);
  const messages = Number(option('messages', '100000'));
  const lanes = Number(option('lanes', '32'));
  const publishersN = Number(option('publishers', '8'));
  const window = Number(option('window', '4000'));
  const rate = Number(option('rate', '0'));
  console.log(
    `gateway ingest, QoS 1, ${messages} messages per run, ${lanes} lanes, ${publishersN} publishers`,
  );
  console.log(
    'devices | rows stored | lost | msg/s into PostgreSQL | p50 ms | p99 ms | raw ceiling msg/s | ratio | CPU µs/msg (bare)',
  );
  for (const devices of devicesList) {
    const r = await scenario(devices, messages, lanes, publishersN, window, rate);
    console.log(
      `${String(r.devices).padStart(7)} | ${String(r.rows).padStart(11)} | ${String(r.lost).padStart(4)} | ${r.rate
        .toFixed(0)
        .padStart(21)} | ${r.p50.toFixed(0).padStart(6)} | ${r.p99.toFixed(0).padStart(6)} | ${r.ceiling
        .toFixed(0)
        .padStart(
          17,
        )} | ${(r.rate / r.ceiling).toFixed(2).padStart(5)} | ${r.cpuUsPerMessage.toFixed(0)} (${r.ceilingCpuUsPerMessage.toFixed(0)})`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
