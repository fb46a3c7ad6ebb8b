import type { DeviceKind, DeviceMessage, UplinkChannel } from '@rd/telemetry';

/** Why a message was refused; each is counted, logged and stored as a dead letter. */
export const DEAD_LETTER_REASONS = [
  'foreign_topic',
  'oversized',
  'retained',
  'malformed',
  'bad_envelope',
  'device_mismatch',
  'unknown_device',
  'kind_mismatch',
  'seq_far_ahead',
  'bad_time',
  'impossible_coordinates',
  'impossible_speed',
  /** A measure outside its plausible range (heading, altitude, battery level, wind…). */
  'implausible_value',
  /** Passed every check but the database refused its values (a number beyond its column, a NUL byte). */
  'unstorable',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** What the gateway knows about a provisioned device (a bounded cache of the `devices` table). */
export interface KnownDevice {
  deviceId: string;
  kind: DeviceKind;
  epoch: number;
  /** Highest sequence number accepted in this epoch (0: none yet). */
  lastSeq: number;
  courierId: string | null;
  droneId: string | null;
}

export interface AcceptedMessage {
  type: 'accepted';
  device: KnownDevice;
  channel: UplinkChannel;
  message: DeviceMessage;
  receivedAtMs: number;
  /** As received, kept for a dead letter should the database refuse the message's values. */
  topic: string;
  payload: Buffer;
  /** Set by the writer when the database refused it and it was stored as a dead letter instead. */
  unstorable?: true;
}

export interface DeadLetter {
  type: 'dead_letter';
  topic: string;
  deviceId: string | null;
  reason: DeadLetterReason;
  detail: string;
  payload: Buffer;
  receivedAtMs: number;
}

/** One item of an ingest batch: stored (and then acknowledged) together with the others. */
export type IngestItem = AcceptedMessage | DeadLetter;
