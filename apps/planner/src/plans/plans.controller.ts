import { ServiceDays } from '@rd/database';
import { applyDecorators, Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import { DomainError, pageQuerySchema, queryNumber, regionCode } from '@rd/domain';
import { ZodPipe } from '@rd/http';
import { z } from 'zod';
import { PlanEditsService } from '../planning/plan-edits.service';
import { day, DayQueryPipe, dayQuery } from './day-query';
import { PlanAdoptionService } from './plan-adoption.service';
import { PlansRepository } from './plans.repository';
import { PlansService } from './plans.service';
import { renderRouteSheet } from './route-sheet';

class RegionPipe extends ZodPipe<typeof regionCode> {
  constructor() {
    super(regionCode, 'the region');
  }
}
const versionSchema = queryNumber(z.number().int().min(1).max(2_147_483_647));
const currentQuery = z.object({ day, geometry: z.enum(['true', 'false']).optional() });
const compareQuery = z.object({ from: versionSchema, to: versionSchema, day });
const plansQuery = pageQuerySchema.extend({
  day,
  status: z.enum(['current', 'superseded', 'proposed']).optional(),
});
const proposalsQuery = pageQuerySchema.extend({ day });
/** `?limit=` and `?cursor=` of a keyset page, in the OpenAPI document. */
const PageParams = () =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: 'Items per page: 1 to 500 (default 50).' }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'The `nextCursor` of the previous page; the answer is `{ items, nextCursor }`.',
    }),
  );
/** OpenAPI entry of the `day` query parameter. */
const DayParam = () =>
  ApiQuery({
    name: 'day',
    required: false,
    description:
      'Service day (UTC date, YYYY-MM-DD). Default: the first day from today (UTC) with a current plan, else the latest earlier one.',
  });
const planNowBody = z.strictObject({ planDate: z.iso.date().optional() });
const lockBody = z.strictObject({ locked: z.boolean() });
/** The current plan version the dispatcher is looking at: a stale one is 409 with the current version. */
const adoptBody = z.strictObject({ baseVersion: z.number().int().min(1).max(2_147_483_647) });
/** Orders the dispatcher explicitly moves to another vehicle or courier with this commit (recorded). */
const commitBody = z.strictObject({
  reassign: z.array(z.uuid('must be a UUID')).max(10_000).optional(),
  /** The plan version the dispatcher reviewed: a plan replaced meanwhile is 409 with the current version. */
  baseVersion: z.number().int().min(1).max(2_147_483_647).optional(),
});
const uuidParam = z.uuid('must be a UUID');
const moveBody = z.strictObject({
  /** The plan version the dispatcher is looking at: a stale one is 409 with the current version. */
  baseVersion: z.number().int().min(1),
  orderId: z.uuid('must be a UUID'),
  toVehicleId: z.uuid('must be a UUID'),
  /** Position among the target route's stops (0 = first); past the end appends. */
  position: z.number().int().min(0),
});

@Controller('regions/:region')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly edits: PlanEditsService,
    private readonly adoption: PlanAdoptionService,
  ) {}

  @Get('plans/current')
  @Roles('dispatcher')
  @DayParam()
  current(
    @Param('region', RegionPipe) region: string,
    @Query(new ZodPipe(currentQuery, 'the query')) q: z.infer<typeof currentQuery>,
  ) {
    return this.plans.current(region, q.day, q.geometry !== 'false');
  }

  @Get('plans/current/summary')
  @Roles('dispatcher', 'hub_operator')
  @DayParam()
  async summary(
    @Param('region', RegionPipe) region: string,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
  ) {
    const {
      routes: _routes,
      unassigned: _unassigned,
      ...header
    } = await this.plans.current(region, q.day, false);
    return header;
  }

  @Get('plans')
  @Roles('dispatcher')
  @ApiOperation({
    summary: 'Plan versions of the region, newest first, optionally of one day and status; paged.',
  })
  @DayParam()
  @PageParams()
  @ApiQuery({ name: 'status', required: false, enum: ['current', 'superseded', 'proposed'] })
  list(
    @Param('region', RegionPipe) region: string,
    @Query(new ZodPipe(plansQuery, 'the query')) q: z.infer<typeof plansQuery>,
  ) {
    return this.plans.list(region, { day: q.day, status: q.status }, q);
  }

  @Get('plans/proposals')
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Proposals: solver plans stored beside a dispatcher’s edit made while they ran, newest first; with `day`, that day’s only. Paged.',
  })
  @ApiQuery({ name: 'day', required: false, description: 'Service day (UTC date, YYYY-MM-DD).' })
  @PageParams()
  proposals(
    @Param('region', RegionPipe) region: string,
    @Query(new ZodPipe(proposalsQuery, 'the query')) q: z.infer<typeof proposalsQuery>,
  ) {
    return this.plans.list(region, { day: q.day, status: 'proposed' }, q);
  }

  @Get('plans/compare')
  @Roles('dispatcher')
  compare(
    @Param('region', RegionPipe) region: string,
    @Query(new ZodPipe(compareQuery, 'the query')) q: z.infer<typeof compareQuery>,
  ) {
    return this.plans.compare(region, q.from, q.to, q.day);
  }

  @Get('plans/:version')
  @Roles('dispatcher')
  version(
    @Param('region', RegionPipe) region: string,
    @Param('version', new ZodPipe(versionSchema, 'the version')) version: number,
  ) {
    return this.plans.version(region, version);
  }

  @Post('plan-now')
  @HttpCode(202)
  @Roles('dispatcher')
  planNow(
    @Param('region', RegionPipe) region: string,
    @Body(new ZodPipe(planNowBody, 'the request')) body: z.infer<typeof planNowBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.plans.planNow(region, principal, body.planDate);
  }

  @Get('planning-runs')
  @Roles('dispatcher')
  @ApiOperation({
    summary: 'Planning runs of the region with stage, progress and timings, newest first; paged.',
  })
  @PageParams()
  runs(
    @Param('region', RegionPipe) region: string,
    @Query(new ZodPipe(pageQuerySchema, 'the query')) q: z.infer<typeof pageQuerySchema>,
  ) {
    return this.plans.planningRunsOf(region, q);
  }

  @Post('plans/:version/adopt')
  @HttpCode(200)
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Makes a proposal the current plan of its day (the old one is superseded), recording who adopted it. 409 when it is not a proposal, when `baseVersion` is not the current version (the answer names it), when `day` is not its day, or when it would move a stop the current plan holds (committed or on a locked route) off its vehicle (each conflict listed).',
  })
  @ApiQuery({ name: 'day', required: false, description: 'The proposal’s service day, checked when given.' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['baseVersion'],
      additionalProperties: false,
      properties: {
        baseVersion: { type: 'integer', minimum: 1, description: 'The current version you saw.' },
      },
    },
  })
  adopt(
    @Param('region', RegionPipe) region: string,
    @Param('version', new ZodPipe(versionSchema, 'the version')) version: number,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
    @Body(new ZodPipe(adoptBody, 'the request')) body: z.infer<typeof adoptBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.adoption.adopt({ region, version, baseVersion: body.baseVersion, day: q.day }, principal.sub);
  }

  @Post('plans/current/routes/:vehicleId/lock')
  @HttpCode(200)
  @Roles('dispatcher')
  @DayParam()
  lock(
    @Param('region', RegionPipe) region: string,
    @Param('vehicleId', new ZodPipe(uuidParam, 'the vehicle id')) vehicleId: string,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
    @Body(new ZodPipe(lockBody, 'the request')) body: z.infer<typeof lockBody>,
  ) {
    return this.plans.lockRoute(region, vehicleId, body.locked, q.day);
  }

  @Post('plans/current/moves')
  @Roles('dispatcher')
  @DayParam()
  async move(
    @Param('region', RegionPipe) region: string,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
    @Body(new ZodPipe(moveBody, 'the move')) body: z.infer<typeof moveBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.edits.moveStop(region, await this.plans.dayOf(region, q.day), body, principal.sub);
  }

  @Post('plans/current/commit')
  @HttpCode(200)
  @Roles('dispatcher')
  @DayParam()
  commit(
    @Param('region', RegionPipe) region: string,
    @Query(DayQueryPipe) q: z.infer<typeof dayQuery>,
    @Body(new ZodPipe(commitBody, 'the request')) body: z.infer<typeof commitBody>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.plans.commit(region, principal, body.reassign, q.day, body.baseVersion);
  }
}

/** The courier's side: only their own committed route. */
@Controller('courier')
export class CourierController {
  constructor(
    private readonly plans: PlansService,
    private readonly repo: PlansRepository,
    private readonly serviceDays: ServiceDays,
  ) {}

  @Get('route')
  @Roles('courier')
  @DayParam()
  route(@CurrentPrincipal() principal: Principal, @Query(DayQueryPipe) q: z.infer<typeof dayQuery>) {
    return this.plans.courierRoute(principal, q.day);
  }

  @Get('route-sheet')
  @Roles('courier')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @DayParam()
  async sheet(@CurrentPrincipal() principal: Principal, @Query(DayQueryPipe) q: z.infer<typeof dayQuery>) {
    const plan = await this.plans.courierRoute(principal, q.day);
    const route = plan.routes[0];
    if (!route) throw DomainError.notFound('route for courier', principal.staffId ?? '');
    return renderRouteSheet(
      route,
      await this.repo.sheetStops(route.id),
      plan.version,
      plan.planDate,
      this.serviceDays.zone,
    );
  }
}
