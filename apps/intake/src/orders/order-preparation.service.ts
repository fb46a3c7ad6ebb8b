import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { windowProblems, type CreateOrderInput, type ErrorDetail, type WindowLimits } from '@rd/domain';
import { newTrackingNumber } from '../common/tracking-number';
import { HubsRepository } from '../fleet/hubs.repository';
import { VillagePointLookup } from '../village-points/village-point-lookup.repository';
import type { NewOrder } from './orders.repository';

export interface Candidate {
  row: number;
  key: string | null;
  input: CreateOrderInput;
  hash: string;
}

/** One transaction per this many orders in a bulk upload. */

/** Canonical JSON (sorted keys) so that the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function requestHash(input: CreateOrderInput): string {
  return createHash('sha256').update(canonical(input)).digest('hex');
}

/** Turns validated order messages into rows to insert: hub resolved, ids and tracking numbers assigned. */
@Injectable()
export class OrderPreparation {
  private readonly windowLimits: WindowLimits;
  private readonly areaMarginKm: number;
  private readonly villagePointMaxM: number;

  constructor(
    private readonly hubs: HubsRepository,
    private readonly villagePoints: VillagePointLookup,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.areaMarginKm = config.REGION_AREA_MARGIN_KM;
    this.villagePointMaxM = config.VILLAGE_POINT_MAX_DISTANCE_M;
    this.windowLimits = {
      pastGraceMs: config.ORDER_WINDOW_PAST_GRACE_MIN * 60_000,
      maxLengthMs: config.ORDER_WINDOW_MAX_HOURS * 3_600_000,
      maxAheadMs: config.ORDER_WINDOW_MAX_AHEAD_DAYS * 86_400_000,
    };
  }

  async resolve(
    candidates: Candidate[],
    source: string,
    principal: Principal,
  ): Promise<Array<{ order: NewOrder } | { errors: ErrorDetail[] }>> {
    const ids = [...new Set(candidates.flatMap((c) => (c.input.hubId ? [c.input.hubId] : [])))];
    const codes = [...new Set(candidates.flatMap((c) => (c.input.hubCode ? [c.input.hubCode] : [])))];
    const known = ids.length || codes.length ? await this.hubs.findByIdsOrCodes(ids, codes) : [];
    const byId = new Map(known.map((h) => [h.id, h]));
    const byCode = new Map(known.map((h) => [h.code, h]));
    const needNearest = candidates.filter((c) => !c.input.hubId && !c.input.hubCode);
    const nearest = await this.hubs.nearestForPoints(needNearest.map((c) => stopOf(c.input)));
    const nearestOf = new Map(needNearest.map((c, i) => [c, nearest[i]]));

    const hubOf = (c: Candidate) =>
      c.input.hubId
        ? byId.get(c.input.hubId)?.id
        : c.input.hubCode
          ? byCode.get(c.input.hubCode)?.id
          : nearestOf.get(c);
    const areas = await this.hubs.areasOfHubs([
      ...new Set(
        candidates.flatMap((c) => {
          const id = hubOf(c);
          return id ? [id] : [];
        }),
      ),
    ]);
    const lastMiles = await this.lastMiles(candidates, (c) => {
      const id = hubOf(c);
      return id ? areas.get(id)?.region : undefined;
    });
    const nowMs = Date.now();
    return candidates.map((c) => {
      const { input } = c;
      const implausible = windowProblems(input.window, nowMs, this.windowLimits);
      if (implausible.length) return { errors: implausible };
      let hubId: string | null | undefined;
      if (input.hubId) hubId = byId.get(input.hubId)?.id;
      else if (input.hubCode) hubId = byCode.get(input.hubCode)?.id;
      else hubId = nearestOf.get(c);
      if (!hubId) {
        const field = input.hubId ? 'hubId' : input.hubCode ? 'hubCode' : 'hubId';
        const reason =
          input.hubId || input.hubCode ? 'unknown hub' : 'no hub is configured to serve this order';
        return { errors: [{ field, reason }] };
      }
      const area = areas.get(hubId);
      if (area?.bbox && !withinArea(stopOf(input), area.bbox, this.areaMarginKm)) {
        return {
          errors: [
            {
              field: input.kind === 'pickup' ? 'sender.location' : 'recipient.location',
              reason: `outside region ${area.region}'s area (its map's bounds plus ${this.areaMarginKm} km)`,
            },
          ],
        };
      }
      const lastMile = lastMiles.get(c) ?? { lastMile: 'door' as const, villagePointId: null };
      if ('errors' in lastMile) return { errors: lastMile.errors };
      return {
        order: {
          ...lastMile,
          id: randomUUID(),
          kind: input.kind,
          hubId,
          village: input.village ?? null,
          sender: { ...input.sender, landmark: input.sender.landmark ?? null },
          recipient: { ...input.recipient, landmark: input.recipient.landmark ?? null },
          windowStart: input.window.start,
          windowEnd: input.window.end,
          priority: input.priority ?? 'standard',
          coldChain: input.coldChain ?? false,
          droneOptOut: input.droneOptOut ?? false,
          idempotencyKey: c.key,
          requestHash: c.hash,
          source,
          createdBy: principal.sub,
          parcels: input.parcels.map((p) => ({
            id: randomUUID(),
            trackingNumber: newTrackingNumber(),
            weightG: p.weightG,
            lengthMm: p.lengthMm,
            widthMm: p.widthMm,
            heightMm: p.heightMm,
            fragile: p.fragile ?? false,
            description: p.description ?? null,
          })),
        },
      };
    });
  }

  /**
   * Where each order's last metre ends (or starts): the door, or a village service point of the
   * order's region — the one named, else the nearest within reach. An order that asked for a point
   * and has none is refused; one that only inherited its region's default goes to the door instead.
   */
  private async lastMiles(
    candidates: Candidate[],
    regionOf: (c: Candidate) => string | undefined,
  ): Promise<
    Map<
      Candidate,
      { lastMile: 'door' | 'village_point'; villagePointId: string | null } | { errors: ErrorDetail[] }
    >
  > {
    const regions = [...new Set(candidates.flatMap((c) => regionOf(c) ?? []))];
    const defaults = await this.villagePoints.defaultsOf(regions);
    const wanting = candidates.filter((c) => {
      const region = regionOf(c);
      if (!region) return false;
      return (c.input.lastMile ?? defaults.get(region) ?? 'door') === 'village_point';
    });
    const named = await this.villagePoints.byIdsOrCodes(
      wanting.flatMap((c) => c.input.villagePointId ?? []),
      wanting.flatMap((c) => c.input.villagePointCode ?? []),
    );
    const unnamed = wanting.filter((c) => !c.input.villagePointId && !c.input.villagePointCode);
    const nearest = await this.villagePoints.nearest(
      unnamed.map((c) => ({ point: stopOf(c.input), region: regionOf(c)! })),
      this.villagePointMaxM,
    );
    const nearestOf = new Map(unnamed.map((c, i) => [c, nearest[i]]));
    const out = new Map<
      Candidate,
      { lastMile: 'door' | 'village_point'; villagePointId: string | null } | { errors: ErrorDetail[] }
    >();
    for (const c of wanting) {
      const region = regionOf(c)!;
      const { villagePointId, villagePointCode } = c.input;
      if (villagePointId || villagePointCode) {
        const point = named.find((p) =>
          villagePointId ? p.id === villagePointId : p.code === villagePointCode,
        );
        const field = villagePointId ? 'villagePointId' : 'villagePointCode';
        if (!point) out.set(c, { errors: [{ field, reason: 'unknown village service point' }] });
        else if (point.region !== region)
          out.set(c, { errors: [{ field, reason: `not a village service point of region ${region}` }] });
        else out.set(c, { lastMile: 'village_point', villagePointId: point.id });
        continue;
      }
      const found = nearestOf.get(c);
      if (found) out.set(c, { lastMile: 'village_point', villagePointId: found });
      else if (c.input.lastMile === 'village_point')
        out.set(c, {
          errors: [
            {
              field: 'lastMile',
              reason: `no village service point of region ${region} within ${this.villagePointMaxM} m of the stop`,
            },
          ],
        });
    }
    return out;
  }
}

function stopOf(input: CreateOrderInput): [number, number] {
  return input.kind === 'pickup' ? input.sender.location : input.recipient.location;
}

/** Whether a point lies within a bounding box widened by a margin (degrees from kilometres at that latitude). */
function withinArea(
  [lon, lat]: [number, number],
  [minLon, minLat, maxLon, maxLat]: [number, number, number, number],
  marginKm: number,
): boolean {
  const marginLat = marginKm / 111.32;
  const marginLon = marginKm / (111.32 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  return (
    lon >= minLon - marginLon &&
    lon <= maxLon + marginLon &&
    lat >= minLat - marginLat &&
    lat <= maxLat + marginLat
  );
}
