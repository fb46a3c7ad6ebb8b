import { Inject, Injectable } from '@nestjs/common';
import type { Principal, Role } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  appendParcelEvent,
  checkDeliveryPin,
  deliveryPinKey,
  storedProof,
  type DeliveryPinCheck,
} from '@rd/database';
import {
  applyParcelEvent,
  allowedNextEvents,
  DomainError,
  DomainErrorCode,
  eventTimeProblem,
  type ListParcelsQuery,
  type ParcelEventInput,
  type ParcelEventType,
  VILLAGE_POINT_EVENTS,
} from '@rd/domain';
import { decodeCursor, toPage } from '@rd/database';
import { isValidTrackingNumber } from '../common/tracking-number';
import type { Page, ParcelEventView, ParcelView } from '../common/views';
import { ParcelsRepository, type TrackingRow } from './parcels.repository';

/** Which scans each role may record; dispatchers and admins may record any (corrections). */
const SCANS_BY_ROLE: Record<Role, readonly ParcelEventType[] | 'all'> = {
  admin: 'all',
  dispatcher: 'all',
  hub_operator: ['received_at_hub', 'sorted', 'loaded', 'handed_to_courier', 'handed_to_drone', 'returned'],
  courier: ['picked_up', 'out_for_delivery', 'delivered', 'delivery_failed'],
  pilot: ['out_for_delivery', 'delivered', 'delivery_failed'],
};

export interface ScanResult {
  parcel: ParcelView;
  event: ParcelEventView;
}

@Injectable()
export class ParcelsService {
  private readonly pinKey: Buffer;

  constructor(
    private readonly parcels: ParcelsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.pinKey = deliveryPinKey(config);
  }

  /**
   * Records a scan. The parcel row is locked for the transaction, so concurrent scans of one parcel
   * are applied one after another against the state the previous one left: none is lost, and one
   * that became illegal meanwhile is refused with 409.
   */
  async scan(parcelId: string, input: ParcelEventInput, principal: Principal): Promise<ScanResult> {
    // Arrival issues a collection code and collection checks one: only the village-point routes record them.
    if (VILLAGE_POINT_EVENTS.includes(input.type)) {
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `'${input.type}' is recorded through /v1/village-points/{pointId}/… (arrivals, collections, returns)`,
      );
    }
    if (
      principal.role === 'hub_operator' &&
      principal.hubId &&
      input.hubId &&
      input.hubId !== principal.hubId
    ) {
      throw new DomainError(DomainErrorCode.Forbidden, 'a hub operator records scans only at their own hub');
    }
    const allowed = SCANS_BY_ROLE[principal.role];
    if (allowed !== 'all' && !allowed.includes(input.type)) {
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `role '${principal.role}' may not record '${input.type}'`,
      );
    }
    // A wrong PIN is refused after the transaction commits, so the attempt it counted is kept.
    const refusal = await this.parcels.transaction(async (m): Promise<DomainError | null> => {
      const parcel = await this.parcels.lockForUpdate(m, parcelId);
      if (!parcel || !this.canSee(parcel, principal)) throw DomainError.notFound('parcel', parcelId);
      // Until flight missions name their parcels, a pilot acts only on parcels handed to a drone.
      if (principal.role === 'pilot' && !(await this.parcels.handedToDrone(m, parcelId)))
        throw DomainError.notFound('parcel', parcelId);
      const nowMs = Date.now();
      const occurredAt = input.occurredAt ?? new Date(nowMs).toISOString();
      const timeProblem = eventTimeProblem(Date.parse(occurredAt), nowMs, Date.parse(parcel.createdAt), {
        clockSkewMs: 120_000,
        maxPastMs: this.config.EVENT_MAX_PAST_HOURS * 3_600_000,
      });
      if (timeProblem) throw DomainError.validation([{ field: 'occurredAt', reason: timeProblem }]);
      if (input.expectedVersion !== undefined && input.expectedVersion !== parcel.version) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `the parcel is at version ${parcel.version}, not ${input.expectedVersion}`,
          [{ field: 'expectedVersion', reason: 'stale' }],
          {
            currentVersion: parcel.version,
            currentState: parcel.status,
            allowedNext: [...allowedNextEvents(parcel.status)],
          },
        );
      }
      const next = applyParcelEvent(parcel.status, input.type);
      if (input.type === 'delivered' && (await this.parcels.lastMileOf(m, parcelId)) === 'village_point') {
        throw new DomainError(
          DomainErrorCode.IllegalTransition,
          'this parcel goes to a village service point: its agent scans it in there (arrivals), not a delivery',
          [{ field: 'type', reason: 'bound for a village point' }],
          { currentState: parcel.status, allowedNext: ['arrived_at_village_point'] },
        );
      }
      if (input.type === 'delivered' && input.proof?.kind === 'pin') {
        const check = await checkDeliveryPin(m, parcelId, input.proof.value, {
          key: this.pinKey,
          maxAttempts: this.config.DELIVERY_PIN_MAX_ATTEMPTS,
          actorSub: principal.sub,
          actorRole: principal.role,
        });
        if (!check.ok) return pinRefusal(check);
      }
      if (input.hubId && !(await this.parcels.hubExists(m, input.hubId))) {
        throw DomainError.validation([{ field: 'hubId', reason: 'unknown hub' }]);
      }
      if (input.courierId && !(await this.parcels.courierExists(m, input.courierId))) {
        throw DomainError.validation([{ field: 'courierId', reason: 'unknown or inactive courier' }]);
      }
      const version = parcel.version + 1;
      await appendParcelEvent(
        m,
        {
          parcelId,
          seq: version,
          type: input.type,
          fromStatus: parcel.status,
          actorSub: principal.sub,
          actorRole: principal.role,
          hubId: input.hubId ?? null,
          location: input.location ?? null,
          occurredAt,
          // A PIN proof is kept as "PIN checked", never the PIN itself.
          proof: storedProof(input.proof),
          reason: input.reason ?? null,
          note: input.note ?? null,
        },
        {
          status: next,
          currentHubId:
            next === 'received_at_hub' || next === 'sorted'
              ? input.hubId!
              : next === 'loaded'
                ? parcel.currentHubId
                : null,
          courierId: this.courierAfter(input, parcel, principal),
        },
      );
      return null;
    });
    if (refusal) throw refusal;
    const parcel = (await this.parcels.findById(parcelId))!;
    const events = await this.parcels.events(parcelId);
    return { parcel, event: events[events.length - 1] };
  }

  async get(id: string, principal: Principal): Promise<ParcelView> {
    const parcel = await this.parcels.findById(id);
    if (!parcel || !this.canSee(parcel, principal)) throw DomainError.notFound('parcel', id);
    return parcel;
  }

  async events(id: string, principal: Principal): Promise<ParcelEventView[]> {
    await this.get(id, principal);
    return this.parcels.events(id);
  }

  async list(query: ListParcelsQuery, principal: Principal): Promise<Page<ParcelView>> {
    const courierId =
      principal.role === 'courier'
        ? (principal.staffId ?? '00000000-0000-0000-0000-000000000000')
        : undefined;
    return toPage(await this.parcels.list(query, decodeCursor(query.cursor), courierId), query.limit);
  }

  near(lon: number, lat: number, radiusM: number, limit: number) {
    return this.parcels.near(lon, lat, radiusM, limit);
  }

  /** Public tracking: the history without anyone's name, phone, position, proof or staff identity. */
  async track(trackingNumber: string) {
    const normalised = trackingNumber.trim().toUpperCase();
    if (!isValidTrackingNumber(normalised)) {
      throw DomainError.validation([
        { field: 'trackingNumber', reason: 'not a valid tracking number (check the characters)' },
      ]);
    }
    const found = await this.parcels.tracking(normalised);
    if (!found) throw DomainError.notFound('tracking number', normalised);
    return { ...found, waiting: this.waitingAt(found) };
  }

  /** For a parcel waiting at a village point: where, since when, until when (never its code). */
  private waitingAt(found: TrackingRow) {
    if (found.status !== 'arrived_at_village_point') return null;
    const arrival = found.events.findLast((e) => e.type === 'arrived_at_village_point');
    if (!arrival?.hub) return null;
    const where = arrival.hub.village ? `${arrival.hub.name} (${arrival.hub.village})` : arrival.hub.name;
    const collectBy = new Date(
      Date.parse(arrival.occurredAt) + this.config.COLLECTION_HOLD_DAYS * 86_400_000,
    ).toISOString();
    return {
      at: arrival.hub.name,
      village: arrival.hub.village,
      since: arrival.occurredAt,
      collectBy,
      message: `waiting at ${where} since ${arrival.occurredAt}`,
    };
  }

  /**
   * Couriers see and scan only parcels assigned to them: deliveries handed over, pickups they are
   * sent to (a commit assigns both). An unassigned parcel is nobody's to claim.
   */
  private canSee(parcel: ParcelView, principal: Principal): boolean {
    if (principal.role !== 'courier') return true;
    return !!parcel.courierId && parcel.courierId === principal.staffId;
  }

  private courierAfter(input: ParcelEventInput, parcel: ParcelView, principal: Principal): string | null {
    if (input.type === 'handed_to_courier') return input.courierId!;
    if (input.type === 'picked_up' && principal.role === 'courier')
      return principal.staffId ?? parcel.courierId;
    if (input.type === 'received_at_hub' || input.type === 'returned') return null;
    return parcel.courierId;
  }
}

/** Why a PIN proof is refused: wrong (403, attempts left), locked (409 until a dispatcher resets it), or none issued. */
function pinRefusal(check: Exclude<DeliveryPinCheck, { ok: true }>): DomainError {
  switch (check.code) {
    case 'wrong_pin':
      return new DomainError(
        DomainErrorCode.Forbidden,
        `wrong delivery PIN: ${check.attemptsLeft} attempt(s) left`,
        [{ field: 'proof.value', reason: `wrong PIN (${check.attemptsLeft} attempt(s) left)` }],
        { attemptsLeft: check.attemptsLeft },
      );
    case 'locked':
      return new DomainError(
        DomainErrorCode.Conflict,
        `PIN delivery is locked after ${check.failedAttempts} wrong PINs: a dispatcher must reset it`,
        [
          {
            field: 'proof',
            reason:
              'PIN delivery locked; a dispatcher must reset it, or prove delivery by signature or photo',
          },
        ],
        { pinLocked: true },
      );
    case 'no_pin':
      return new DomainError(
        DomainErrorCode.Conflict,
        'no delivery PIN was issued for this order: prove delivery by signature or photo',
        [{ field: 'proof.kind', reason: 'no PIN was issued for this order' }],
      );
  }
}
