import { z } from 'zod';
import { LAST_MILES, ORDER_KINDS, ORDER_STATUSES, PRIORITIES } from '../entities/order.entity';
import { code, isoTimestamp, lonLat, phone, queryNumber, uuid } from './common';

export const partySchema = z.strictObject({
  name: z.string().trim().min(1, 'required').max(200),
  phone,
  location: lonLat,
  landmark: z.string().trim().max(500).optional(),
});

export const parcelInputSchema = z.strictObject({
  weightG: z.number().int('must be whole grams').positive('must be greater than 0').max(100_000_000),
  lengthMm: z.number().int().positive('must be greater than 0').max(10_000),
  widthMm: z.number().int().positive('must be greater than 0').max(10_000),
  heightMm: z.number().int().positive('must be greater than 0').max(10_000),
  fragile: z.boolean().optional(),
  description: z.string().max(500).optional(),
});

/**
 * An order as a client sends it. Strict: clients cannot set status, ids or tracking numbers.
 * The hub is named by id or code; with neither, the nearest hub to the stop is used.
 */
export const createOrderSchema = z
  .strictObject({
    kind: z.enum(ORDER_KINDS),
    hubId: uuid.optional(),
    hubCode: code.optional(),
    village: z.string().trim().min(1).max(200).optional(),
    sender: partySchema,
    recipient: partySchema,
    window: z
      .strictObject({ start: isoTimestamp, end: isoTimestamp })
      .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
        path: ['end'],
        message: 'window end must be after its start',
      }),
    priority: z.enum(PRIORITIES).optional(),
    coldChain: z.boolean().optional(),
    /** The recipient does not want drone deliveries: this order always goes by road. */
    droneOptOut: z.boolean().optional(),
    /**
     * A delivery ends, a pickup starts, at the door or at a village service point (unset: the
     * region's default). The point is named by id or code; with neither, the nearest one serves.
     */
    lastMile: z.enum(LAST_MILES).optional(),
    villagePointId: uuid.optional(),
    villagePointCode: code.optional(),
    parcels: z.array(parcelInputSchema).min(1, 'an order needs at least one parcel').max(100),
  })
  .superRefine((order, ctx) => {
    if (order.hubId && order.hubCode) {
      ctx.addIssue({ code: 'custom', path: ['hubCode'], message: 'give hubId or hubCode, not both' });
    }
    if (order.villagePointId && order.villagePointCode) {
      ctx.addIssue({
        code: 'custom',
        path: ['villagePointCode'],
        message: 'give villagePointId or villagePointCode, not both',
      });
    }
    if ((order.villagePointId || order.villagePointCode) && order.lastMile === 'door') {
      ctx.addIssue({
        code: 'custom',
        path: ['lastMile'],
        message: "a village point is named only with lastMile 'village_point'",
      });
    }
  });
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(8, 'must be 8 to 128 characters')
  .max(128, 'must be 8 to 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** `?limit=` (1–500, default 100: more is a 400) and `?cursor=` of every keyset-paged list. */
export const pageQuerySchema = z.object({
  limit: queryNumber(z.number().int().min(1).max(500).default(100)),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export const listOrdersQuerySchema = pageQuerySchema.extend({
  status: z.enum(ORDER_STATUSES).optional(),
  kind: z.enum(ORDER_KINDS).optional(),
  hubId: uuid.optional(),
  village: z.string().max(200).optional(),
  createdFrom: isoTimestamp.optional(),
  createdTo: isoTimestamp.optional(),
});
export type ListOrdersQuery = z.infer<typeof listOrdersQuerySchema>;
