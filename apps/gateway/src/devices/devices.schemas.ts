import { isoTimestamp, uuid, pageQuerySchema } from '@rd/domain';
import { DEVICE_ID_PATTERN, DEVICE_KINDS } from '@rd/telemetry';
import { z } from 'zod';
import { DEAD_LETTER_REASONS } from '../ingest/ingest.types';

const deviceIdParam = z.string().regex(DEVICE_ID_PATTERN, '1 to 64 letters, digits, _ . -');

export const provisionDeviceSchema = z
  .strictObject({
    deviceId: deviceIdParam,
    kind: z.enum(DEVICE_KINDS),
    courierId: uuid.optional(),
    droneId: uuid.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.kind === 'courier' && d.droneId)
      ctx.addIssue({ code: 'custom', path: ['droneId'], message: 'a courier device has no drone' });
    if (d.kind === 'drone' && d.courierId)
      ctx.addIssue({ code: 'custom', path: ['courierId'], message: 'a drone has no courier' });
  });
export type ProvisionDeviceInput = z.infer<typeof provisionDeviceSchema>;

/** Path parameters naming a device: checked before they reach a query (a NUL byte there was a 500). */
export const devicePathSchema = z.object({ deviceId: deviceIdParam });

export const listDevicesQuerySchema = z.object({
  kind: z.enum(DEVICE_KINDS).optional(),
  ...pageQuerySchema.shape,
});
export type ListDevicesQuery = z.infer<typeof listDevicesQuerySchema>;

export const trackQuerySchema = z
  .object({
    from: isoTimestamp,
    to: isoTimestamp,
    /** Fixes are small and a track is drawn whole: its pages are larger than other lists'. */
    limit: z.coerce.number().int().min(1).max(50_000).default(10_000),
    cursor: pageQuerySchema.shape.cursor,
  })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });
export type TrackQuery = z.infer<typeof trackQuerySchema>;

export const deadLettersQuerySchema = z.object({
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  deviceId: z.string().regex(DEVICE_ID_PATTERN).optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  ...pageQuerySchema.shape,
});
export type DeadLettersQuery = z.infer<typeof deadLettersQuerySchema>;
