import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  createOrderSchema,
  debouncedPlanningJob,
  DomainError,
  DomainErrorCode,
  idempotencyKeySchema,
  zodDetails,
  type CreateOrderInput,
  type ErrorDetail,
  type ListOrdersQuery,
} from '@rd/domain';
import { PLANNING_QUEUE_TOKEN, type PlanningQueue } from '@rd/queue';
import { decodeCursor, toPage } from '../common/cursor';
import { newTrackingNumber } from '../common/tracking-number';
import type { OrderView, Page } from '../common/views';
import { HubsRepository } from '../fleet/hubs.repository';
import { csvColumnOf, csvRecordToOrder, parseBulkCsv } from './bulk-csv';
import { NewOrder, OrdersRepository } from './orders.repository';

export interface CreateOrderResult {
  order: OrderView;
  /** True when the idempotency key matched an earlier identical request. */
  replayed: boolean;
}

export type BulkRowStatus = 'accepted' | 'duplicate' | 'rejected';
export interface BulkRowReport {
  /** 1-based data row (CSV line after the header, or array index + 1). */
  row: number;
  status: BulkRowStatus;
  orderId?: string;
  trackingNumbers?: string[];
  errors?: ErrorDetail[];
}
export interface BulkReport {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  durationMs: number;
  rows: BulkRowReport[];
}

interface Candidate {
  row: number;
  key: string | null;
  input: CreateOrderInput;
  hash: string;
}

/** One transaction per this many orders in a bulk upload. */
const BATCH_SIZE = 1000;

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

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly hubs: HubsRepository,
    @Inject(PLANNING_QUEUE_TOKEN) private readonly planning: PlanningQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    input: CreateOrderInput,
    rawKey: string | undefined,
    principal: Principal,
  ): Promise<CreateOrderResult> {
    const key = rawKey === undefined ? null : this.parseKey(rawKey);
    const hash = requestHash(input);
    if (key) {
      const replay = await this.replay(key, hash);
      if (replay) return replay;
    }
    const [resolved] = await this.resolve([{ row: 1, key, input, hash }], 'api', principal);
    if ('errors' in resolved) throw DomainError.validation(resolved.errors);
    const inserted = await this.orders.transaction((m) => this.orders.insertOrders(m, [resolved.order]));
    if (!inserted.has(resolved.order.id)) {
      // Lost a race with a concurrent request carrying the same key: answer as that request did.
      const replay = key ? await this.replay(key, hash) : null;
      if (replay) return replay;
      throw new DomainError(DomainErrorCode.Conflict, 'the order could not be stored; retry');
    }
    await this.enqueuePlanning([resolved.order]);
    const [order] = await this.orders.findOrders([resolved.order.id]);
    return { order, replayed: false };
  }

  /** Bulk intake from CSV text or a JSON array. Rejected rows never block accepted ones. */
  async bulk(body: unknown, contentType: string, principal: Principal): Promise<BulkReport> {
    const started = Date.now();
    const raw = this.rawRows(body, contentType);
    const reports: BulkRowReport[] = new Array(raw.rows.length);
    const candidates: Candidate[] = [];
    const firstByKey = new Map<string, Candidate>();
    const repeats: Array<{ index: number; firstRow: number }> = [];

    raw.rows.forEach((row, i) => {
      const rowNo = i + 1;
      const errors: ErrorDetail[] = [];
      let key: string | null = null;
      if (row.key !== undefined) {
        const parsedKey = idempotencyKeySchema.safeParse(row.key);
        if (parsedKey.success) key = parsedKey.data;
        else errors.push(...zodDetails(parsedKey.error, 'idempotencyKey'));
      }
      const parsed = createOrderSchema.safeParse(row.order);
      if (!parsed.success) errors.push(...zodDetails(parsed.error));
      if (errors.length || !parsed.success) {
        reports[i] = { row: rowNo, status: 'rejected', errors: raw.csv ? errors.map(toCsvField) : errors };
        return;
      }
      const candidate = { row: rowNo, key, input: parsed.data, hash: requestHash(parsed.data) };
      if (key) {
        const first = firstByKey.get(key);
        if (first) {
          reports[i] = sameOrConflict(rowNo, first.hash === candidate.hash, `row ${first.row}`);
          if (reports[i].status === 'duplicate') repeats.push({ index: i, firstRow: first.row });
          return;
        }
        firstByKey.set(key, candidate);
      }
      candidates.push(candidate);
    });

    // Keys seen before this upload: the same body is a duplicate, another body is refused.
    const existing = await this.orders.findByIdempotencyKeys([...firstByKey.keys()]);
    const existingByKey = new Map(existing.map((e) => [e.idempotencyKey, e]));
    const fresh = candidates.filter((c) => {
      const seen = c.key ? existingByKey.get(c.key) : undefined;
      if (!seen) return true;
      reports[c.row - 1] = sameOrConflict(c.row, seen.requestHash === c.hash, 'an earlier order');
      if (seen.requestHash === c.hash) reports[c.row - 1].orderId = seen.id;
      return false;
    });

    const resolved = await this.resolve(fresh, raw.csv ? 'bulk_csv' : 'bulk_json', principal);
    const ready: Array<{ row: number; order: NewOrder }> = [];
    resolved.forEach((r, i) => {
      const row = fresh[i].row;
      if ('errors' in r)
        reports[row - 1] = { row, status: 'rejected', errors: raw.csv ? r.errors.map(toCsvField) : r.errors };
      else ready.push({ row, order: r.order });
    });

    const accepted: NewOrder[] = [];
    for (let start = 0; start < ready.length; start += BATCH_SIZE) {
      const batch = ready.slice(start, start + BATCH_SIZE);
      for (const outcome of await this.persistBatch(batch)) {
        reports[outcome.row - 1] = outcome.report;
        if (outcome.report.status === 'accepted') accepted.push(outcome.order);
      }
    }
    // A row repeating an earlier row of this upload points at the order that row produced.
    for (const { index, firstRow } of repeats) reports[index].orderId = reports[firstRow - 1].orderId;
    await this.enqueuePlanning(accepted);

    const count = (s: BulkRowStatus) => reports.filter((r) => r.status === s).length;
    return {
      received: raw.rows.length,
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      durationMs: Date.now() - started,
      rows: reports,
    };
  }

  async get(id: string): Promise<OrderView> {
    const [order] = await this.orders.findOrders([id]);
    if (!order) throw DomainError.notFound('order', id);
    return order;
  }

  async list(query: ListOrdersQuery): Promise<Page<OrderView>> {
    return toPage(await this.orders.listOrders(query, decodeCursor(query.cursor)), query.limit);
  }

  private parseKey(raw: string): string {
    const parsed = idempotencyKeySchema.safeParse(raw);
    if (!parsed.success) throw DomainError.validation(zodDetails(parsed.error, 'Idempotency-Key'));
    return parsed.data;
  }

  private async replay(key: string, hash: string): Promise<CreateOrderResult | null> {
    const [seen] = await this.orders.findByIdempotencyKeys([key]);
    if (!seen) return null;
    if (seen.requestHash !== hash) {
      throw new DomainError(
        DomainErrorCode.IdempotencyMismatch,
        'this Idempotency-Key was used with a different request body',
        [{ field: 'Idempotency-Key', reason: 'already used for another order' }],
        { orderId: seen.id },
      );
    }
    const [order] = await this.orders.findOrders([seen.id]);
    return { order, replayed: true };
  }

  private rawRows(
    body: unknown,
    contentType: string,
  ): { csv: boolean; rows: Array<{ order: unknown; key?: unknown }> } {
    const max = this.config.BULK_MAX_ROWS;
    if (/text\/csv|text\/plain/.test(contentType)) {
      if (typeof body !== 'string')
        throw DomainError.validation([{ field: '(body)', reason: 'expected CSV text' }]);
      return { csv: true, rows: parseBulkCsv(body, max).records.map(csvRecordToOrder) };
    }
    const list = Array.isArray(body) ? body : (body as { orders?: unknown })?.orders;
    if (!Array.isArray(list) || list.length === 0) {
      throw DomainError.validation([{ field: 'orders', reason: 'expected a non-empty array of orders' }]);
    }
    if (list.length > max)
      throw DomainError.validation(
        [{ field: 'orders', reason: `at most ${max} rows per upload` }],
        'too many rows',
      );
    return {
      csv: false,
      rows: list.map((item) => {
        if (item && typeof item === 'object' && 'idempotencyKey' in item) {
          const { idempotencyKey, ...order } = item as Record<string, unknown>;
          return { order, key: idempotencyKey };
        }
        return { order: item };
      }),
    };
  }

  /** Resolves hubs (by id, code, or the nearest to the stop) and assigns ids and tracking numbers. */
  private async resolve(
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

    return candidates.map((c) => {
      const { input } = c;
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
      return {
        order: {
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
   * One transaction for the batch. Should it fail (a constraint the validation did not foresee), the
   * rows are stored one by one so that a single bad row is rejected and every good one still lands.
   */
  private async persistBatch(
    batch: Array<{ row: number; order: NewOrder }>,
  ): Promise<Array<{ row: number; order: NewOrder; report: BulkRowReport }>> {
    try {
      const inserted = await this.orders.transaction((m) =>
        this.orders.insertOrders(
          m,
          batch.map((b) => b.order),
        ),
      );
      return batch.map((b) => ({ ...b, report: this.outcome(b.row, b.order, inserted.has(b.order.id)) }));
    } catch (error) {
      this.logger.warn(
        `bulk batch of ${batch.length} failed (${(error as Error).message}); storing row by row`,
      );
      const out: Array<{ row: number; order: NewOrder; report: BulkRowReport }> = [];
      for (const b of batch) {
        try {
          const inserted = await this.orders.transaction((m) => this.orders.insertOrders(m, [b.order]));
          out.push({ ...b, report: this.outcome(b.row, b.order, inserted.has(b.order.id)) });
        } catch (rowError) {
          out.push({
            ...b,
            report: {
              row: b.row,
              status: 'rejected',
              errors: [{ field: '(row)', reason: (rowError as Error).message }],
            },
          });
        }
      }
      return out;
    }
  }

  private outcome(row: number, order: NewOrder, inserted: boolean): BulkRowReport {
    if (inserted) {
      return {
        row,
        status: 'accepted',
        orderId: order.id,
        trackingNumbers: order.parcels.map((p) => p.trackingNumber),
      };
    }
    // Another request stored this key between our look-up and the insert.
    return {
      row,
      status: 'duplicate',
      errors: [{ field: 'idempotencyKey', reason: 'stored concurrently by another request' }],
    };
  }

  /**
   * One debounced planning job per region. The orders are already committed: if the queue is down
   * they are not lost, the next planning run of the region plans every accepted order.
   */
  private async enqueuePlanning(orders: NewOrder[]): Promise<void> {
    if (orders.length === 0) return;
    const regionOf = await this.hubs.regionsOf([...new Set(orders.map((o) => o.hubId))]);
    const byRegion = new Map<string, string[]>();
    for (const o of orders) {
      const region = regionOf.get(o.hubId) ?? 'default';
      byRegion.set(region, [...(byRegion.get(region) ?? []), o.id]);
    }
    for (const [region, orderIds] of byRegion) {
      const { jobId, delayMs } = debouncedPlanningJob(region, Date.now(), this.config.PLANNING_DEBOUNCE_MS);
      try {
        await this.planning.enqueue(
          { reason: 'orders_accepted', region, orderIds, requestedAt: new Date().toISOString() },
          { jobId, delayMs },
        );
      } catch (error) {
        this.logger.error(`could not enqueue planning for region ${region}: ${(error as Error).message}`);
      }
    }
  }
}

function stopOf(input: CreateOrderInput): [number, number] {
  return input.kind === 'pickup' ? input.sender.location : input.recipient.location;
}

function sameOrConflict(row: number, same: boolean, where: string): BulkRowReport {
  return same
    ? { row, status: 'duplicate' }
    : {
        row,
        status: 'rejected',
        errors: [{ field: 'idempotencyKey', reason: `already used by ${where} with a different body` }],
      };
}

function toCsvField(detail: ErrorDetail): ErrorDetail {
  return { field: csvColumnOf(detail.field), reason: detail.reason };
}
