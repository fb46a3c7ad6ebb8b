import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { ZodPipe } from '@rd/http';
import type { z } from 'zod';
import {
  deadLettersQuerySchema,
  devicePathSchema,
  listDevicesQuerySchema,
  provisionDeviceSchema,
  trackQuerySchema,
  type DeadLettersQuery,
  type ProvisionDeviceInput,
  type TrackQuery,
} from './devices.schemas';
import { DevicesService } from './devices.service';

type DevicePath = z.infer<typeof devicePathSchema>;

@Controller()
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Post('devices')
  @Roles('admin')
  provision(@Body(new ZodPipe(provisionDeviceSchema, 'the device')) body: ProvisionDeviceInput) {
    return this.devices.provision(body);
  }

  @Get('devices')
  @Roles('dispatcher', 'pilot')
  list(@Query(new ZodPipe(listDevicesQuerySchema, 'the query')) q: z.infer<typeof listDevicesQuerySchema>) {
    return this.devices.list(q.kind);
  }

  @Get('devices/:deviceId')
  @Roles('dispatcher', 'pilot')
  get(@Param(new ZodPipe(devicePathSchema, 'the device id')) { deviceId }: DevicePath) {
    return this.devices.get(deviceId);
  }

  @Get('devices/:deviceId/track')
  @Roles('dispatcher', 'pilot')
  track(
    @Param(new ZodPipe(devicePathSchema, 'the device id')) { deviceId }: DevicePath,
    @Query(new ZodPipe(trackQuerySchema, 'the query')) q: TrackQuery,
  ) {
    return this.devices.track(deviceId, q);
  }

  @Get('dead-letters')
  @Roles('dispatcher')
  deadLetters(@Query(new ZodPipe(deadLettersQuerySchema, 'the query')) q: DeadLettersQuery) {
    return this.devices.deadLetters(q);
  }
}
