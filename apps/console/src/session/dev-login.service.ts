import { Inject, Injectable } from '@nestjs/common';
import { issueToken, type Role } from '@rd/auth';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode } from '@rd/domain';

const DEV_TOKEN_LIFETIME_S = 12 * 3600;

/**
 * Issues role tokens for development and the demo. Off unless CONSOLE_DEV_LOGIN=true, which the
 * config refuses in production; there the console takes a JWT from the issuer instead.
 */
@Injectable()
export class DevLoginService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  issue(role: Role, staffId?: string, hubId?: string): { token: string; role: Role; expiresInS: number } {
    if (!this.config.CONSOLE_DEV_LOGIN) {
      throw new DomainError(DomainErrorCode.NotFound, 'the development log-in is not enabled here', []);
    }
    if (hubId && role !== 'hub_operator') {
      throw DomainError.validation([{ field: 'hubId', reason: 'only a hub operator is confined to a hub' }]);
    }
    const token = issueToken(
      { sub: `console-dev-${role}`, role, staffId, hubId },
      { secret: this.config.JWT_SECRET, issuer: this.config.JWT_ISSUER, expiresInS: DEV_TOKEN_LIFETIME_S },
    );
    return { token, role, expiresInS: DEV_TOKEN_LIFETIME_S };
  }
}
