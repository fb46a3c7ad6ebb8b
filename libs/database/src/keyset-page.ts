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

/** What encodeCursor writes: an ISO time as toISOString gives it and a uuid (anything else is forged). */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CURSOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function decodeCursor(value: string | undefined): Cursor | null {
  if (!value) return null;
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length || !createdAt || !id || !isCursorTime(createdAt) || !CURSOR_ID.test(id)) {
    throw DomainError.validation([{ field: 'cursor', reason: 'not a cursor from a previous page' }]);
  }
  return { createdAt, id };
}

/**
 * A time exactly as encodeCursor wrote it (toISOString, years 0001–9999). Date.parse alone accepts
 * "1", "Tue Mar 01 2022" or February 30th, which PostgreSQL refuses as timestamptz: a 500, not a 400.
 */
function isCursorTime(text: string): boolean {
  const ms = Date.parse(text);
  return (
    CURSOR_TIME.test(text) &&
    !text.startsWith('0000') &&
    !Number.isNaN(ms) &&
    new Date(ms).toISOString() === text
  );
}

/** One page of a list and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How a keyset list is ordered: by a time column, then the uuid `id`; newest first unless `ascending`. */
export interface KeysetOrder {
  /** The time column (default `created_at`). */
  time?: string;
  ascending?: boolean;
}

/** Cuts a keyset query that fetched `limit + 1` rows into a page and the cursor of the next one. */
export function toPage<T extends { id: string }>(
  rows: T[],
  limit: number,
  timeOf: (item: T) => string = (item) => (item as T & { createdAt: string }).createdAt,
): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor({ createdAt: timeOf(last), id: last.id }) : null,
  };
}

/** The ORDER BY of a keyset page over rows of `alias`. */
export function keysetOrderBy(
  alias: string,
  { time = 'created_at', ascending = false }: KeysetOrder = {},
): string {
  const direction = ascending ? 'ASC' : 'DESC';
  return `${alias}.${time} ${direction}, ${alias}.id ${direction}`;
}

/**
 * The keyset condition "after the cursor" as one more `AND` of a SqlFilter, for rows of `table` read
 * as `alias` and ordered by keysetOrderBy with the same `order`.
 *
 * The cursor's time has milliseconds, PostgreSQL's microseconds: compared with it, the rest of a page's
 * last millisecond (every row of one transaction shares its `now()`) would be skipped. So the cursor
 * row's own time is read back by its id (an InitPlan, run once; the index still serves the order).
 * Should that row be gone, the edge of the cursor's millisecond stands in: rows of that millisecond
 * may repeat, none is lost.
 */
export function addKeysetCondition(
  filter: SqlFilter,
  cursor: Cursor | null,
  alias: string,
  table: string,
  { time = 'created_at', ascending = false }: KeysetOrder = {},
): void {
  if (!cursor) return;
  const at = filter.param(cursor.createdAt);
  const id = filter.param(cursor.id);
  const exact = `(SELECT k.${time} FROM ${table} k WHERE k.id = ${id}::uuid)`;
  const edge = ascending ? `${at}::timestamptz` : `${at}::timestamptz + interval '1 millisecond'`;
  filter.addRaw(
    `(${alias}.${time}, ${alias}.id) ${ascending ? '>' : '<'} (COALESCE(${exact}, ${edge}), ${id}::uuid)`,
  );
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
export function toKeyPage<T>(rows: T[], limit: number, keyOf: (item: T) => string): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, nextCursor: more && last !== undefined ? encodeKeyCursor(keyOf(last)) : null };
}

/** A bigserial id as a cursor key: digits that fit in int8 (18 of them is far beyond any table). */
export const SERIAL_KEY = /^(0|[1-9]\d{0,17})$/;
