/** Calls to the public APIs through the console's same-origin proxy, with the signed-in token. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details: Array<{ field: string; reason: string }>;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message || `HTTP ${status}`);
  }

  /** The message with each named field, as the API gave them. */
  describe(): string {
    const details = this.body.details?.map((d) => `${d.field}: ${d.reason}`).join('; ');
    return details ? `${this.message} (${details})` : this.message;
  }
}

let token: string | null = null;

export function setToken(value: string | null): void {
  token = value;
}

export async function api<T>(
  service: 'intake' | 'planner' | 'console',
  path: string,
  init: { method?: string; body?: unknown; query?: Record<string, string | undefined> } = {},
): Promise<T> {
  const base = service === 'console' ? '/v1' : `/api/${service}`;
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== '') query.set(k, v);
  const qs = query.toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}${qs ? `?${qs}` : ''}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const body = (json ?? {
      error: `http_${res.status}`,
      message: res.statusText,
      details: [],
    }) as ApiErrorBody;
    throw new ApiError(res.status, body);
  }
  return json as T;
}

type Query = Record<string, string | undefined>;

/** Reads a keyset-paged list to its end, 500 a page, following `nextCursor`. */
async function everyPage<T, P extends { nextCursor: string | null }>(
  service: 'intake' | 'planner',
  path: string,
  query: Query,
  itemsOf: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<P>(service, path, { query: { ...query, limit: '500', cursor } });
    all.push(...itemsOf(page));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** Every item of a paged list (`{ items, nextCursor }`). */
export function apiAll<T>(service: 'intake' | 'planner', path: string, query: Query = {}): Promise<T[]> {
  return everyPage(service, path, query, (page: { items: T[]; nextCursor: string | null }) => page.items);
}

/** Every feature of a paged GeoJSON layer (a FeatureCollection with `nextCursor`). */
export function apiAllFeatures<F>(service: 'intake' | 'planner', path: string): Promise<F[]> {
  return everyPage(service, path, {}, (page: { features: F[]; nextCursor: string | null }) => page.features);
}
