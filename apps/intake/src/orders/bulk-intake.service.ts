import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import {
  createOrderSchema,
  DomainError,
  idempotencyKeySchema,
  zodDetails,
  controlCharacterIssues,
  type ErrorDetail,
} from '@rd/domain';
import type { Readable } from 'node:stream';
import { csvColumnOf, csvRecordToOrder } from './bulk-csv';
import { readBulkCsv } from './bulk-csv-reader';
import { OrderPreparation, requestHash, type Candidate } from './order-preparation.service';
import { NewOrder, OrdersRepository } from './orders.repository';
import { PlanningTrigger } from './planning-trigger.service';

export type BulkRowStatus = 'accepted' | 'duplicate' | 'rejected';
export interface BulkRowReport {
  /** 1-based data row (CSV line after the header, or array index + 1). */
  row: number;
  status: BulkRowStatus;
  orderId?: string;
  trackingNumbers?: string[];
  /** The recipient's delivery PIN of an accepted delivery, in this report only, for the shipper to forward. */
  deliveryPin?: string;
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

const BATCH_SIZE = 1000;

/** Bulk intake from CSV text or a JSON array. Rejected rows never block accepted ones. */
@Injectable()
export class BulkIntakeService {
  private readonly logger = new Logger(BulkIntakeService.name);

  constructor(
    private readonly orders: OrdersRepository,
    private readonly preparation: OrderPreparation,
    private readonly trigger: PlanningTrigger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A CSV upload read as a stream (see `readBulkCsv`): inflation, encoding and the row cap checked on the way. */
  async bulkCsv(
    source: Readable,
    headers: { contentType: string; contentEncoding?: string },
    principal: Principal,
  ): Promise<BulkReport> {
    const started = Date.now();
    const { records } = await readBulkCsv(source, headers, {
      maxBytes: bytesOf(this.config.BULK_BODY_LIMIT),
      maxRows: this.config.BULK_MAX_ROWS,
      maxInflationRatio: this.config.BULK_MAX_INFLATION_RATIO,
    });
    return this.ingest({ csv: true, rows: records.map(csvRecordToOrder) }, principal, started);
  }

  async bulk(body: unknown, principal: Principal): Promise<BulkReport> {
    return this.ingest(this.rawRows(body), principal, Date.now());
  }

  private async ingest(
    raw: { csv: boolean; rows: Array<{ order: unknown; key?: unknown; errors?: ErrorDetail[] }> },
    principal: Principal,
    started: number,
  ): Promise<BulkReport> {
    const reports: BulkRowReport[] = new Array(raw.rows.length);
    const candidates: Candidate[] = [];
    const firstByKey = new Map<string, Candidate>();
    const repeats: Array<{ index: number; firstRow: number }> = [];

    for (let i = 0; i < raw.rows.length; i++) {
      // Validation is synchronous: give other requests a turn every few hundred rows.
      if (i % 256 === 255) await new Promise((r) => setImmediate(r));
      const row = raw.rows[i];
      const rowNo = i + 1;
      const errors: ErrorDetail[] = [...(row.errors ?? [])];
      let key: string | null = null;
      if (row.key !== undefined) {
        const parsedKey = idempotencyKeySchema.safeParse(row.key);
        if (parsedKey.success) key = parsedKey.data;
        else errors.push(...zodDetails(parsedKey.error, 'idempotencyKey'));
      }
      const parsed = createOrderSchema.safeParse(row.order);
      if (!parsed.success) errors.push(...zodDetails(parsed.error));
      else errors.push(...controlCharacterIssues(parsed.data));
      if (errors.length || !parsed.success) {
        reports[i] = { row: rowNo, status: 'rejected', errors: raw.csv ? errors.map(toCsvField) : errors };
        continue;
      }
      const candidate = { row: rowNo, key, input: parsed.data, hash: requestHash(parsed.data) };
      if (key) {
        const first = firstByKey.get(key);
        if (first) {
          reports[i] = sameOrConflict(rowNo, first.hash === candidate.hash, `row ${first.row}`);
          if (reports[i].status === 'duplicate') repeats.push({ index: i, firstRow: first.row });
          continue;
        }
        firstByKey.set(key, candidate);
      }
      candidates.push(candidate);
    }

    const parcels = candidates.reduce((sum, c) => sum + c.input.parcels.length, 0);
    if (parcels > this.config.BULK_MAX_PARCELS) {
      throw DomainError.validation(
        [
          {
            field: '(upload)',
            reason: `at most ${this.config.BULK_MAX_PARCELS} parcels per upload (got ${parcels})`,
          },
        ],
        'too many parcels',
      );
    }

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

    const resolved = await this.preparation.resolve(fresh, raw.csv ? 'bulk_csv' : 'bulk_json', principal);
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
    await this.trigger.ordersAccepted(accepted);

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

  private rawRows(body: unknown): {
    csv: boolean;
    rows: Array<{ order: unknown; key?: unknown; errors?: ErrorDetail[] }>;
  } {
    const max = this.config.BULK_MAX_ROWS;
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
      return batch.map((b) => ({ ...b, report: this.outcome(b.row, b.order, inserted) }));
    } catch (error) {
      this.logger.warn(
        `bulk batch of ${batch.length} failed (${(error as Error).message}); storing row by row`,
      );
      const out: Array<{ row: number; order: NewOrder; report: BulkRowReport }> = [];
      for (const b of batch) {
        try {
          const inserted = await this.orders.transaction((m) => this.orders.insertOrders(m, [b.order]));
          out.push({ ...b, report: this.outcome(b.row, b.order, inserted) });
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

  private outcome(row: number, order: NewOrder, inserted: ReadonlyMap<string, string | null>): BulkRowReport {
    if (inserted.has(order.id)) {
      const deliveryPin = inserted.get(order.id);
      return {
        row,
        status: 'accepted',
        orderId: order.id,
        trackingNumbers: order.parcels.map((p) => p.trackingNumber),
        ...(deliveryPin ? { deliveryPin } : {}),
      };
    }
    // Another request stored this key between our look-up and the insert.
    return {
      row,
      status: 'duplicate',
      errors: [{ field: 'idempotencyKey', reason: 'stored concurrently by another request' }],
    };
  }
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

/** `32mb`, `512kb` → bytes. */
function bytesOf(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) throw new Error(`not a byte size: ${limit}`);
  return Number(match[1]) * (match[2] === 'mb' ? 1 << 20 : 1 << 10);
}
