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
