import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { isoTimestamp } from '@rd/domain';
import { ZodPipe } from '@rd/http';
import { DEVICE_ID_PATTERN } from '@rd/telemetry';
import { z } from 'zod';
import { ALERT_KINDS } from './alerts.repository';
import { AlertsService } from './alerts.service';

export const listAlertsQuerySchema = z.object({
  kind: z.enum(ALERT_KINDS).optional(),
  deviceId: z.string().regex(DEVICE_ID_PATTERN).optional(),
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  from: isoTimestamp.optional(),
  to: isoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @Roles('dispatcher', 'pilot')
  list(@Query(new ZodPipe(listAlertsQuerySchema, 'the query')) q: z.infer<typeof listAlertsQuerySchema>) {
    return this.alerts.list(q);
  }
}
