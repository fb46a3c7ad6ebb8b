import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { isoTime } from '@rd/database';
import { DeviceDirectory } from '../ingest/device-directory';
import { hashDeviceSecret, newDeviceSecret } from './device-credentials';
import type { DeadLettersQuery, ProvisionDeviceInput, TrackQuery } from './devices.schemas';
import { DevicesRepository, type DeviceView } from './devices.repository';

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

  list(kind?: DeviceView['kind']): Promise<DeviceView[]> {
    return this.devices.list(kind);
  }

  async get(deviceId: string): Promise<DeviceView> {
    const device = await this.devices.find(deviceId);
    if (!device) throw DomainError.notFound('device', deviceId);
    return device;
  }

  /** A device's fixes over a period as a GeoJSON LineString feature with per-fix times. */
  async track(deviceId: string, q: TrackQuery) {
    await this.get(deviceId);
    const rows = await this.devices.track(deviceId, q.from, q.to, q.limit);
    return {
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates: rows.map((r) => [Number(r.lon), Number(r.lat)]) },
      properties: {
        deviceId,
        from: q.from,
        to: q.to,
        fixes: rows.length,
        times: rows.map((r) => isoTime(r.recorded_at)),
        speedMps: rows.map((r) => (r.speed_mps === null ? null : Number(r.speed_mps))),
      },
    };
  }

  async deadLetters(q: DeadLettersQuery) {
    const rows = await this.devices.deadLetters(q);
    return rows.map((r) => ({
      id: Number(r.id),
      receivedAt: isoTime(r.received_at),
      topic: r.topic as string,
      deviceId: (r.device_id as string | null) ?? null,
      reason: r.reason as string,
      detail: (r.detail as string | null) ?? null,
      payloadBytes: Number(r.payload_bytes),
    }));
  }
}
