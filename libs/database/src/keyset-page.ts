import { DomainError } from '@rd/domain';
import type { SqlFilter } from './sql';

/** Keyset pagination over (created_at DESC, id DESC): stable under concurrent inserts, no OFFSET scans. */
export interface Cursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  const [createdAt, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw DomainError.validation([{ field: 'cursor', reason: 'not a cursor from a previous page' }]);
  }
  return { createdAt, id };
}

/** Appends the keyset condition and returns the next parameter index. */
export function cursorCondition(
  cursor: Cursor | null,
  alias: string,
  where: string[],
  params: unknown[],
): void {
  if (!cursor) return;
  params.push(cursor.createdAt, cursor.id);
  where.push(
    `(${alias}.created_at, ${alias}.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
  );
}

/** Cuts a keyset query that fetched `limit + 1` rows into a page and the cursor of the next one. */
export function toPage<T extends { createdAt: string; id: string }>(
  rows: T[],
  limit: number,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The keyset condition as one more `AND` of a SqlFilter (newest first: created_at DESC, id DESC). */
export function addKeysetCondition(filter: SqlFilter, cursor: Cursor | null, alias: string): void {
  if (!cursor) return;
  const createdAt = filter.param(cursor.createdAt);
  const id = filter.param(cursor.id);
  filter.addRaw(`(${alias}.created_at, ${alias}.id) < (${createdAt}::timestamptz, ${id}::uuid)`);
}

/**
 * Keyset pagination over one unique key, for tables without (created_at, uuid id): a bigserial id
 * newest first (alerts, dead letters), a text key in order (devices), a composite key written as text
 * (a track's time and sequence). The cursor carries the last item's key; `pattern` says what a key
 * looks like, so a forged cursor is a 400 before it reaches a cast in SQL.
 */
export function encodeKeyCursor(key: string): string {
  return Buffer.from(`k|${key}`).toString('base64url');
}

export function decodeKeyCursor(value: string | undefined, pattern: RegExp): string | null {
  if (!value) return null;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const key = text.startsWith('k|') ? text.slice(2) : '';
  if (!pattern.test(key)) {
    throw DomainError.validation([{ field: 'cursor', reason: 'not a cursor from a previous page' }]);
  }
  return key;
}

/** Cuts a keyset query that fetched `limit + 1` rows into a page and the cursor (the last key) of the next one. */
export function toKeyPage<T>(
  rows: T[],
  limit: number,
  keyOf: (item: T) => string,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeKeyCursor(keyOf(last)) : null };
}

/** A bigserial id as a cursor key: digits that fit in int8 (18 of them is far beyond any table). */
export const SERIAL_KEY = /^(0|[1-9]\d{0,17})$/;
