import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { isoTimestamp, pageQuerySchema } from '@rd/domain';
import { ZodPipe, ApiPage } from '@rd/http';
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
  ...pageQuerySchema.shape,
});

@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @Roles('dispatcher', 'pilot')
  @ApiPage('Alerts, newest first, filtered by kind, device, open or resolved, and time raised.')
  list(@Query(new ZodPipe(listAlertsQuerySchema, 'the query')) q: z.infer<typeof listAlertsQuerySchema>) {
    return this.alerts.list(q);
  }
}
