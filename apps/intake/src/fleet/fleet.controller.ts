import { ServiceDays } from '@rd/database';
import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@rd/auth';
import {
  type CreateCourierInput,
  createCourierSchema,
  type CreateDroneInput,
  createDroneSchema,
  type CreateHubInput,
  createHubSchema,
  type CreatePilotInput,
  createPilotSchema,
  type CreateVehicleInput,
  createVehicleSchema,
  HUB_KINDS,
  queryNumber,
  regionCode,
  pageQuerySchema,
  type PageQuery,
} from '@rd/domain';
import { UuidPipe, ZodPipe, ApiPage } from '@rd/http';
import { z } from 'zod';
import { jsonSchema } from '../common/openapi';
import { FleetService } from './fleet.service';

const hubQuery = pageQuerySchema.extend({
  kind: z.enum(HUB_KINDS).optional(),
  region: regionCode.optional(),
});
const nearestQuery = z.object({
  lon: queryNumber(z.number().min(-180).max(180)),
  lat: queryNumber(z.number().min(-90).max(90)),
  limit: queryNumber(z.number().int().min(1).max(50).default(5)),
  kind: z.enum(HUB_KINDS).optional(),
});
const STAFF = ['dispatcher', 'hub_operator', 'pilot', 'courier'] as const;

@ApiTags('hubs')
@ApiBearerAuth()
@Controller('hubs')
export class HubsController {
  constructor(private readonly fleet: FleetService) {}

  @Post()
  @Roles('admin')
  @ApiBody({ schema: jsonSchema(createHubSchema) })
  create(@Body(new ZodPipe(createHubSchema, 'the hub')) body: CreateHubInput) {
    return this.fleet.createHub(body);
  }

  @Get()
  @Roles(...STAFF)
  @ApiPage('Hubs, newest first, optionally of one kind (?kind=) and one region (?region=).')
  list(@Query(new ZodPipe(hubQuery, 'the query')) q: z.infer<typeof hubQuery>) {
    return this.fleet.listHubs(q, { kind: q.kind, region: q.region });
  }

  @Get('nearest')
  @Roles(...STAFF)
  @ApiOperation({
    summary: 'Nearest hubs to a point (PostGIS KNN on the GiST index), with distance in metres.',
  })
  nearest(@Query(new ZodPipe(nearestQuery, 'the query')) q: z.infer<typeof nearestQuery>) {
    return this.fleet.nearestHubs(q.lon, q.lat, q.limit, q.kind);
  }

  @Get(':id')
  @Roles(...STAFF)
  get(@Param('id', new UuidPipe()) id: string) {
    return this.fleet.getHub(id);
  }
}

@ApiTags('fleet')
@ApiBearerAuth()
@Controller()
export class FleetController {
  constructor(
    private readonly fleet: FleetService,
    private readonly serviceDays: ServiceDays,
  ) {}

  @Post('vehicles')
  @Roles('admin', 'dispatcher')
  @ApiBody({ schema: jsonSchema(createVehicleSchema) })
  createVehicle(@Body(new ZodPipe(createVehicleSchema, 'the vehicle')) body: CreateVehicleInput) {
    return this.fleet.createVehicle(body);
  }

  @Post('drones')
  @Roles('admin')
  @ApiBody({ schema: jsonSchema(createDroneSchema) })
  createDrone(@Body(new ZodPipe(createDroneSchema, 'the drone')) body: CreateDroneInput) {
    return this.fleet.createDrone(body);
  }

  @Post('pilots')
  @Roles('admin')
  @ApiBody({ schema: jsonSchema(createPilotSchema) })
  createPilot(@Body(new ZodPipe(createPilotSchema, 'the pilot')) body: CreatePilotInput) {
    return this.fleet.createPilot(body, this.serviceDays.dayOf());
  }

  @Post('couriers')
  @Roles('admin', 'dispatcher')
  @ApiBody({ schema: jsonSchema(createCourierSchema) })
  createCourier(@Body(new ZodPipe(createCourierSchema, 'the courier')) body: CreateCourierInput) {
    return this.fleet.createCourier(body);
  }

  @Get('vehicles')
  @Roles('dispatcher', 'hub_operator')
  @ApiPage('Vehicles, newest first.')
  listVehicles(@Query(new ZodPipe(pageQuerySchema, 'the query')) q: PageQuery) {
    return this.fleet.list('vehicles', q);
  }

  @Get('vehicles/:id')
  @Roles('dispatcher', 'hub_operator')
  getVehicle(@Param('id', new UuidPipe()) id: string) {
    return this.fleet.get('vehicles', id);
  }

  @Get('drones')
  @Roles('dispatcher', 'hub_operator')
  @ApiPage('Drones, newest first.')
  listDrones(@Query(new ZodPipe(pageQuerySchema, 'the query')) q: PageQuery) {
    return this.fleet.list('drones', q);
  }

  @Get('drones/:id')
  @Roles('dispatcher', 'hub_operator')
  getDrone(@Param('id', new UuidPipe()) id: string) {
    return this.fleet.get('drones', id);
  }

  @Get('pilots')
  @Roles('dispatcher', 'hub_operator')
  @ApiPage('Pilots, newest first.')
  listPilots(@Query(new ZodPipe(pageQuerySchema, 'the query')) q: PageQuery) {
    return this.fleet.list('pilots', q);
  }

  @Get('pilots/:id')
  @Roles('dispatcher', 'hub_operator')
  getPilot(@Param('id', new UuidPipe()) id: string) {
    return this.fleet.get('pilots', id);
  }

  @Get('couriers')
  @Roles('dispatcher', 'hub_operator')
  @ApiPage('Couriers, newest first.')
  listCouriers(@Query(new ZodPipe(pageQuerySchema, 'the query')) q: PageQuery) {
    return this.fleet.list('couriers', q);
  }

  @Get('couriers/:id')
  @Roles('dispatcher', 'hub_operator')
  getCourier(@Param('id', new UuidPipe()) id: string) {
    return this.fleet.get('couriers', id);
  }
}
