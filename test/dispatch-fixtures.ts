import request from 'supertest';
import type { RunningApp } from '@rd/testing';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function api(app: RunningApp) {
  const server = app.app.getHttpServer();
  return {
    get: (path: string, auth: string) => request(server).get(`/v1${path}`).set('Authorization', auth),
    post: (path: string, auth: string, body?: unknown) => {
      const req = request(server).post(`/v1${path}`).set('Authorization', auth);
      return typeof body === 'string'
        ? req.set('Content-Type', 'text/csv').send(body)
        : req.send((body ?? {}) as object);
    },
  };
}

export const CSV_HEADER =
  'idempotency_key,kind,hub_code,village,sender_name,sender_phone,sender_lon,sender_lat,sender_landmark,recipient_name,recipient_phone,recipient_lon,recipient_lat,window_start,window_end,weight_g,length_mm,width_mm,height_mm';
