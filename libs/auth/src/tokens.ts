import jwt from 'jsonwebtoken';
import { hasControlCharacter } from '@rd/domain';
import { z } from 'zod';
import { Principal, ROLES } from './roles';

// A token's claims reach SQL (a courier's staff id filters their parcels): malformed claims make the token invalid.
const claimsSchema = z.object({
  sub: z
    .string()
    .min(1)
    .max(200)
    .refine((sub) => !hasControlCharacter(sub)),
  role: z.enum(ROLES),
  staffId: z.uuid().optional(),
  hubId: z.uuid().optional(),
});

export interface TokenOptions {
  secret: string;
  issuer: string;
}

/** HS256 tokens; the secret comes from configuration, never from the repository. */
export function issueToken(principal: Principal, options: TokenOptions & { expiresInS?: number }): string {
  const payload: Record<string, unknown> = { role: principal.role };
  if (principal.staffId) payload.staffId = principal.staffId;
  if (principal.hubId) payload.hubId = principal.hubId;
  return jwt.sign(payload, options.secret, {
    algorithm: 'HS256',
    subject: principal.sub,
    issuer: options.issuer,
    expiresIn: options.expiresInS ?? 12 * 3600,
  });
}

/** Returns the principal, or null for a missing, expired, forged or malformed token. */
export function verifyToken(token: string, options: TokenOptions): Principal | null {
  try {
    const decoded = jwt.verify(token, options.secret, { algorithms: ['HS256'], issuer: options.issuer });
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success) return null;
    const { sub, role, staffId, hubId } = claims.data;
    return { sub, role, staffId, ...(hubId ? { hubId } : {}) };
  } catch {
    return null;
  }
}
