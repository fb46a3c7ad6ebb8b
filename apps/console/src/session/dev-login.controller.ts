import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Public, ROLES } from '@rd/auth';
import { ZodPipe } from '@rd/http';
import { z } from 'zod';
import { DevLoginService } from './dev-login.service';

const devLoginBody = z.strictObject({
  role: z.enum(ROLES),
  /** The courier or pilot record the token acts as. */
  staffId: z.uuid('must be a UUID').optional(),
  /** The hub a hub operator is confined to (a village service point's agent acts only for it). */
  hubId: z.uuid('must be a UUID').optional(),
});

@Controller('dev-login')
export class DevLoginController {
  constructor(private readonly devLogin: DevLoginService) {}

  /** Development only (404 otherwise): a bearer token for a role (a hub operator's may name their hub). */
  @Post()
  @HttpCode(200)
  @Public()
  issue(@Body(new ZodPipe(devLoginBody, 'the log-in')) body: z.infer<typeof devLoginBody>) {
    return this.devLogin.issue(body.role, body.staffId, body.hubId);
  }
}
