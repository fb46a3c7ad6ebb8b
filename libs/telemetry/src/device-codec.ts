import { deviceProtoTypes } from './proto-schema';

/** How a payload is encoded: protobuf by default, JSON (proto3 JSON mapping) as a fallback. */
export type PayloadFormat = 'protobuf' | 'json';

export interface DevicePosition {
  lon: number;
  lat: number;
  altitudeAmslM: number | null;
  heightAboveTakeoffM: number | null;
  speedMps: number | null;
  headingDeg: number | null;
  accuracyM: number | null;
  /** 0..1, or null when the device did not say. */
  batteryLevel: number | null;
  /** When the fix was taken (a batch's fixes each carry their own time). */
  fixTimeMs: number;
}

export const FLIGHT_MODES = [
  'on_ground',
  'takeoff',
  'mission',
  'hold',
  'return_to_launch',
  'landing',
  'manual',
] as const;
export type FlightMode = (typeof FLIGHT_MODES)[number];

export const DEVICE_PARCEL_EVENTS = [
  'picked_up',
  'handed_to_courier',
  'handed_to_drone',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'received_at_hub',
] as const;
export type DeviceParcelEventType = (typeof DEVICE_PARCEL_EVENTS)[number];

export const MISSION_STAGES = [
  'launched',
  'en_route',
  'at_drop',
  'delivered',
  'returning',
  'landed',
  'aborted',
] as const;
export type MissionStage = (typeof MISSION_STAGES)[number];

export type DeliveryProof =
  | { kind: 'pin'; value: string }
  | { kind: 'signature'; reference: string }
  | { kind: 'photo'; reference: string };

export type DeviceMessageBody =
  | { kind: 'position'; position: DevicePosition }
  | { kind: 'position_batch'; positions: DevicePosition[] }
  | {
      kind: 'drone';
      position: DevicePosition;
      flightMode: FlightMode | null;
      remainingFlightS: number | null;
      windSpeedMps: number | null;
      windFromDeg: number | null;
      returnHomeLevel: number | null;
    }
  | { kind: 'battery'; level: number; charging: boolean; remainingFlightS: number | null }
  | { kind: 'ack'; ackedSeq: number; accepted: boolean; reason: string | null; outboxId: number }
  | {
      kind: 'parcel_event';
      trackingNumber: string;
      type: DeviceParcelEventType;
      location: [number, number] | null;
      proof: DeliveryProof | null;
      reason: string | null;
      hubId: string | null;
    }
  | { kind: 'mission_progress'; missionId: string; stage: MissionStage; waypointIndex: number };

export interface DeviceMessage {
  deviceId: string;
  seq: number;
  timestampMs: number;
  body: DeviceMessageBody;
}

export type DecodeFailure = { ok: false; reason: 'malformed' | 'bad_envelope'; detail: string };
export type DecodeResult = { ok: true; message: DeviceMessage } | DecodeFailure;

type Obj = Record<string, unknown>;

const fail = (reason: DecodeFailure['reason'], detail: string): DecodeFailure => ({
  ok: false,
  reason,
  detail,
});
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
/** Proto3 sends nothing for zero: a zero (or absent) optional measure reads as "not sent". */
const nonZero = (v: unknown): number | null => {
  const n = num(v);
  return n === null || n === 0 ? null : n;
};

function enumName(value: unknown, prefix: string, names: readonly string[]): string | null {
  if (typeof value !== 'string' || !value.startsWith(prefix)) return null;
  const name = value.slice(prefix.length).toLowerCase();
  return names.includes(name) ? name : null;
}

function readLong(value: unknown, field: string): number | string {
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return `${field} is not a non-negative safe integer`;
  return n;
}

function readPosition(p: Obj | undefined, envelopeTimeMs: number): DevicePosition | string {
  if (!p) return 'position missing';
  const lat = num(p.lat);
  const lon = num(p.lon);
  if (lat === null || lon === null) return 'position needs lat and lon';
  const fix = readLong(p.fixTimeMs, 'fixTimeMs');
  if (typeof fix === 'string') return fix;
  const battery = num(p.batteryLevel);
  return {
    lon,
    lat,
    altitudeAmslM: nonZero(p.altitudeAmslM),
    heightAboveTakeoffM: nonZero(p.heightAboveTakeoffM),
    speedMps: num(p.speedMps),
    headingDeg: num(p.headingDeg),
    accuracyM: nonZero(p.accuracyM),
    batteryLevel: battery === null || battery < 0 ? null : battery,
    fixTimeMs: fix === 0 ? envelopeTimeMs : fix,
  };
}

function readProof(p: Obj | undefined): DeliveryProof | null {
  if (!p) return null;
  if (str(p.pin)) return { kind: 'pin', value: p.pin as string };
  if (str(p.signatureRef)) return { kind: 'signature', reference: p.signatureRef as string };
  if (str(p.photoRef)) return { kind: 'photo', reference: p.photoRef as string };
  return null;
}

function readBody(o: Obj, timeMs: number): DeviceMessageBody | string {
  switch (o.body) {
    case 'position': {
      const position = readPosition(o.position as Obj, timeMs);
      return typeof position === 'string' ? position : { kind: 'position', position };
    }
    case 'positionBatch': {
      const list = ((o.positionBatch as Obj).positions as Obj[] | undefined) ?? [];
      if (list.length === 0) return 'an empty position batch';
      const positions: DevicePosition[] = [];
      for (const [i, p] of list.entries()) {
        const position = readPosition(p, timeMs);
        if (typeof position === 'string') return `positions[${i}]: ${position}`;
        positions.push(position);
      }
      return { kind: 'position_batch', positions };
    }
    case 'drone': {
      const d = o.drone as Obj;
      const position = readPosition(d.position as Obj | undefined, timeMs);
      if (typeof position === 'string') return position;
      return {
        kind: 'drone',
        position,
        flightMode: enumName(d.flightMode, 'FLIGHT_MODE_', FLIGHT_MODES) as FlightMode | null,
        remainingFlightS: num(d.remainingFlightS),
        windSpeedMps: num(d.windSpeedMps),
        windFromDeg: num(d.windFromDeg),
        returnHomeLevel: nonZero(d.returnHomeLevel),
      };
    }
    case 'battery': {
      const b = o.battery as Obj;
      return {
        kind: 'battery',
        level: num(b.level) ?? 0,
        charging: b.charging === true,
        remainingFlightS: nonZero(b.remainingFlightS),
      };
    }
    case 'ack': {
      const a = o.ack as Obj;
      const ackedSeq = readLong(a.ackedSeq, 'ackedSeq');
      const outboxId = readLong(a.outboxId, 'outboxId');
      if (typeof ackedSeq === 'string') return ackedSeq;
      if (typeof outboxId === 'string') return outboxId;
      if (outboxId === 0) return 'an ack names the outbox id it answers';
      return { kind: 'ack', ackedSeq, accepted: a.accepted === true, reason: str(a.reason), outboxId };
    }
    case 'parcelEvent': {
      const e = o.parcelEvent as Obj;
      const type = enumName(
        e.type,
        'PARCEL_EVENT_TYPE_',
        DEVICE_PARCEL_EVENTS,
      ) as DeviceParcelEventType | null;
      if (!type) return 'a parcel event needs a type';
      const trackingNumber = str(e.trackingNumber);
      if (!trackingNumber) return 'a parcel event needs a tracking number';
      const lat = num(e.lat);
      const lon = num(e.lon);
      return {
        kind: 'parcel_event',
        trackingNumber,
        type,
        location: lat !== null && lon !== null && (lat !== 0 || lon !== 0) ? [lon, lat] : null,
        proof: readProof(e.proof as Obj | undefined),
        reason: str(e.reason),
        hubId: str(e.hubId),
      };
    }
    case 'missionProgress': {
      const m = o.missionProgress as Obj;
      const stage = enumName(m.stage, 'MISSION_STAGE_', MISSION_STAGES) as MissionStage | null;
      const missionId = str(m.missionId);
      if (!stage || !missionId) return 'mission progress needs a mission id and a stage';
      return { kind: 'mission_progress', missionId, stage, waypointIndex: num(m.waypointIndex) ?? 0 };
    }
    default:
      return 'no message body';
  }
}

/** protobufjs reads a bad 64-bit string as 0 or wraps a negative: the envelope's longs are checked first. */
function checkJsonLongs(json: Obj): string | null {
  for (const field of ['seq', 'timestampMs']) {
    const v = json[field];
    const ok =
      (typeof v === 'string' && /^\d{1,20}$/.test(v)) ||
      (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
    if (!ok) return `${field} must be a non-negative integer (a number or a string of digits)`;
  }
  return null;
}

// Longs as numbers (no Long → string → number round trip per field): beyond 2^53 a value is no longer a
// safe integer and is refused exactly as its string form was.
const TO_OBJECT = { longs: Number, enums: String, oneofs: true, defaults: false } as const;

/** Decodes a device payload, never throwing: malformed bytes and invalid envelopes are values. */
export function decodeDeviceMessage(payload: Uint8Array, format: PayloadFormat): DecodeResult {
  const { envelope } = deviceProtoTypes();
  let object: Obj;
  try {
    if (format === 'protobuf') {
      object = envelope.toObject(envelope.decode(payload), TO_OBJECT);
    } else {
      const json: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
      if (typeof json !== 'object' || json === null || Array.isArray(json))
        return fail('malformed', 'JSON payload is not an object');
      const problem = checkJsonLongs(json as Obj);
      if (problem) return fail('bad_envelope', problem);
      object = envelope.toObject(envelope.fromObject(json), TO_OBJECT);
    }
  } catch (error) {
    return fail('malformed', error instanceof Error ? error.message : String(error));
  }
  const deviceId = str(object.deviceId);
  if (!deviceId) return fail('bad_envelope', 'deviceId missing');
  const seq = readLong(object.seq, 'seq');
  if (typeof seq === 'string') return fail('bad_envelope', seq);
  if (seq === 0) return fail('bad_envelope', 'seq missing (sequence numbers start at 1)');
  const timestampMs = readLong(object.timestampMs, 'timestampMs');
  if (typeof timestampMs === 'string') return fail('bad_envelope', timestampMs);
  if (timestampMs === 0) return fail('bad_envelope', 'timestampMs missing');
  const body = readBody(object, timestampMs);
  if (typeof body === 'string') return fail('bad_envelope', body);
  return { ok: true, message: { deviceId, seq, timestampMs, body } };
}

const upper = (s: string) => s.toUpperCase();

function positionObject(p: DevicePosition): Obj {
  return {
    lat: p.lat,
    lon: p.lon,
    altitudeAmslM: p.altitudeAmslM ?? 0,
    heightAboveTakeoffM: p.heightAboveTakeoffM ?? 0,
    speedMps: p.speedMps ?? 0,
    headingDeg: p.headingDeg ?? 0,
    accuracyM: p.accuracyM ?? 0,
    batteryLevel: p.batteryLevel ?? -1,
    fixTimeMs: String(p.fixTimeMs),
  };
}

/** The proto3 JSON form of a message (camelCase fields, enum names, 64-bit numbers as strings). */
export function deviceMessageToJson(message: DeviceMessage): Obj {
  const out: Obj = {
    deviceId: message.deviceId,
    seq: String(message.seq),
    timestampMs: String(message.timestampMs),
  };
  const b = message.body;
  switch (b.kind) {
    case 'position':
      out.position = positionObject(b.position);
      break;
    case 'position_batch':
      out.positionBatch = { positions: b.positions.map(positionObject) };
      break;
    case 'drone':
      out.drone = {
        position: positionObject(b.position),
        flightMode: b.flightMode ? `FLIGHT_MODE_${upper(b.flightMode)}` : 'FLIGHT_MODE_UNSPECIFIED',
        remainingFlightS: b.remainingFlightS ?? 0,
        windSpeedMps: b.windSpeedMps ?? 0,
        windFromDeg: b.windFromDeg ?? 0,
        returnHomeLevel: b.returnHomeLevel ?? 0,
      };
      break;
    case 'battery':
      out.battery = { level: b.level, charging: b.charging, remainingFlightS: b.remainingFlightS ?? 0 };
      break;
    case 'ack':
      out.ack = {
        ackedSeq: String(b.ackedSeq),
        accepted: b.accepted,
        reason: b.reason ?? '',
        outboxId: String(b.outboxId),
      };
      break;
    case 'parcel_event':
      out.parcelEvent = {
        trackingNumber: b.trackingNumber,
        type: `PARCEL_EVENT_TYPE_${upper(b.type)}`,
        lat: b.location?.[1] ?? 0,
        lon: b.location?.[0] ?? 0,
        proof: !b.proof
          ? undefined
          : b.proof.kind === 'pin'
            ? { pin: b.proof.value }
            : b.proof.kind === 'signature'
              ? { signatureRef: b.proof.reference }
              : { photoRef: b.proof.reference },
        reason: b.reason ?? '',
        hubId: b.hubId ?? '',
      };
      break;
    case 'mission_progress':
      out.missionProgress = {
        missionId: b.missionId,
        stage: `MISSION_STAGE_${upper(b.stage)}`,
        waypointIndex: b.waypointIndex,
      };
      break;
  }
  return out;
}

/** Encodes a device message (simulator, tests, the benchmark). */
export function encodeDeviceMessage(message: DeviceMessage, format: PayloadFormat): Buffer {
  const json = deviceMessageToJson(message);
  if (format === 'json') return Buffer.from(JSON.stringify(json));
  const { envelope } = deviceProtoTypes();
  return Buffer.from(envelope.encode(envelope.fromObject(json)).finish());
}

export interface DownlinkMessage {
  outboxId: number;
  messageType: string;
  payload: unknown;
  sentAtMs: number;
  attempt: number;
}

export function encodeDownlink(message: DownlinkMessage): Buffer {
  const { downlink } = deviceProtoTypes();
  return Buffer.from(
    downlink
      .encode(
        downlink.fromObject({
          outboxId: String(message.outboxId),
          messageType: message.messageType,
          payloadJson: JSON.stringify(message.payload),
          sentAtMs: String(message.sentAtMs),
          attempt: message.attempt,
        }),
      )
      .finish(),
  );
}

export function decodeDownlink(payload: Uint8Array): DownlinkMessage {
  const { downlink } = deviceProtoTypes();
  const o = downlink.toObject(downlink.decode(payload), { longs: String, defaults: true });
  return {
    outboxId: Number(o.outboxId),
    messageType: o.messageType as string,
    payload: JSON.parse(o.payloadJson as string) as unknown,
    sentAtMs: Number(o.sentAtMs),
    attempt: o.attempt as number,
  };
}
