import type { IncomingMessage } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import request, { type Response } from 'supertest';
import { TOMORROW, tomorrowAt } from './dates';

type Schema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  prefixItems?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
};
interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const UUID = '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11';
/** Values that once reached the database and came back as 500s, and their cousins. */
export const HOSTILE_STRINGS = [
  '',
  'a\u0000b',
  'not-a-uuid',
  '0000-01-01T00:00:00Z',
  '2026-02-30',
  '99999999999999999999',
  '1e999',
  'x'.repeat(5000),
];
const HOSTILE_NUMBERS = [2 ** 31, 2 ** 53, -(2 ** 31) - 1, 1e308, -1, 0.5];
/** Body fields of routes whose OpenAPI document has no body schema (the planner's). */
const KNOWN_FIELDS = [
  'region',
  'orderId',
  'toVehicleId',
  'position',
  'baseVersion',
  'locked',
  'planDate',
  'generated',
];

/** Query parameters routes read without declaring them to the OpenAPI document. */
const COMMON_QUERY_PARAMS = [
  'cursor',
  'limit',
  'lon',
  'lat',
  'radiusM',
  'from',
  'to',
  'createdFrom',
  'createdTo',
  'kind',
  'status',
  'deviceId',
  'open',
  'zoom',
  'bbox',
  'planDate',
];

/** A body of one schema with every leaf replaced by `leaf(schema)`. */
function bodyOf(schema: Schema | undefined, leaf: (s: Schema) => unknown, depth = 0): unknown {
  if (!schema || depth > 6) return leaf({});
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (variant)
    return bodyOf(
      { ...variant, ...schema, anyOf: undefined, oneOf: undefined, allOf: undefined },
      leaf,
      depth,
    );
  if (schema.properties)
    return Object.fromEntries(
      Object.entries(schema.properties).map(([k, s]) => [k, bodyOf(s, leaf, depth + 1)]),
    );
  if (schema.prefixItems) return schema.prefixItems.map((s) => bodyOf(s, leaf, depth + 1));
  if (schema.items) return [bodyOf(schema.items, leaf, depth + 1)];
  return leaf(schema);
}

/** Strings that match the usual patterns (phone, code, local time). */
const PATTERN_CANDIDATES = ['+376 600 200', 'CODE-1', '08:00', 'sweep'];
let clockH = 0;

/** A value the schema accepts, as far as a document can say (times ascend so windows are ordered). */
function validLeaf(s: Schema): unknown {
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const type = [s.type].flat()[0];
  if (type === 'boolean') return true;
  if (type === 'integer' || type === 'number') {
    const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    return s.maximum !== undefined && s.minimum !== undefined
      ? Math.round((min + s.maximum) / 2)
      : Math.max(min, 1);
  }
  if (s.format === 'uuid') return UUID;
  if (s.format === 'date-time') return tomorrowAt(6 + (clockH++ % 12));
  if (s.format === 'date') return TOMORROW;
  if (s.pattern) return PATTERN_CANDIDATES.find((c) => new RegExp(s.pattern!).test(c)) ?? 'x';
  return 'x'.repeat(Math.max(1, s.minLength ?? 1));
}

/** Leaf paths of a body built by `bodyOf`. */
function leafPaths(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leafPaths(v, [...path, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
  return [path];
}
function withLeaf(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[path[0]] = withLeaf(copy[path[0]], path.slice(1), leaf);
  return copy;
}

const isNumeric = (s: Schema) => [s.type].flat().some((t) => t === 'number' || t === 'integer');

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];
const hasBody = (method: HttpMethod) => method === 'post' || method === 'put' || method === 'patch';

interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
  rawPath?: unknown;
}

/**
 * What an app really serves, read from its Express router: every route as "METHOD /path/{param}"
 * (whether or not the OpenAPI document shows it), and the paths where middleware is mounted
 * (proxies, static assets), which no route list shows.
 */
export function registeredRoutes(app: INestApplication): { routes: string[]; mounts: string[] } {
  const express = app.getHttpAdapter().getInstance() as { router?: { stack: RouterLayer[] } };
  const routes: string[] = [];
  const mounts: string[] = [];
  // Express 5 keeps its router here; finding none would sweep nothing and pass.
  if (!express.router) throw new Error('no Express router on this app: cannot list its routes');
  for (const layer of express.router.stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on) routes.push(`${method.toUpperCase()} ${path}`);
    } else if (typeof layer.rawPath === 'string' && layer.rawPath !== '/') {
      mounts.push(layer.rawPath);
    }
  }
  return { routes: [...new Set(routes)].sort(), mounts: [...new Set(mounts)].sort() };
}

/**
 * Reads a body whole, except a stream of server-sent events (the live feed never ends): its status
 * and headers are the answer, and the connection is closed.
 */
function untilStream(answer: Response, done: (error: Error | null, body: unknown) => void): void {
  // In Node superagent hands its parsers the raw response stream, whatever its type says.
  const res = answer as unknown as IncomingMessage;
  if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    res.destroy();
    done(null, undefined);
    return;
  }
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      done(null, text && /json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : text);
    } catch {
      done(null, text);
    }
  });
  res.on('error', (error) => done(error, undefined));
}

/**
 * Sends every route an app serves (its router's list, with the OpenAPI document's schemas where it
 * has one) hostile path parameters, query parameters and bodies, with each token given, and returns
 * every answer of 500 or more as "METHOD url → status", and the routes swept as "METHOD /path".
 */
export async function sweepHostileInput(
  app: INestApplication,
  tokens: string[],
): Promise<{ requests: number; failures: string[]; swept: string[] }> {
  const http = request(app.getHttpServer());
  const served = await http.get('/v1/openapi.json');
  const doc = (served.status === 200 ? served.body : { paths: {} }) as {
    paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  };
  const failures: string[] = [];
  const swept: string[] = [];
  let requests = 0;
  const send = async (method: HttpMethod, url: string, token: string, body?: unknown) => {
    requests++;
    const req = http[method](url).set('Authorization', token).buffer(true).parse(untilStream);
    const res = body === undefined ? await req : await req.send(body as object);
    if (res.status >= 500)
      failures.push(
        `${method.toUpperCase()} ${url} ${JSON.stringify(body) ?? ''} → ${res.status}`.slice(0, 300),
      );
  };
  const fill = (path: string, hostile?: { name: string; value: string }) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(hostile?.name === name ? hostile.value : name === 'region' ? 'sweep' : UUID),
    );

  for (const route of registeredRoutes(app).routes) {
    const [verb, path] = route.split(' ');
    const method = verb.toLowerCase() as HttpMethod;
    if (!HTTP_METHODS.includes(method)) continue;
    swept.push(route);
    const op: Operation = doc.paths[path]?.[method] ?? {};
    const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    // Query schemas read through ZodPipe do not reach the document: try the names routes use.
    queryParams.push(...COMMON_QUERY_PARAMS);
    const schema =
      op.requestBody?.content?.['application/json']?.schema ??
      ({ properties: Object.fromEntries(KNOWN_FIELDS.map((k) => [k, {}])) } as Schema);
    for (const [t, token] of tokens.entries()) {
      // Other tokens differ in who asks (a courier, a malformed staff id), not in what is sent: one clean call each.
      if (t > 0) {
        await send(method, fill(path), token, hasBody(method) ? {} : undefined);
        continue;
      }
      for (const value of HOSTILE_STRINGS) {
        for (const name of pathParams)
          await send(method, fill(path, { name, value }), token, hasBody(method) ? {} : undefined);
        for (const name of new Set(queryParams)) {
          await send(
            method,
            `${fill(path)}?${name}=${encodeURIComponent(value)}`,
            token,
            hasBody(method) ? {} : undefined,
          );
        }
        if (hasBody(method))
          await send(
            method,
            fill(path),
            token,
            bodyOf(schema, (s) => (isNumeric(s) ? 1 : value)),
          );
      }
      if (hasBody(method)) {
        // A valid body with one hostile leaf at a time, so the value gets past every other check.
        const valid = bodyOf(schema, validLeaf);
        for (const leaf of leafPaths(valid)) {
          for (const hostile of ['a\u0000b', '0000-01-01T00:00:00Z', 2 ** 31]) {
            await send(method, fill(path), token, withLeaf(valid, leaf, hostile));
          }
        }
        for (const n of HOSTILE_NUMBERS)
          await send(
            method,
            fill(path),
            token,
            bodyOf(schema, (s) => (isNumeric(s) ? n : 'x')),
          );
        for (const body of [{}, [], { orders: [{}] }]) await send(method, fill(path), token, body);
      }
    }
  }
  return { requests, failures, swept };
}

/** Path segments that try to leave a mount or break a parser. */
const HOSTILE_SEGMENTS = ['..', '..%2f..%2fetc%2fpasswd', '%00', '%ZZ', 'a%00b', 'x'.repeat(5000)];

/**
 * Sweeps paths where middleware is mounted (a proxy, static assets): hostile path segments, query
 * strings and bodies under each mount, with each method. Returns answers of 500 or more as
 * "METHOD url → status".
 */
export async function sweepMountedPaths(
  app: INestApplication,
  mounts: string[],
  token: string,
): Promise<{ requests: number; failures: string[] }> {
  const http = request(app.getHttpServer());
  const failures: string[] = [];
  let requests = 0;
  for (const mount of mounts) {
    const base = mount.replace(/\/:\w+$/, ''); // `/assets/:name` → `/assets`
    const urls = [
      ...HOSTILE_SEGMENTS.map((segment) => `${base}/${segment}`),
      ...HOSTILE_SEGMENTS.map((segment) => `${base}/orders/${segment}/events`),
      ...HOSTILE_STRINGS.map((value) => `${base}/orders?cursor=${encodeURIComponent(value)}`),
    ];
    for (const url of urls) {
      for (const method of HTTP_METHODS) {
        requests++;
        const req = http[method](url).set('Authorization', token);
        const res = hasBody(method) ? await req.send({ region: 'a\u0000b' }) : await req;
        if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url.slice(0, 120)} → ${res.status}`);
      }
    }
  }
  return { requests, failures };
}
