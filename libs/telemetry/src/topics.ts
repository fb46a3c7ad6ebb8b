/** Device kinds that talk to the gateway. */
export const DEVICE_KINDS = ['drone', 'courier'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Device → cloud channels and cloud → device channels (the DJI Cloud API layout, under our own root). */
export const UPLINK_CHANNELS = ['telemetry', 'state', 'events', 'acks'] as const;
export const DOWNLINK_CHANNELS = ['missions', 'routes', 'commands'] as const;
export type UplinkChannel = (typeof UPLINK_CHANNELS)[number];
export type DownlinkChannel = (typeof DOWNLINK_CHANNELS)[number];

export const TOPIC_ROOT = 'rd/v1';

/** Device ids are one topic level and the broker username: letters, digits, _ . - only. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `rd/v1/{kind}/{deviceId}/{channel}`: a device publishes only under its own id (broker ACL `%u`). */
export function deviceTopic(
  root: string,
  kind: DeviceKind,
  deviceId: string,
  channel: UplinkChannel | DownlinkChannel,
): string {
  if (!DEVICE_ID_PATTERN.test(deviceId))
    throw new Error(`device id '${deviceId}' is not a valid topic level`);
  return `${root}/${kind}/${deviceId}/${channel}`;
}

export interface ParsedTopic {
  kind: DeviceKind;
  deviceId: string;
  channel: UplinkChannel;
  /** A `/json` suffix selects the JSON fallback (for MQTT 3.1.1 clients, which have no content type). */
  json: boolean;
}

/** Parses an uplink topic, or returns null for anything else (counted and dropped by the gateway). */
export function parseUplinkTopic(root: string, topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${root}/`)) return null;
  const parts = topic.slice(root.length + 1).split('/');
  const json = parts.length === 4 && parts[3] === 'json';
  if (parts.length !== 3 && !json) return null;
  const [kind, deviceId, channel] = parts;
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) return null;
  if (!(UPLINK_CHANNELS as readonly string[]).includes(channel)) return null;
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  return { kind: kind as DeviceKind, deviceId, channel: channel as UplinkChannel, json };
}

/** Subscription filters of every uplink topic under a root: plain and `/json`. */
export function uplinkFilters(root: string): string[] {
  return [`${root}/+/+/+`, `${root}/+/+/+/json`];
}

/** The topic alerts are published on (dispatch screens subscribe to it). */
export function alertsTopic(root: string): string {
  return `${root}/alerts`;
}
