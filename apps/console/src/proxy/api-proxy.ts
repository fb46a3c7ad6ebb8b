import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Request headers the console passes on to an API; everything else (cookies, hop-by-hop) stays here. */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'authorization',
  'content-type',
  'content-length',
  'idempotency-key',
];
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/**
 * A same-origin proxy: `/api/intake/x` → `<intake /v1>/x`. The browser talks to one origin (no CORS
 * to configure), bodies and compressed answers stream through untouched, and the APIs still decide
 * every authorisation question from the bearer token.
 */
export function apiProxy(targetBase: string) {
  const target = new URL(targetBase.endsWith('/') ? targetBase : `${targetBase}/`);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req: IncomingMessage, res: ServerResponse): void => {
    // Mounted under its prefix, so req.url is the rest of the path with the query.
    const rest = (req.url ?? '/').replace(/^\/+/, '');
    const url = insideApi(rest, target);
    if (!url) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'not_found',
          message: 'no such API path behind the console',
          details: [{ field: 'path', reason: 'outside the API' }],
        }),
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = send(url, { method: req.method, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (res.destroyed) return; // the browser left first
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'unavailable',
          message: `the API behind the console is not reachable: ${error.message}`,
          details: [{ field: 'upstream', reason: url.origin }],
        }),
      );
    });
    // A browser that leaves (a closed live stream) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}

/**
 * The API URL for a path under the proxy's prefix, or null when it would lead elsewhere: an absolute
 * `http://other-host/…` or `../` (also spelt `%2e%2e`) would take the caller's token off the API.
 */
function insideApi(rest: string, target: URL): URL | null {
  let url: URL;
  try {
    url = new URL(rest, target);
  } catch {
    return null;
  }
  return url.origin === target.origin && url.pathname.startsWith(target.pathname) ? url : null;
}
