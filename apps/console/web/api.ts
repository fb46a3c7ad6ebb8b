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
