import { TextDecoder } from 'node:util';
import express from 'express';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser with strict UTF-8: a body with invalid bytes is 400, never decoded into
 * U+FFFD replacement characters and stored.
 */
export function strictJson(limit: string) {
  return express.json({
    limit,
    verify: (_req, _res, buf) => {
      try {
        utf8.decode(buf);
      } catch {
        throw Object.assign(new Error('the body is not valid UTF-8'), {
          status: 400,
          type: 'encoding.invalid',
        });
      }
    },
  });
}
