import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DeviceSimulator, publishSimulation, type SimulatedDevice } from '@rd/telemetry';
import { createTestDatabase, TEST_JWT_SECRET, type TestDatabase } from '@rd/testing';

const brokerUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const repoRoot = resolve(__dirname, '../../..');

async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A gateway in its own node process (the built `main.js`), ready once it says it listens. */
function startGatewayProcess(
  entry: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: string[] }> {
  const output: string[] = [];
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (/gateway on :\d+/.test(output.join(''))) resolveReady({ child, output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(
        new Error(`gateway exited before it was ready (${code ?? signal}): ${output.join('').slice(-2000)}`),
      ),
    );
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

/**
 * The fault the issue names, for real: the gateway runs as a separate process and is killed with
 * SIGKILL (no shutdown hook, no flush, held acknowledgements lost) while simulated devices publish at
 * QoS 1; a new process with the same gateway id resumes the persistent sessions. Every message the
 * devices published is stored exactly once.
 */
describe('gateway process killed mid-stream and restarted', () => {
  const root = `rdtest/${randomBytes(4).toString('hex')}`;
  const buildDir = join(repoRoot, 'dist', `e2e-gateway-${randomBytes(3).toString('hex')}`);
  const entry = join(buildDir, 'apps/gateway/src/main.js');
  let db: TestDatabase;
  let sql: Client;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Build what the process needs (the gateway and the libraries) with the project's swc settings.
    await promisify(execFile)(
      process.execPath,
      [
        join(repoRoot, 'node_modules/@swc/cli/bin/swc.js'),
        'apps/gateway/src',
        'libs',
        '-d',
        buildDir,
        '--config-file',
        '.swcrc',
        '-q',
      ],
      { cwd: repoRoot, timeout: 120_000 },
    );
    db = await createTestDatabase('gateway_kill');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    env = {
      DATABASE_URL: db.url,
      MQTT_URL: brokerUrl,
      MQTT_TOPIC_ROOT: root,
      // The same id on restart: the broker kept (and queued for) these sessions.
      GATEWAY_ID: `gwk-${randomBytes(3).toString('hex')}`,
      GATEWAY_INGEST_LANES: '4',
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      LOG_LEVEL: 'log',
    };
  }, 180_000);
  afterAll(async () => {
    for (const child of children) await killed(child);
    await sql?.end();
    await db?.drop();
    await rm(buildDir, { recursive: true, force: true });
  });

  it('stores every message the devices published exactly once', async () => {
    const devices: SimulatedDevice[] = [];
    for (let i = 0; i < 12; i++) {
      const kind = i % 2 ? 'drone' : 'courier';
      const deviceId = `${kind === 'drone' ? 'FC' : 'PH'}-K${i}`;
      await sql.query(`INSERT INTO devices (device_id, kind, secret_hash) VALUES ($1, $2, 'x')`, [
        deviceId,
        kind,
      ]);
      devices.push({
        deviceId,
        kind,
        path: [
          [115.1 + i / 1000, 28.2],
          [115.1 + i / 1000, 28.3],
        ],
        speedMps: 10,
      });
    }
    const simStartMs = Date.now() - 3600_000;
    const simulator = new DeviceSimulator(
      devices,
      simStartMs,
      { loss: 0, duplicate: 0.05, reorder: 0.05 },
      11,
    );

    const stepMs = 5_000;
    const target = { url: brokerUrl, root, shared: { connections: 3 } };
    const ids = devices.map((d) => d.deviceId);
    // Three stretches of one stream: while the first gateway runs (killed part-way), while no gateway
    // runs, and after the restart. Paced so that the kill lands while messages are in flight.
    const publish = (fromStep: number, toStep: number, realStepMs: number) =>
      publishSimulation(simulator, target, ids, {
        startMs: simStartMs + fromStep * stepMs,
        endMs: simStartMs + toStep * stepMs,
        stepMs,
        realStepMs,
      });
    const stored = async () =>
      Number((await sql.query(`SELECT count(*)::int AS n FROM telemetry_positions`)).rows[0].n);

    const first = await startGatewayProcess(entry, env);
    children.push(first.child);
    const whileUp = publish(0, 99, 25);
    await waitFor('a first part stored', stored, (n) => n >= 300);
    await killed(first.child); // SIGKILL: held acknowledgements and the batch being written die with it
    const before = await whileUp;
    const whileDown = await publish(100, 159, 0);
    const second = await startGatewayProcess(entry, env);
    children.push(second.child);
    const afterRestart = await publish(160, 220, 0);

    const distinctSent = new Set([...before.distinct, ...whileDown.distinct, ...afterRestart.distinct]);
    const published = before.published + whileDown.published + afterRestart.published;
    expect(whileDown.distinct.size).toBeGreaterThan(500); // published while no gateway ran
    expect(published).toBeGreaterThan(distinctSent.size); // duplicates went out too
    const n = await waitFor('all stored', stored, (v) => v >= distinctSent.size);
    expect(n).toBe(distinctSent.size);
    const distinct = await sql.query(
      `SELECT count(DISTINCT (device_id, seq))::int AS n, count(*)::int AS rows FROM telemetry_positions`,
    );
    expect(distinct.rows[0]).toEqual({ n: distinctSent.size, rows: distinctSent.size });
    // What each device published is what is stored: no gap, no extra.
    const perDevice = await sql.query(
      `SELECT device_id, min(seq)::int AS lo, max(seq)::int AS hi, count(*)::int AS n FROM telemetry_positions
       GROUP BY device_id ORDER BY device_id`,
    );
    for (const row of perDevice.rows) expect(row).toMatchObject({ lo: 1, n: row.hi });
    expect(perDevice.rows).toHaveLength(devices.length);
  }, 240_000);
});
