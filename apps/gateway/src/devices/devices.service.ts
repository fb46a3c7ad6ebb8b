import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { decodeKeyCursor, type Page, SERIAL_KEY, toKeyPage } from '@rd/database';
import { DEVICE_ID_PATTERN } from '@rd/telemetry';
import { DeviceDirectory } from '../ingest/device-directory';
import { hashDeviceSecret, newDeviceSecret } from './device-credentials';
import type { DeadLettersQuery, ListDevicesQuery, ProvisionDeviceInput, TrackQuery } from './devices.schemas';
import {
  DevicesRepository,
  type DeadLetterView,
  type DeviceView,
  type TrackFix,
  type TrackKey,
} from './devices.repository';

@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly directory: DeviceDirectory,
  ) {}

  /** Issues credentials: the secret is returned once and stored hashed. Again for a known device: re-provisioning. */
  async provision(
    input: ProvisionDeviceInput,
  ): Promise<{ deviceId: string; secret: string; epoch: number; created: boolean }> {
    const secret = newDeviceSecret();
    const result = await this.devices.provision({
      deviceId: input.deviceId,
      kind: input.kind,
      secretHash: hashDeviceSecret(secret),
      courierId: input.courierId ?? null,
      droneId: input.droneId ?? null,
    });
    if (!result.epoch) {
      throw new DomainError(DomainErrorCode.Conflict, `device ${input.deviceId} exists as another kind`, [
        { field: 'kind', reason: 'differs from the provisioned kind' },
      ]);
    }
    this.directory.forget(input.deviceId);
    return { deviceId: input.deviceId, secret, epoch: result.epoch, created: result.created };
  }

  /** A page of devices in device id order. */
  async list(q: ListDevicesQuery): Promise<Page<DeviceView>> {
    const afterId = decodeKeyCursor(q.cursor, DEVICE_ID_PATTERN);
    const rows = await this.devices.list(q.kind, afterId, q.limit + 1);
    return toKeyPage(rows, q.limit, (device) => device.deviceId);
  }

  async get(deviceId: string): Promise<DeviceView> {
    const device = await this.devices.find(deviceId);
    if (!device) throw DomainError.notFound('device', deviceId);
    return device;
  }

  /**
   * A device's fixes over a period as a GeoJSON LineString feature with per-fix times, `limit` fixes
   * at most: `properties.nextCursor` continues the track where this part ends (null: it is complete).
   */
  async track(deviceId: string, q: TrackQuery) {
    const after = decodeTrackCursor(q.cursor);
    await this.get(deviceId);
    const page = toKeyPage(
      await this.devices.track(deviceId, q.from, q.to, after, q.limit + 1),
      q.limit,
      trackKey,
    );
    const fixes = page.items;
    return {
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: fixes.map((f) => [f.lon, f.lat]) },
      properties: {
        deviceId,
        from: q.from,
        to: q.to,
        fixes: fixes.length,
        times: fixes.map((f) => f.recordedAt),
        speedMps: fixes.map((f) => f.speedMps),
        nextCursor: page.nextCursor,
      },
    };
  }

  /** A page of dead letters, newest first. */
  async deadLetters(q: DeadLettersQuery): Promise<Page<DeadLetterView>> {
    const afterId = decodeKeyCursor(q.cursor, SERIAL_KEY);
    const rows = await this.devices.deadLetters(q, afterId, q.limit + 1);
    return toKeyPage(rows, q.limit, (letter) => String(letter.id));
  }
}

/** A track cursor's key: the last fix's time (to the millisecond, as stored), epoch, seq and part. */
const TRACK_KEY = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(\d{1,9})\|(\d{1,16})\|(\d{1,4})$/;

const trackKey = (f: TrackFix): string => `${f.recordedAt}|${f.epoch}|${f.seq}|${f.part}`;

/** The fix a track cursor names; a forged one (an impossible date too) is a 400 before it reaches SQL. */
function decodeTrackCursor(cursor: string | undefined): TrackKey | null {
  const match = TRACK_KEY.exec(decodeKeyCursor(cursor, TRACK_KEY) ?? '');
  if (!match) return null;
  const recordedAt = match[1];
  if (Number.isNaN(Date.parse(recordedAt)) || new Date(recordedAt).toISOString() !== recordedAt) {
    throw DomainError.validation([{ field: 'cursor', reason: 'not a cursor from a previous page' }]);
  }
  return { recordedAt, epoch: Number(match[2]), seq: Number(match[3]), part: Number(match[4]) };
}
