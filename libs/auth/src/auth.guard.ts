import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '@rd/config';
import { DomainError, DomainErrorCode } from '@rd/domain';
import { Principal, Role } from './roles';
import { verifyToken } from './tokens';

export const ROLES_KEY = 'rd:roles';
export const PUBLIC_KEY = 'rd:public';

/** The roles that may call a route (admin may call every route). Every route states this or @Public(). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** A route anyone may call, such as public tracking. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/**
 * Global guard: no token → 401, wrong role → 403. A route without @Roles or @Public is refused
 * (fail closed), so a forgotten declaration cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers['authorization'] ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match
      ? verifyToken(match[1], { secret: this.config.JWT_SECRET, issuer: this.config.JWT_ISSUER })
      : null;
    if (!principal) {
      throw new DomainError(DomainErrorCode.Unauthenticated, 'a valid bearer token is required');
    }
    request.principal = principal;
    if (!roles || roles.length === 0) {
      throw new DomainError(DomainErrorCode.Forbidden, 'this route declares no roles');
    }
    if (principal.role !== 'admin' && !roles.includes(principal.role)) {
      throw new DomainError(
        DomainErrorCode.Forbidden,
        `role '${principal.role}' may not call this route`,
        [],
        {
          allowedRoles: roles,
        },
      );
    }
    return true;
  }
}
