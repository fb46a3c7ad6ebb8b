import { z } from 'zod';
import { PARCEL_EVENT_TYPES, PARCEL_STATES } from '../parcel/parcel-state';
import { isoTimestamp, lonLat, queryNumber, uuid } from './common';
import { pageQuerySchema } from './order.schema';

export const deliveryProofSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pin'), value: z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits') }),
  z.strictObject({ kind: z.literal('signature'), reference: z.string().min(1).max(500) }),
  z.strictObject({ kind: z.literal('photo'), reference: z.string().min(1).max(500) }),
]);

export const parcelEventSchema = z
  .strictObject({
    type: z.enum(PARCEL_EVENT_TYPES as unknown as [string, ...string[]]),
    hubId: uuid.optional(),
    location: lonLat.optional(),
    occurredAt: isoTimestamp.optional(),
    proof: deliveryProofSchema.optional(),
    reason: z.string().trim().min(1).max(500).optional(),
    note: z.string().max(1000).optional(),
    courierId: uuid.optional(),
    /** Optimistic concurrency for clients that want it: refused with 409 when the parcel moved on. */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .superRefine((event, ctx) => {
    if (event.type === 'delivered' && !event.proof) {
      ctx.addIssue({
        code: 'custom',
        path: ['proof'],
        message: 'delivery needs a proof: PIN, signature or photo',
      });
    }
    if (event.type === 'delivery_failed' && !event.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a failed delivery needs a reason' });
    }
    if (event.type === 'handed_to_courier' && !event.courierId) {
      ctx.addIssue({ code: 'custom', path: ['courierId'], message: 'a hand-over names the courier' });
    }
    if ((event.type === 'received_at_hub' || event.type === 'sorted') && !event.hubId) {
      ctx.addIssue({ code: 'custom', path: ['hubId'], message: `a '${event.type}' scan names the hub` });
    }
  });
export type ParcelEventInput = z.infer<typeof parcelEventSchema> & {
  type: (typeof PARCEL_EVENT_TYPES)[number];
};

export const listParcelsQuerySchema = pageQuerySchema.extend({
  status: z.enum(PARCEL_STATES).optional(),
  hubId: uuid.optional(),
  orderId: uuid.optional(),
  /** What a scanner reads off the label (case and surrounding spaces ignored). */
  trackingNumber: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{4,40}$/, 'letters, digits and - only')
    .optional(),
  village: z.string().max(200).optional(),
  createdFrom: isoTimestamp.optional(),
  createdTo: isoTimestamp.optional(),
});
export type ListParcelsQuery = z.infer<typeof listParcelsQuerySchema>;

export const nearQuerySchema = z.object({
  lon: queryNumber(z.number().min(-180).max(180)),
  lat: queryNumber(z.number().min(-90).max(90)),
  radiusM: queryNumber(z.number().positive().max(200_000).default(5_000)),
  limit: queryNumber(z.number().int().min(1).max(500).default(100)),
});
