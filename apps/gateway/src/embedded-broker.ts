import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { DeviceKind } from '@rd/telemetry';
import { deviceMayAccess } from './devices/broker-acl';
import { verifyDeviceSecret } from './devices/device-credentials';

export interface DeviceLogin {
  deviceId: string;
  kind: DeviceKind;
  secretHash: string;
}

export interface EmbeddedBroker {
  url: string;
  /** The gateway's own login: a random password made at start. */
  gatewayLogin: { username: string; password: string };
  /** How the broker finds a device's credentials (the gateway's devices table, once the app runs). */
  setDeviceLookup(lookup: (deviceId: string) => Promise<DeviceLogin | null>): void;
  stop(): Promise<void>;
}

const GATEWAY_USER = 'gateway';

/**
 * An in-process MQTT broker (aedes) on loopback, for running without Mosquitto (development and the
 * main job). It enforces what the generated Mosquitto ACL enforces: no anonymous clients, devices
 * log in with their issued secret and publish and subscribe only in their own subtree.
 */
export async function startEmbeddedBroker(options: { root: string }): Promise<EmbeddedBroker> {
  const { Aedes } = await import('aedes');
  const gatewayPassword = randomBytes(18).toString('base64url');
  let lookup: (deviceId: string) => Promise<DeviceLogin | null> = async () => null;
  const devices = new Map<string, DeviceLogin>(); // keyed by client id, for the connection's lifetime
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      // As Mosquitto answers: anonymous → 5 (not authorised), a wrong login → 4.
      const refuse = (returnCode: 4 | 5 = 4) => {
        const error = Object.assign(new Error('not authorised'), { returnCode });
        done(error, false);
      };
      if (!username || !password) return refuse(5);
      if (username === GATEWAY_USER) {
        return password.toString() === gatewayPassword ? done(null, true) : refuse();
      }
      lookup(username).then(
        (device) => {
          if (!device || !verifyDeviceSecret(password.toString(), device.secretHash)) return refuse();
          devices.set(client.id, device);
          done(null, true);
        },
        () => refuse(),
      );
    },
    // A refused publish closes the device's connection (aedes' way; Mosquitto drops the message silently).
    authorizePublish: (client, packet, callback) => {
      if (packet.topic.startsWith('$SYS')) return callback(new Error('$SYS is reserved'));
      if (!client) return callback(null);
      const device = devices.get(client.id);
      if (!device) return callback(null); // the gateway
      if (deviceMayAccess(options.root, device, packet.topic, 'publish')) return callback(null);
      callback(new Error(`${device.deviceId} may not publish on ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const device = devices.get(client.id);
      if (!device) return callback(null, subscription);
      if (deviceMayAccess(options.root, device, subscription.topic, 'subscribe'))
        return callback(null, subscription);
      callback(null, null); // negated: the client gets a failure code for this filter and nothing else
    },
  });
  broker.on('clientDisconnect', (client) => devices.delete(client.id));
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    gatewayLogin: { username: GATEWAY_USER, password: gatewayPassword },
    setDeviceLookup(fn) {
      lookup = fn;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}
