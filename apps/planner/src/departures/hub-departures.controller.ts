import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@rd/auth';
import { UuidPipe } from '@rd/http';
import type { z } from 'zod';
import { DayQueryPipe, type dayQuery } from '../plans/day-query';
import { HubDeparturesService } from './hub-departures.service';

@ApiTags('hubs')
@ApiBearerAuth()
@Controller('hubs')
export class HubDeparturesController {
  constructor(private readonly departures: HubDeparturesService) {}

  /** The committed routes leaving this hub, their parcels grouped by vehicle and courier in stop order. */
  @Get(':hubId/departures')
  @Roles('hub_operator', 'dispatcher', 'admin')
  @ApiQuery({
    name: 'day',
    required: false,
    description:
      'Service day (UTC date, YYYY-MM-DD). Default: the first day from today (UTC) with a committed plan, else the latest earlier one.',
  })
  list(
    @Param('hubId', new UuidPipe('hubId')) hubId: string,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
  ) {
    return this.departures.departures(hubId, q.day);
  }
}
