import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { appendParcelEvent, decodeCursor, ServiceDays } from '@rd/database';
import { utcDate, type PageQuery } from '@rd/domain';
import {
  applyParcelEvent,
  type CollectionInput,
  DomainError,
  DomainErrorCode,
  type ParcelEventType,
  type SendBackInput,
} from '@rd/domain';
import type { EntityManager } from 'typeorm';
import { NotificationOutboxRepository } from '../notifications/notification-outbox.repository';
import { collectionCodeMatches, hashCollectionCode, newCollectionCode } from './collection-code';
import { VillagePointsRepository, type PointParcel, type VillagePoint } from './village-points.repository';

const DAY_MS = 86_400_000;
/** Who records the automatic expiry in a parcel's history. */
const SYSTEM_ACTOR = { sub: 'system:collection-expiry', role: 'system' } as const;

interface Actor {
  sub: string;
  role: string;
}

/**
 * The agent's work at a village service point: what to expect, scanning parcels in (which issues
 * the collection code and queues the recipient's notice in the same transaction), handing over
 * against the code, what waits uncollected, and sending parcels back. Every change goes through the
 * parcel state machine with the parcel row locked, exactly as the other scans.
 */
@Injectable()
export class VillagePointsService {
  constructor(
    private readonly repo: VillagePointsRepository,
    private readonly outbox: NotificationOutboxRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly serviceDays: ServiceDays,
  ) {}

  async expected(pointId: string, date: string | undefined, page: PageQuery, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    const day = date ?? this.serviceDays.dayOf();
    const start = this.serviceDays.startMs(day);
    const expected = await this.repo.expected(
      point.id,
      {
        start: new Date(start).toISOString(),
        end: new Date(
          this.serviceDays.startMs(utcDate(Date.parse(`${day}T00:00:00Z`) + DAY_MS)),
        ).toISOString(),
      },
      decodeCursor(page.cursor),
      page.limit,
    );
    return { point: pointSummary(point), date: day, ...expected };
  }

  async uncollected(pointId: string, page: PageQuery, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    const nowMs = Date.now();
    const holdMs = this.holdMs();
    const waiting = await this.repo.uncollected(point.id, decodeCursor(page.cursor), page.limit);
    const items = waiting.items.map((p) => {
      const arrivedMs = Date.parse(p.arrivedAt);
      return {
        ...p,
        ageS: Math.max(0, Math.round((nowMs - arrivedMs) / 1000)),
        collectBy: new Date(arrivedMs + holdMs).toISOString(),
      };
    });
    return { point: pointSummary(point), items, nextCursor: waiting.nextCursor };
  }

  /** The agent scans a parcel in from the courier: it waits here, its code is issued and sent. */
  async scanIn(pointId: string, trackingNumber: string, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    return this.repo.transaction(async (m) => {
      const parcel = await this.lockBoundHere(m, trackingNumber, point);
      const arrivedAt = new Date().toISOString();
      await this.record(m, parcel, parcel.version, 'arrived_at_village_point', principal, point, {
        currentHubId: point.id,
        occurredAt: arrivedAt,
      });
      const code = newCollectionCode();
      await this.repo.storeCode(m, parcel.id, point.id, hashCollectionCode(parcel.id, code), arrivedAt);
      const collectBy = new Date(Date.parse(arrivedAt) + this.holdMs()).toISOString();
      await this.outbox.enqueue(m, {
        kind: 'collection_ready',
        recipientPhone: parcel.recipientPhone,
        parcelId: parcel.id,
        payload: {
          trackingNumber: parcel.trackingNumber,
          pointName: point.name,
          village: point.village,
          code,
          collectBy,
          collectByDay: this.serviceDays.dayOf(Date.parse(collectBy)),
        },
      });
      return {
        trackingNumber: parcel.trackingNumber,
        status: 'arrived_at_village_point' as const,
        arrivedAt,
        collectBy,
        recipientNotified: 'queued' as const,
      };
    });
  }

  /**
   * Hands a parcel to its recipient against the collection code. A wrong code counts (the count is
   * committed even though the hand-over is refused); after the limit the parcel is refused until a
   * dispatcher reissues the code.
   */
  async handOver(pointId: string, input: CollectionInput, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    const outcome = await this.repo.transaction(async (m) => {
      const parcel = await this.lockBoundHere(m, input.trackingNumber, point);
      applyParcelEvent(parcel.status, 'collected'); // 409 unless it waits here
      const code = await this.repo.lockCode(m, parcel.id);
      if (!code || code.villagePointId !== point.id)
        throw DomainError.notFound('parcel', input.trackingNumber);
      const max = this.config.COLLECTION_MAX_ATTEMPTS;
      if (code.failedAttempts >= max) {
        throw new DomainError(
          DomainErrorCode.Conflict,
          `too many wrong codes for ${parcel.trackingNumber}: a dispatcher must reissue the code`,
          [{ field: 'code', reason: 'attempts exhausted' }],
          { attemptsLeft: 0 },
        );
      }
      if (!collectionCodeMatches(parcel.id, input.code, code.codeHash)) {
        const failed = await this.repo.recordFailedAttempt(m, parcel.id);
        return { ok: false as const, attemptsLeft: Math.max(0, max - failed) };
      }
      await this.repo.markCodeUsed(m, parcel.id);
      const collectedAt = new Date().toISOString();
      await this.record(m, parcel, parcel.version, 'collected', principal, point, {
        currentHubId: null,
        occurredAt: collectedAt,
      });
      return { ok: true as const, trackingNumber: parcel.trackingNumber, collectedAt };
    });
    if (!outcome.ok) {
      throw DomainError.validation(
        [{ field: 'code', reason: `wrong collection code; ${outcome.attemptsLeft} attempt(s) left` }],
        'wrong collection code',
      );
    }
    return {
      trackingNumber: outcome.trackingNumber,
      status: 'collected' as const,
      collectedAt: outcome.collectedAt,
    };
  }

  /**
   * A new code for a waiting parcel (the recipient lost it, or wrong codes locked it): the old code
   * stops working, attempts start again, and the recipient is sent the new one.
   */
  async reissueCode(pointId: string, trackingNumber: string, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    return this.repo.transaction(async (m) => {
      const parcel = await this.lockBoundHere(m, trackingNumber, point);
      if (parcel.status !== 'arrived_at_village_point')
        throw new DomainError(
          DomainErrorCode.IllegalTransition,
          `parcel ${parcel.trackingNumber} is '${parcel.status}', not waiting at the point`,
          [{ field: 'trackingNumber', reason: 'not waiting at the point' }],
          { currentState: parcel.status },
        );
      const old = await this.repo.lockCode(m, parcel.id);
      const code = newCollectionCode();
      const arrivedAt = old?.arrivedAt ?? new Date().toISOString();
      await this.repo.storeCode(m, parcel.id, point.id, hashCollectionCode(parcel.id, code), arrivedAt);
      const collectBy = new Date(Date.parse(arrivedAt) + this.holdMs()).toISOString();
      await this.outbox.enqueue(
        m,
        {
          kind: 'collection_ready',
          recipientPhone: parcel.recipientPhone,
          parcelId: parcel.id,
          payload: {
            trackingNumber: parcel.trackingNumber,
            pointName: point.name,
            village: point.village,
            code,
            collectBy,
            collectByDay: this.serviceDays.dayOf(Date.parse(collectBy)),
          },
        },
        { resend: true },
      );
      return { trackingNumber: parcel.trackingNumber, collectBy, recipientNotified: 'queued' as const };
    });
  }

  /**
   * Sends an uncollected parcel back towards the county hub: it expires now (if it had not yet) and,
   * when a courier takes it at once, is handed to them.
   */
  async sendBack(pointId: string, input: SendBackInput, principal: Principal) {
    const point = await this.pointFor(pointId, principal);
    return this.repo.transaction(async (m) => {
      const parcel = await this.lockBoundHere(m, input.trackingNumber, point);
      let version = parcel.version;
      let status = parcel.status;
      if (status === 'arrived_at_village_point') {
        version = await this.record(m, parcel, version, 'collection_expired', principal, point, {
          currentHubId: point.id,
          reason: input.reason ?? 'sent back by the village point',
        });
        status = 'collection_expired';
      } else if (status !== 'collection_expired') {
        applyParcelEvent(status, 'collection_expired'); // names the state it is in: 409
      }
      if (input.courierId) {
        if (!(await this.repo.courierExists(m, input.courierId)))
          throw DomainError.validation([{ field: 'courierId', reason: 'unknown or inactive courier' }]);
        await this.record(m, { ...parcel, status }, version, 'handed_to_courier', principal, point, {
          currentHubId: null,
          courierId: input.courierId,
        });
        status = 'handed_to_courier';
      }
      return { trackingNumber: parcel.trackingNumber, status };
    });
  }

  /** Expires parcels waiting longer than the hold and tells their recipients; returns how many. */
  async expireOverdue(nowMs = Date.now(), limit = 500): Promise<number> {
    const cutoff = new Date(nowMs - this.holdMs()).toISOString();
    let expired = 0;
    for (const id of await this.repo.overdue(cutoff, limit)) {
      const done = await this.repo.transaction(async (m) => {
        const parcel = await this.repo.lockById(m, id);
        // Collected or sent back meanwhile: nothing to do (the lock makes this check exact).
        if (!parcel || parcel.status !== 'arrived_at_village_point' || !parcel.villagePointId) return false;
        const point = await this.repo.point(parcel.villagePointId);
        if (!point) return false;
        await this.record(m, parcel, parcel.version, 'collection_expired', SYSTEM_ACTOR, point, {
          currentHubId: point.id,
          reason: `not collected within ${this.config.COLLECTION_HOLD_DAYS} day(s)`,
        });
        await this.outbox.enqueue(m, {
          kind: 'collection_expired',
          recipientPhone: parcel.recipientPhone,
          parcelId: parcel.id,
          payload: { trackingNumber: parcel.trackingNumber, pointName: point.name, village: point.village },
        });
        return true;
      });
      if (done) expired++;
    }
    return expired;
  }

  private holdMs(): number {
    return this.config.COLLECTION_HOLD_DAYS * DAY_MS;
  }

  /** The point, if the caller may act for it: a hub operator only for the point their token names. */
  private async pointFor(pointId: string, principal: Principal): Promise<VillagePoint> {
    const point = await this.repo.point(pointId);
    if (!point) throw DomainError.notFound('village service point', pointId);
    if (principal.role === 'hub_operator' && principal.hubId !== point.id) {
      throw new DomainError(
        DomainErrorCode.Forbidden,
        'a hub operator acts only for the village point their token names',
      );
    }
    return point;
  }

  /** Locks a parcel bound for this point; any other parcel is not this point's business (404). */
  private async lockBoundHere(m: EntityManager, trackingNumber: string, point: VillagePoint) {
    const parcel = await this.repo.lockByTrackingNumber(m, trackingNumber);
    if (!parcel || parcel.orderKind !== 'delivery' || parcel.villagePointId !== point.id)
      throw DomainError.notFound('parcel bound for this village point', trackingNumber);
    return parcel;
  }

  /** Appends one event (the state machine decides whether it is allowed) and returns the new version. */
  private async record(
    m: EntityManager,
    parcel: PointParcel,
    version: number,
    type: ParcelEventType,
    actor: Actor,
    point: VillagePoint,
    change: { currentHubId: string | null; courierId?: string | null; occurredAt?: string; reason?: string },
  ): Promise<number> {
    const next = applyParcelEvent(parcel.status, type);
    await appendParcelEvent(
      m,
      {
        parcelId: parcel.id,
        seq: version + 1,
        type,
        fromStatus: parcel.status,
        actorSub: actor.sub,
        actorRole: actor.role,
        hubId: point.id,
        location: point.location,
        occurredAt: change.occurredAt ?? new Date().toISOString(),
        proof: null,
        reason: change.reason ?? null,
        note: null,
      },
      { status: next, currentHubId: change.currentHubId, courierId: change.courierId ?? null },
    );
    return version + 1;
  }
}

function pointSummary(point: VillagePoint) {
  return { id: point.id, code: point.code, name: point.name, village: point.village };
}
