import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles, type Principal } from '@rd/auth';
import {
  listParcelsQuerySchema,
  nearQuerySchema,
  parcelEventSchema,
  type ListParcelsQuery,
  type ParcelEventInput,
} from '@rd/domain';
import { UuidPipe, ZodPipe } from '@rd/http';
import type { z } from 'zod';
import { jsonSchema } from '../common/openapi';
import { ParcelsService } from './parcels.service';

@ApiTags('parcels')
@ApiBearerAuth()
@Controller('parcels')
export class ParcelsController {
  constructor(private readonly parcels: ParcelsService) {}

  @Get()
  @Roles('dispatcher', 'hub_operator', 'courier')
  @ApiOperation({
    summary: 'List parcels by status, hub, order, village and time; a courier sees only their own.',
  })
  list(
    @Query(new ZodPipe(listParcelsQuerySchema, 'the query')) query: ListParcelsQuery,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.parcels.list(query, p);
  }

  @Get('near')
  @Roles('dispatcher', 'hub_operator')
  @ApiOperation({
    summary: 'Parcels whose stop lies within radiusM metres of lon/lat, nearest first (PostGIS).',
  })
  near(@Query(new ZodPipe(nearQuerySchema, 'the query')) q: z.infer<typeof nearQuerySchema>) {
    return this.parcels.near(q.lon, q.lat, q.radiusM, q.limit);
  }

  @Get(':id')
  @Roles('dispatcher', 'hub_operator', 'courier')
  @ApiOperation({ summary: 'One parcel.' })
  get(@Param('id', new UuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.parcels.get(id, p);
  }

  @Get(':id/events')
  @Roles('dispatcher', 'hub_operator', 'courier')
  @ApiOperation({ summary: 'The full, append-only event history of a parcel.' })
  events(@Param('id', new UuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.parcels.events(id, p);
  }

  @Post(':id/events')
  @Roles('hub_operator', 'courier', 'pilot', 'dispatcher')
  @ApiOperation({
    summary:
      'Record a scan or hand-over; an illegal transition is 409 naming the state and allowed next ones.',
  })
  @ApiBody({ schema: jsonSchema(parcelEventSchema) })
  scan(
    @Param('id', new UuidPipe()) id: string,
    @Body(new ZodPipe(parcelEventSchema, 'the event')) body: ParcelEventInput,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.parcels.scan(id, body, p);
  }
}

@ApiTags('tracking')
@Controller('tracking')
export class TrackingController {
  constructor(private readonly parcels: ParcelsService) {}

  @Get(':trackingNumber')
  @Public()
  @ApiOperation({ summary: 'Public tracking by tracking number: status and history, no personal data.' })
  track(@Param('trackingNumber') trackingNumber: string) {
    return this.parcels.track(trackingNumber);
  }
}
