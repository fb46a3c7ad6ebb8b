/** What the gateway's live stream sends (apps/gateway/src/live). */
export interface LivePosition {
  deviceId: string;
  kind: 'courier' | 'drone';
  courierId: string | null;
  droneId: string | null;
  lon: number;
  lat: number;
  headingDeg: number | null;
  speedMps: number | null;
  batteryLevel: number | null;
  heightAboveTakeoffM: number | null;
  fixTimeMs: number;
}

export interface LiveAlert {
  id: number;
  kind: string;
  deviceId: string | null;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  raisedAt: string;
}

export interface LiveHandlers {
  positions(positions: LivePosition[]): void;
  alert(alert: LiveAlert): void;
  status(state: 'connecting' | 'connected' | 'reconnecting' | 'refused'): void;
}

const RECONNECT_MS = 3_000;

/** Splits a server-sent-events text stream into (event, data) pairs; returns the unfinished tail. */
export function parseSseChunk(buffer: string, onEvent: (event: string, data: string) => void): string {
  const frames = buffer.split(/\r?\n\r?\n/);
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) onEvent(event, data.join('\n'));
  }
  return rest;
}

/**
 * Reads the live stream through the console's proxy. fetch rather than EventSource: the token goes in
 * the Authorization header (never in a URL that lands in logs). Reconnects until `signal` aborts;
 * a 401/403 stops for good.
 */
export async function followLiveStream(
  token: string,
  region: string,
  handlers: LiveHandlers,
  signal: AbortSignal,
): Promise<void> {
  let first = true;
  while (!signal.aborted) {
    handlers.status(first ? 'connecting' : 'reconnecting');
    first = false;
    try {
      const res = await fetch(`/api/gateway/live?region=${encodeURIComponent(region)}`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        signal,
      });
      if (res.status === 401 || res.status === 403) {
        handlers.status('refused');
        return;
      }
      if (res.ok && res.body) {
        handlers.status('connected');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseSseChunk(buffer + value, (event, data) => {
            if (event === 'positions') handlers.positions(JSON.parse(data) as LivePosition[]);
            else if (event === 'alert') handlers.alert(JSON.parse(data) as LiveAlert);
          });
        }
      }
    } catch {
      if (signal.aborted) return;
    }
    if (signal.aborted) return;
    handlers.status('reconnecting');
    await new Promise((r) => setTimeout(r, RECONNECT_MS));
  }
}
