import { pageQuerySchema, type PageQuery } from '@rd/domain';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import { UuidPipe, ZodPipe, ApiPage } from '@rd/http';
import type { Response } from 'express';
import { z } from 'zod';
import { MissionsService } from './missions.service';

const checklistBody = z
  .strictObject({
    battery: z.boolean().optional(),
    payloadSecured: z.boolean().optional(),
    weather: z.boolean().optional(),
    airspace: z.boolean().optional(),
    landingSpotClear: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one checklist item' });
const rejectBody = z.strictObject({
  reason: z.string().trim().min(3, 'say why (3 characters or more)').max(500),
});

/** The pilot's missions: only their own (another pilot's mission is a 404 for them). */
@ApiTags('pilot')
@ApiBearerAuth()
@Controller('pilot/missions')
export class PilotMissionsController {
  constructor(private readonly missions: MissionsService) {}

  @Get()
  @Roles('pilot')
  @ApiPage('the pilot’s missions, soonest launch first')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(pageQuerySchema, 'the query')) query: PageQuery,
  ) {
    return this.missions.list(principal, query);
  }

  @Get(':id')
  @Roles('pilot')
  get(@CurrentPrincipal() principal: Principal, @Param('id', new UuidPipe('id')) id: string) {
    return this.missions.get(principal, id);
  }

  @Get(':id/plan')
  @Roles('pilot')
  async plan(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidPipe('id')) id: string,
    @Res() res: Response,
  ) {
    const file = await this.missions.qgcPlan(principal, id);
    // `.plan` is JSON; set the type after attachment(), which would guess octet-stream from the extension.
    res.attachment(file.fileName).type('application/json').send(file.body);
  }

  @Put(':id/checklist')
  @Roles('pilot')
  @ApiBody({
    schema: z.toJSONSchema(checklistBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  })
  checklist(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidPipe('id')) id: string,
    @Body(new ZodPipe(checklistBody, 'the checklist')) body: z.infer<typeof checklistBody>,
  ) {
    return this.missions.updateChecklist(principal, id, body);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('pilot')
  accept(@CurrentPrincipal() principal: Principal, @Param('id', new UuidPipe('id')) id: string) {
    return this.missions.accept(principal, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('pilot')
  @ApiBody({
    schema: z.toJSONSchema(rejectBody, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  })
  reject(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidPipe('id')) id: string,
    @Body(new ZodPipe(rejectBody, 'the rejection')) body: z.infer<typeof rejectBody>,
  ) {
    return this.missions.reject(principal, id, body.reason);
  }
}
