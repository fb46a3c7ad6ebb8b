import type { AppConfig } from '@rd/config';
import { DomainErrorCode } from '@rd/domain';
import { verifyToken } from './tokens';

interface BodyRequest {
  headers: Record<string, string | string[] | undefined>;
}
interface BodyResponse {
  status(code: number): { json(body: unknown): void };
}

/**
 * Express middleware placed before the body parsers: a request that carries a body but no valid
 * bearer token is refused with 401 before its body is inflated or parsed, so an anonymous client
 * cannot make the server spend CPU and memory on it. (Every route that takes a body needs a token;
 * the guard still checks roles per route afterwards.)
 */
export function authenticateBeforeBody(config: Pick<AppConfig, 'JWT_SECRET' | 'JWT_ISSUER'>) {
  return (req: BodyRequest, res: BodyResponse, next: () => void): void => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return next();
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (match && verifyToken(match[1], { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER }))
      return next();
    res.status(401).json({
      error: DomainErrorCode.Unauthenticated,
      message: 'a valid bearer token is required',
      details: [],
    });
  };
}
