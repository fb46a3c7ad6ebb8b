import mqtt, { type MqttClient } from 'mqtt';
import { startPrivateMosquitto, TUNED_MOSQUITTO_CONF, type PrivateMosquitto } from '@rd/testing';
import { mosquittoAcl, mosquittoPasswordFile } from '../src/devices/broker-acl';
import { hashDeviceSecret } from '../src/devices/device-credentials';
import { startEmbeddedBroker, type DeviceLogin, type EmbeddedBroker } from '../src/embedded-broker';

const root = 'rd/v1';
const secrets = { 'CR-A': 'secret-of-courier-a', 'FC-B': 'secret-of-drone-b' };
const logins: DeviceLogin[] = [
  { deviceId: 'CR-A', kind: 'courier', secretHash: hashDeviceSecret(secrets['CR-A']) },
  { deviceId: 'FC-B', kind: 'drone', secretHash: hashDeviceSecret(secrets['FC-B']) },
];

/** Connect, or the refusal's reason code, under MQTT 3.1.1 (where a refused publish still gets PUBACK). */
async function tryConnect(url: string, username?: string, password?: string): Promise<MqttClient | number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { username, password, protocolVersion: 4, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', (error: Error & { code?: number }) => {
      client.end(true);
      resolve(error.code ?? -1);
    });
  });
}

async function connect(url: string, username: string, password: string): Promise<MqttClient> {
  const client = await tryConnect(url, username, password);
  if (typeof client === 'number') throw new Error(`${username} refused with ${client}`);
  return client;
}

/** The same rules, asserted on whichever broker: what the watcher (gateway user) receives is the truth. */
async function expectDeviceConfinement(url: string, gateway: { username: string; password: string }) {
  expect(await tryConnect(url)).toBe(5); // anonymous: not authorised
  expect(await tryConnect(url, 'CR-A', 'wrong')).toBeGreaterThan(0);
  const watcher = await connect(url, gateway.username, gateway.password);
  const courier = await connect(url, 'CR-A', secrets['CR-A']);
  const drone = await connect(url, 'FC-B', secrets['FC-B']);
  try {
    const seen: string[] = [];
    watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await watcher.subscribeAsync(`${root}/#`, { qos: 1 });
    // The courier tries to read everything and to listen to the drone's commands.
    const snooped: string[] = [];
    courier.on('message', (topic) => snooped.push(topic));
    await courier.subscribeAsync(['#', `${root}/drone/FC-B/commands`], { qos: 1 }).catch(() => undefined);

    // Forbidden: spoofing the drone, commanding the drone, writing its own downlink. Each from a
    // connection of its own: Mosquitto drops the message (and still acknowledges it under 3.1.1), the
    // embedded broker closes the connection.
    for (const [topic, payload] of [
      [`${root}/drone/FC-B/telemetry`, 'spoofed'],
      [`${root}/drone/FC-B/commands`, 'return_to_home'],
      [`${root}/courier/CR-A/routes`, 'self-made route'],
    ]) {
      const intruder = await connect(url, 'CR-A', secrets['CR-A']);
      await Promise.race([
        intruder.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000)),
      ]);
      intruder.end(true);
    }
    // Allowed: its own uplink; and the gateway's command to the drone (which the courier must not see).
    const honest = await connect(url, 'CR-A', secrets['CR-A']);
    await honest.publishAsync(`${root}/courier/CR-A/telemetry`, 'own', { qos: 1 });
    await honest.endAsync();
    await watcher.publishAsync(`${root}/drone/FC-B/commands`, 'from-gateway', { qos: 1 });
    const deadline = Date.now() + 10_000;
    while (!seen.some((s) => s.endsWith('from-gateway')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.sort()).toEqual([
      `${root}/courier/CR-A/telemetry own`,
      `${root}/drone/FC-B/commands from-gateway`,
    ]);
    expect(snooped).toEqual([]);
  } finally {
    await Promise.all([watcher.endAsync(), courier.endAsync(), drone.endAsync()]);
  }
}

describe('device ACLs', () => {
  describe('Mosquitto with the generated password file and ACL', () => {
    let broker: PrivateMosquitto;
    const gateway = { username: 'gateway', password: 'gateway-password-for-the-test' };
    beforeAll(async () => {
      broker = await startPrivateMosquitto({
        conf: TUNED_MOSQUITTO_CONF,
        passwords: mosquittoPasswordFile([
          { username: gateway.username, passwordHash: hashDeviceSecret(gateway.password) },
          ...logins.map((l) => ({ username: l.deviceId, passwordHash: l.secretHash })),
        ]),
        acl: mosquittoAcl(root, gateway.username),
      });
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('refuses anonymous clients and confines each device to its own subtree', async () => {
      await expectDeviceConfinement(broker.url, gateway);
    });
  });

  describe('the embedded broker', () => {
    let broker: EmbeddedBroker;
    beforeAll(async () => {
      broker = await startEmbeddedBroker({ root });
      broker.setDeviceLookup(async (id) => logins.find((l) => l.deviceId === id) ?? null);
    });
    afterAll(async () => {
      await broker?.stop();
    });

    it('enforces the same rules', async () => {
      await expectDeviceConfinement(broker.url, broker.gatewayLogin);
    });
  });
});
