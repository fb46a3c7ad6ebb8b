import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@rd/auth';
import { UuidPipe } from '@rd/http';
import { HubDeparturesService } from './hub-departures.service';

@ApiTags('hubs')
@ApiBearerAuth()
@Controller('hubs')
export class HubDeparturesController {
  constructor(private readonly departures: HubDeparturesService) {}

  /** The committed routes leaving this hub, their parcels grouped by vehicle and courier in stop order. */
  @Get(':hubId/departures')
  @Roles('hub_operator', 'dispatcher', 'admin')
  list(@Param('hubId', new UuidPipe('hubId')) hubId: string) {
    return this.departures.departures(hubId);
  }
}
