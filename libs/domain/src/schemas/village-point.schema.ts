import { z } from 'zod';
import { LAST_MILES } from '../entities/order.entity';
import { isoDate, uuid } from './common';

/** What a scanner reads off the label (case and surrounding spaces ignored). */
const trackingNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{4,40}$/, 'letters, digits and - only');

export const villagePointScanSchema = z.strictObject({ trackingNumber });
export type VillagePointScan = z.infer<typeof villagePointScanSchema>;

export const collectionSchema = z.strictObject({
  trackingNumber,
  /** The code the recipient was sent when the parcel arrived. */
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'a collection code is 6 digits'),
});
export type CollectionInput = z.infer<typeof collectionSchema>;

export const sendBackSchema = z.strictObject({
  trackingNumber,
  /** The courier taking it back to the county hub now (else it waits for the next one). */
  courierId: uuid.optional(),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type SendBackInput = z.infer<typeof sendBackSchema>;

export const expectedQuerySchema = z.object({ date: isoDate.optional() });

export const lastMileDefaultSchema = z.strictObject({ lastMile: z.enum(LAST_MILES) });
