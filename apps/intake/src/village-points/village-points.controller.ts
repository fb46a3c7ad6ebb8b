import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import {
  collectionSchema,
  expectedQuerySchema,
  lastMileDefaultSchema,
  sendBackSchema,
  villagePointScanSchema,
  type CollectionInput,
  type SendBackInput,
  type VillagePointScan,
  pageQuerySchema,
  type PageQuery,
} from '@rd/domain';
import { UuidPipe, ZodPipe, ApiPage } from '@rd/http';
import { z } from 'zod';
import { jsonSchema } from '../common/openapi';
import { VillagePointLookup } from './village-point-lookup.repository';
import { VillagePointsService } from './village-points.service';

const expectedPageQuery = pageQuerySchema.extend(expectedQuerySchema.shape);
const regionParam = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -');

/** The agent's part at a village service point; a hub operator only for the point their token names. */
@ApiTags('village points')
@ApiBearerAuth()
@Controller('village-points/:pointId')
export class VillagePointsController {
  constructor(private readonly points: VillagePointsService) {}

  @Get('expected')
  @Roles('hub_operator', 'dispatcher')
  @ApiOperation({
    summary:
      'Deliveries bound for the point and pickups leaving it on a day (default today, UTC), a page at a time by window start: { point, date, deliveries, pickups, nextCursor }.',
  })
  @ApiQuery({ name: 'date', required: false, schema: { type: 'string', format: 'date' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } })
  expected(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Query(new ZodPipe(expectedPageQuery, 'the query')) q: z.infer<typeof expectedPageQuery>,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.expected(pointId, q.date, q, p);
  }

  @Post('arrivals')
  @HttpCode(200)
  @Roles('hub_operator', 'dispatcher')
  @ApiOperation({
    summary:
      'Scan a parcel in from the courier: it waits here, its collection code is issued and sent to the recipient.',
  })
  @ApiBody({ schema: jsonSchema(villagePointScanSchema) })
  scanIn(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Body(new ZodPipe(villagePointScanSchema, 'the scan')) body: VillagePointScan,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.scanIn(pointId, body.trackingNumber, p);
  }

  @Post('collections')
  @HttpCode(200)
  @Roles('hub_operator', 'dispatcher')
  @ApiOperation({
    summary: 'Hand a parcel to its recipient against the collection code (limited wrong attempts).',
  })
  @ApiBody({ schema: jsonSchema(collectionSchema) })
  handOver(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Body(new ZodPipe(collectionSchema, 'the collection')) body: CollectionInput,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.handOver(pointId, body, p);
  }

  @Post('codes')
  @HttpCode(200)
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Reissue the collection code of a waiting parcel (lost, or locked by wrong codes) and send it again.',
  })
  @ApiBody({ schema: jsonSchema(villagePointScanSchema) })
  reissue(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Body(new ZodPipe(villagePointScanSchema, 'the request')) body: VillagePointScan,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.reissueCode(pointId, body.trackingNumber, p);
  }

  @Get('uncollected')
  @Roles('hub_operator', 'dispatcher')
  @ApiPage(
    'A page of the parcels waiting at the point (and expired ones not yet taken back), oldest first, with their age; the point beside the items.',
  )
  uncollected(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Query(new ZodPipe(pageQuerySchema, 'the query')) page: PageQuery,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.uncollected(pointId, page, p);
  }

  @Post('returns')
  @HttpCode(200)
  @Roles('hub_operator', 'dispatcher')
  @ApiOperation({
    summary:
      'Send an uncollected parcel back to the county hub (expires it now; hands it to a courier if one is named).',
  })
  @ApiBody({ schema: jsonSchema(sendBackSchema) })
  sendBack(
    @Param('pointId', new UuidPipe()) pointId: string,
    @Body(new ZodPipe(sendBackSchema, 'the return')) body: SendBackInput,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.points.sendBack(pointId, body, p);
  }
}

/** A region's default last mile for orders that do not say (door or village point). */
@ApiTags('village points')
@ApiBearerAuth()
@Controller('regions/:region/last-mile-default')
export class LastMileDefaultController {
  constructor(private readonly lookup: VillagePointLookup) {}

  @Put()
  @Roles('dispatcher')
  @ApiOperation({ summary: "Set the region's default last mile: 'door' or 'village_point'." })
  @ApiBody({ schema: jsonSchema(lastMileDefaultSchema) })
  async set(
    @Param('region', new ZodPipe(regionParam, 'region')) region: string,
    @Body(new ZodPipe(lastMileDefaultSchema, 'the setting')) body: z.infer<typeof lastMileDefaultSchema>,
  ) {
    await this.lookup.setDefault(region, body.lastMile);
    return { region, lastMile: body.lastMile };
  }

  @Get()
  @Roles('dispatcher', 'hub_operator')
  @ApiOperation({ summary: "The region's default last mile." })
  async get(@Param('region', new ZodPipe(regionParam, 'region')) region: string) {
    const defaults = await this.lookup.defaultsOf([region]);
    return { region, lastMile: defaults.get(region) ?? 'door' };
  }
}
