import type { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import {
  createOrderSchema,
  listOrdersQuerySchema,
  type CreateOrderInput,
  type ListOrdersQuery,
} from '@rd/domain';
import { UuidPipe, ZodPipe } from '@rd/http';
import { jsonSchema } from '../common/openapi';
import { BulkIntakeService } from './bulk-intake.service';
import { OrdersService } from './orders.service';

interface StatusResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly bulkIntake: BulkIntakeService,
  ) {}

  @Post()
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Create an order with its parcels (dispatcher). 201 new, 200 replay of the same Idempotency-Key.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key + same body → same order; other body → 409',
  })
  @ApiBody({ schema: jsonSchema(createOrderSchema) })
  async create(
    @Body(new ZodPipe(createOrderSchema, 'the order')) body: CreateOrderInput,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) res: StatusResponse,
  ) {
    const result = await this.orders.create(body, key, principal);
    res.status(result.replayed ? 200 : 201);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.order;
  }

  @Post('bulk')
  @HttpCode(200)
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Bulk intake of up to BULK_MAX_ROWS orders as CSV (text/csv) or JSON; a report per row (dispatcher).',
  })
  @ApiConsumes('text/csv', 'application/json')
  bulk(
    @Req() req: Readable & { body?: unknown },
    @Headers('content-type') contentType = '',
    @Headers('content-encoding') contentEncoding: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ) {
    // CSV is streamed after authentication (no body parser reads it); JSON was parsed with its cap.
    return isCsv(contentType)
      ? this.bulkIntake.bulkCsv(req, { contentType, contentEncoding }, principal)
      : this.bulkIntake.bulk(req.body, principal);
  }

  @Get()
  @Roles('dispatcher', 'hub_operator')
  @ApiOperation({
    summary: 'List orders, newest first, filtered by status, kind, hub, village and creation time.',
  })
  list(@Query(new ZodPipe(listOrdersQuerySchema, 'the query')) query: ListOrdersQuery) {
    return this.orders.list(query);
  }

  @Get(':id')
  @Roles('dispatcher', 'hub_operator')
  @ApiOperation({ summary: 'One order with its parcels.' })
  get(@Param('id', new UuidPipe()) id: string) {
    return this.orders.get(id);
  }

  @Post(':id/delivery-pin/reset')
  @HttpCode(200)
  @Roles('dispatcher')
  @ApiOperation({
    summary:
      'Lets PIN delivery be tried again after too many wrong PINs (dispatcher); recorded. 404 for an order without a PIN.',
  })
  resetDeliveryPin(@Param('id', new UuidPipe()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.orders.resetDeliveryPin(id, principal);
  }
}

const isCsv = (contentType: string) => /^\s*text\/(csv|plain)\b/i.test(contentType);
