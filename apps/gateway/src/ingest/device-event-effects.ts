import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  appendParcelEvent,
  checkDeliveryPin,
  deliveryPinKey,
  sqlExec,
  sqlRow,
  storedProof,
} from '@rd/database';
import { allowedNextEvents, type ParcelState } from '@rd/domain';
import type { EntityManager } from 'typeorm';
import type { AcceptedMessage } from './ingest.types';
import { MISSION_PROGRESS_SINK, type MissionProgressSink } from './mission-progress.sink';

/** The parcel a device event names, locked for the transition. */
interface ParcelRow {
  id: string;
  status: ParcelState;
  version: number;
  courier_id: string | null;
}

/**
 * Events write into the device's state row, which the flusher creates a moment after a batch commits:
 * an event that is a device's first word creates it (an UPDATE alone touched nothing and the report
 * was lost). The flusher's later upsert keeps these columns (GREATEST seq and time, coalesced values).
 */
const INSERT_STATE_ROW = `INSERT INTO device_state AS s (device_id, epoch, last_seq, last_heard_at,`;
const stateRowValues = (item: AcceptedMessage) => [
  item.device.deviceId,
  item.device.epoch,
  item.message.seq,
  new Date(item.receivedAtMs).toISOString(),
];

export type EffectOutcome = { outcome: 'applied' | 'rejected' | 'stored'; reason: string | null };

/**
 * What a device event changes, inside the ingest transaction, applied once (only for events stored
 * for the first time). Parcel events go through the same state machine as hub scans: an illegal one
 * is kept as a rejected event with the reason and changes nothing.
 */
@Injectable()
export class DeviceEventEffects {
  private readonly pinKey: Buffer;

  constructor(
    @Inject(MISSION_PROGRESS_SINK) private readonly missions: MissionProgressSink,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.pinKey = deliveryPinKey(config);
  }

  async apply(m: EntityManager, item: AcceptedMessage): Promise<EffectOutcome> {
    const body = item.message.body;
    const at = new Date(item.message.timestampMs).toISOString();
    switch (body.kind) {
      case 'ack': {
        const closed = await sqlExec(
          m,
          `UPDATE device_outbox SET status = CASE WHEN $3 THEN 'acked' ELSE 'failed' END, acked_at = now(),
             last_error = CASE WHEN $3 THEN NULL ELSE $4 END
           WHERE id = $1 AND device_id = $2 AND status IN ('pending','sent')`,
          [body.outboxId, item.device.deviceId, body.accepted, body.reason ?? 'refused by the device'],
        );
        return closed
          ? {
              outcome: 'applied',
              reason: body.accepted ? null : `device refused: ${body.reason ?? 'no reason'}`,
            }
          : { outcome: 'rejected', reason: `no open outbox message ${body.outboxId} for this device` };
      }
      case 'battery':
        await sqlExec(
          m,
          `${INSERT_STATE_ROW} battery_level) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (device_id) DO UPDATE SET battery_level = excluded.battery_level`,
          [...stateRowValues(item), body.level],
        );
        return { outcome: 'applied', reason: null };
      case 'mission_progress': {
        await sqlExec(
          m,
          `${INSERT_STATE_ROW} mission_id, mission_stage, mission_stage_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (device_id) DO UPDATE SET mission_id = excluded.mission_id,
             mission_stage = excluded.mission_stage, mission_stage_at = excluded.mission_stage_at
           WHERE s.mission_stage_at IS NULL OR s.mission_stage_at <= excluded.mission_stage_at`,
          [...stateRowValues(item), body.missionId, body.stage, at],
        );
        const result = await this.missions.record(m, {
          missionId: body.missionId,
          stage: body.stage,
          waypointIndex: body.waypointIndex,
          deviceId: item.device.deviceId,
          occurredAt: at,
        });
        return result.applied
          ? { outcome: 'applied', reason: null }
          : { outcome: 'rejected', reason: result.reason };
      }
      case 'parcel_event':
        return this.applyParcelEvent(m, item, body, at);
      default:
        return { outcome: 'stored', reason: null };
    }
  }

  private async applyParcelEvent(
    m: EntityManager,
    item: AcceptedMessage,
    body: Extract<AcceptedMessage['message']['body'], { kind: 'parcel_event' }>,
    at: string,
  ): Promise<EffectOutcome> {
    const parcel = await sqlRow<ParcelRow>(
      m,
      `SELECT id, status, version, courier_id FROM parcels WHERE tracking_number = $1 FOR UPDATE`,
      [body.trackingNumber],
    );
    if (!parcel) return { outcome: 'rejected', reason: `unknown tracking number ${body.trackingNumber}` };
    const device = item.device;
    // Object-level authorisation: a courier's phone reports only parcels handed to that courier.
    if (
      device.kind === 'courier' &&
      body.type !== 'handed_to_courier' &&
      parcel.courier_id !== device.courierId
    ) {
      return { outcome: 'rejected', reason: 'the parcel is not with this courier' };
    }
    if (!allowedNextEvents(parcel.status).includes(body.type)) {
      return {
        outcome: 'rejected',
        reason: `illegal transition: '${parcel.status}' cannot be '${body.type}' (allowed: ${allowedNextEvents(parcel.status).join(', ') || 'none'})`,
      };
    }
    if (body.type === 'delivered' && !body.proof)
      return { outcome: 'rejected', reason: 'delivery needs a proof' };
    if (body.type === 'delivered') {
      const order = await sqlRow<{ last_mile: 'door' | 'village_point' }>(
        m,
        `SELECT o.last_mile FROM parcels p JOIN orders o ON o.id = p.order_id WHERE p.id = $1`,
        [parcel.id],
      );
      if (order?.last_mile === 'village_point')
        return {
          outcome: 'rejected',
          reason: "bound for a village service point: the point's agent scans it in (arrivals)",
        };
    }
    // The recipient's PIN, checked as for a hub scan: a wrong one counts (this transaction commits the rejection).
    if (body.type === 'delivered' && body.proof?.kind === 'pin') {
      const check = await checkDeliveryPin(m, parcel.id, body.proof.value, {
        key: this.pinKey,
        maxAttempts: this.config.DELIVERY_PIN_MAX_ATTEMPTS,
        actorSub: `device:${device.deviceId}`,
        actorRole: device.kind,
      });
      if (!check.ok) {
        const reason =
          check.code === 'wrong_pin'
            ? `wrong delivery PIN (${check.attemptsLeft} attempt(s) left)`
            : check.code === 'locked'
              ? 'PIN delivery locked after too many wrong PINs: a dispatcher must reset it'
              : 'no delivery PIN was issued for this order';
        return { outcome: 'rejected', reason };
      }
    }
    if (body.type === 'delivery_failed' && !body.reason)
      return { outcome: 'rejected', reason: 'a failed delivery needs a reason' };
    if (body.type === 'received_at_hub' && !body.hubId)
      return { outcome: 'rejected', reason: 'a hub scan names the hub' };
    const courierAfter =
      body.type === 'handed_to_courier' ? (device.courierId ?? parcel.courier_id) : parcel.courier_id;
    await appendParcelEvent(
      m,
      {
        parcelId: parcel.id,
        seq: parcel.version + 1,
        type: body.type,
        fromStatus: parcel.status,
        actorSub: `device:${device.deviceId}`,
        actorRole: device.kind,
        hubId: body.hubId,
        location: body.location,
        occurredAt: at,
        proof: storedProof(body.proof),
        reason: body.reason,
        note: `reported by device ${device.deviceId} (seq ${item.message.seq})`,
      },
      {
        status: body.type,
        currentHubId: body.type === 'received_at_hub' ? body.hubId : null,
        courierId: body.type === 'received_at_hub' ? null : courierAfter,
      },
    );
    return { outcome: 'applied', reason: null };
  }
}
