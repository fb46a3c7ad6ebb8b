import { Injectable } from '@nestjs/common';
import type { Principal } from '@rd/auth';
import { resetDeliveryPin } from '@rd/database';
import {
  DomainError,
  DomainErrorCode,
  idempotencyKeySchema,
  zodDetails,
  type CreateOrderInput,
  type ListOrdersQuery,
} from '@rd/domain';
import { decodeCursor, toPage } from '@rd/database';
import type { OrderView, Page } from '../common/views';
import { OrderPreparation, requestHash } from './order-preparation.service';
import { OrdersRepository } from './orders.repository';
import { PlanningTrigger } from './planning-trigger.service';

export interface CreateOrderResult {
  /** `deliveryPin`: the recipient's PIN, in this response only (never on a replay, never stored in clear). */
  order: OrderView & { deliveryPin?: string };
  /** True when the idempotency key matched an earlier identical request. */
  replayed: boolean;
}

@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly preparation: OrderPreparation,
    private readonly trigger: PlanningTrigger,
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
    const [resolved] = await this.preparation.resolve([{ row: 1, key, input, hash }], 'api', principal);
    if ('errors' in resolved) throw DomainError.validation(resolved.errors);
    const inserted = await this.orders.transaction((m) => this.orders.insertOrders(m, [resolved.order]));
    if (!inserted.has(resolved.order.id)) {
      // Lost a race with a concurrent request carrying the same key: answer as that request did.
      const replay = key ? await this.replay(key, hash) : null;
      if (replay) return replay;
      throw new DomainError(DomainErrorCode.Conflict, 'the order could not be stored; retry');
    }
    await this.trigger.ordersAccepted([resolved.order]);
    const [order] = await this.orders.findOrders([resolved.order.id]);
    const deliveryPin = inserted.get(resolved.order.id);
    return { order: deliveryPin ? { ...order, deliveryPin } : order, replayed: false };
  }

  /** Bulk intake from CSV text or a JSON array. Rejected rows never block accepted ones. */

  /** A dispatcher lets PIN delivery of an order be tried again after too many wrong PINs (recorded). */
  async resetDeliveryPin(
    orderId: string,
    principal: Principal,
  ): Promise<{ orderId: string; failedAttempts: 0 }> {
    const reset = await this.orders.transaction((m) =>
      resetDeliveryPin(m, orderId, { sub: principal.sub, role: principal.role }),
    );
    if (!reset) throw DomainError.notFound('delivery PIN of order', orderId);
    return { orderId, failedAttempts: 0 };
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
}
