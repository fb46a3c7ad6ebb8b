import 'reflect-metadata';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, guardCli } from '@rd/config';
import { dataSourceOptions } from '@rd/database';
import { DataSource } from 'typeorm';
import { mosquittoAcl, mosquittoPasswordFile } from '../apps/gateway/src/devices/broker-acl';
import { hashDeviceSecret } from '../apps/gateway/src/devices/device-credentials';
import { DevicesRepository } from '../apps/gateway/src/devices/devices.repository';

const HELP = `npm run mqtt:acl -- --out DIR [--gateway-user gateway]

Writes DIR/passwords and DIR/acl for Mosquitto (password_file, acl_file) from the devices table:
every active device logs in with its issued secret (stored hashed in Mosquitto's PBKDF2 format) and
may publish only its own uplinks and read only its own downlinks. The gateway user (password from
MQTT_PASSWORD) reads every uplink and writes downlinks. Needs DATABASE_URL, MQTT_PASSWORD, JWT_SECRET.
Started as root, Mosquitto reads these files as the mosquitto user: chown them to it.`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  guardCli(HELP, ['out', 'gateway-user']);
  const out = arg('--out');
  if (!out) throw new Error(`--out is required\n\n${HELP}`);
  const config = parseConfig(process.env);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
  if (!config.MQTT_PASSWORD) throw new Error('MQTT_PASSWORD (the gateway user password) is required');
  const gatewayUser = arg('--gateway-user') ?? config.MQTT_USERNAME ?? 'gateway';
  const ds = new DataSource(dataSourceOptions({ url: config.DATABASE_URL, embedded: false }));
  await ds.initialize();
  try {
    const devices = await new DevicesRepository(ds).brokerUsers();
    mkdirSync(out, { recursive: true });
    const users = [
      { username: gatewayUser, passwordHash: hashDeviceSecret(config.MQTT_PASSWORD) },
      ...devices.map((d) => ({ username: d.deviceId, passwordHash: d.secretHash })),
    ];
    writeFileSync(join(out, 'passwords'), mosquittoPasswordFile(users));
    writeFileSync(join(out, 'acl'), mosquittoAcl(config.MQTT_TOPIC_ROOT, gatewayUser));
    chmodSync(join(out, 'passwords'), 0o640);
    console.log(`wrote ${join(out, 'passwords')} (${users.length} users) and ${join(out, 'acl')}`);
  } finally {
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
