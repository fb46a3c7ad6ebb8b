import { z } from 'zod';
import { LICENCE_CLASSES, VEHICLE_KINDS } from '../entities/fleet.entity';
import { HUB_KINDS } from '../entities/hub.entity';
import { code, isoDate, localTime, lonLat, phone, uuid } from './common';
import { regionCode } from './planning-job.schema';

const hoursRange = z.tuple([localTime, localTime]);
export const openingHoursSchema = z.strictObject({
  mon: z.array(hoursRange).optional(),
  tue: z.array(hoursRange).optional(),
  wed: z.array(hoursRange).optional(),
  thu: z.array(hoursRange).optional(),
  fri: z.array(hoursRange).optional(),
  sat: z.array(hoursRange).optional(),
  sun: z.array(hoursRange).optional(),
});

export const createHubSchema = z.strictObject({
  code,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(HUB_KINDS),
  location: lonLat,
  village: z.string().trim().max(200).optional(),
  /** The planning region (one road map, one plan at a time); default `default`. */
  region: regionCode.optional(),
  openingHours: openingHoursSchema.optional(),
});
export type CreateHubInput = z.infer<typeof createHubSchema>;

export const createVehicleSchema = z
  .strictObject({
    code,
    kind: z.enum(VEHICLE_KINDS),
    capacityWeightG: z.number().int().positive('must be greater than 0').max(100_000_000),
    capacityVolumeL: z.number().positive('must be greater than 0').max(100_000),
    homeHubId: uuid,
    shiftStart: localTime,
    shiftEnd: localTime,
    skills: z
      .array(z.enum(['cold_chain', 'fragile', 'cash_on_delivery']))
      .max(10)
      .optional(),
    // size and weight, judged against maxheight/maxwidth/maxlength/maxweight/maxaxleload on roads
    heightM: z.number().positive('must be greater than 0').max(10, 'must be at most 10 m').optional(),
    widthM: z.number().positive('must be greater than 0').max(5, 'must be at most 5 m').optional(),
    lengthM: z.number().positive('must be greater than 0').max(30, 'must be at most 30 m').optional(),
    grossWeightG: z
      .number()
      .int()
      .positive('must be greater than 0')
      .max(60_000_000, 'must be at most 60 t')
      .optional(),
    axleLoadG: z
      .number()
      .int()
      .positive('must be greater than 0')
      .max(20_000_000, 'must be at most 20 t')
      .optional(),
  })
  .refine((v) => v.shiftEnd > v.shiftStart, {
    path: ['shiftEnd'],
    message: 'shift end must be after its start',
  })
  .refine((v) => v.axleLoadG === undefined || v.grossWeightG === undefined || v.axleLoadG <= v.grossWeightG, {
    path: ['axleLoadG'],
    message: 'axle load must not exceed the gross weight',
  });
export type CreateVehicleInput = z.infer<typeof createVehicleSchema>;

export const createDroneSchema = z.strictObject({
  serialNumber: code,
  model: z.string().trim().min(1).max(200),
  maxPayloadG: z.number().int().positive('must be greater than 0').max(200_000),
  batteryWh: z.number().positive('must be greater than 0').max(100_000),
  cruiseSpeedMps: z.number().positive('must be greater than 0').max(100),
  homePortId: uuid,
  /** Energy-model preset id (e.g. `dji-flycart-30`); the drone's own payload, battery and speed override it. */
  modelPreset: z.string().trim().min(1).max(64).optional(),
  shiftStart: localTime.optional(),
  shiftEnd: localTime.optional(),
});
export type CreateDroneInput = z.infer<typeof createDroneSchema>;

export const createPilotSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  phone: phone.optional(),
  licenceNumber: code,
  licenceClass: z.enum(LICENCE_CLASSES),
  licenceExpiresOn: isoDate,
  maxDronesSupervised: z.number().int().min(1).max(100),
  /** Where the pilot stands (VLOS range is measured from here). */
  station: lonLat.optional(),
  shiftStart: localTime.optional(),
  shiftEnd: localTime.optional(),
  region: regionCode.optional(),
});
export type CreatePilotInput = z.infer<typeof createPilotSchema>;

export const createCourierSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  phone,
  homeHubId: uuid,
  vehicleId: uuid.optional(),
});
export type CreateCourierInput = z.infer<typeof createCourierSchema>;
