import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { Roles } from '@rd/auth';
import { ZodPipe, ApiPage } from '@rd/http';
import type { z } from 'zod';
import {
  deadLettersQuerySchema,
  devicePathSchema,
  listDevicesQuerySchema,
  provisionDeviceSchema,
  trackQuerySchema,
  type DeadLettersQuery,
  type ListDevicesQuery,
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
  @ApiPage('Devices with their last position, battery, flight mode and mission stage, in device id order.')
  list(@Query(new ZodPipe(listDevicesQuerySchema, 'the query')) q: ListDevicesQuery) {
    return this.devices.list(q);
  }

  @Get('devices/:deviceId')
  @Roles('dispatcher', 'pilot')
  get(@Param(new ZodPipe(devicePathSchema, 'the device id')) { deviceId }: DevicePath) {
    return this.devices.get(deviceId);
  }

  @Get('devices/:deviceId/track')
  @Roles('dispatcher', 'pilot')
  @ApiOperation({
    summary:
      "A device's fixes in [from, to) as a GeoJSON LineString Feature with per-fix times, `limit` fixes (default 10,000, at most 50,000); `properties.nextCursor` asks for the next part (null: complete).",
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    description: 'The `properties.nextCursor` of the previous part.',
  })
  track(
    @Param(new ZodPipe(devicePathSchema, 'the device id')) { deviceId }: DevicePath,
    @Query(new ZodPipe(trackQuerySchema, 'the query')) q: TrackQuery,
  ) {
    return this.devices.track(deviceId, q);
  }

  @Get('dead-letters')
  @Roles('dispatcher')
  @ApiPage('Refused device messages with their reason, newest first.')
  deadLetters(@Query(new ZodPipe(deadLettersQuerySchema, 'the query')) q: DeadLettersQuery) {
    return this.devices.deadLetters(q);
  }
}
