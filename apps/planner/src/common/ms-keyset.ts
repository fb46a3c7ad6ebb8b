import { type Cursor, encodeCursor, type SqlFilter } from '@rd/database';

/**
 * Keyset pages (newest first) over a timestamp column and the id, compared at millisecond precision.
 * Why not `addKeysetCondition` as it is: PostgreSQL keeps microseconds, a JavaScript Date (and so
 * the cursor) only milliseconds, so a row stored later in the same millisecond as a page's last row
 * would fall between pages. Truncating the column to the cursor's precision makes the order and
 * the condition agree.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The ORDER BY of such a page. */
export function msKeysetOrder(timeColumn: string, idColumn: string): string {
  return `date_trunc('milliseconds', ${timeColumn}) DESC, ${idColumn} DESC`;
}

/** The condition "after the cursor" as one more `AND` of the filter. */
export function addMsKeysetCondition(
  filter: SqlFilter,
  cursor: Cursor | null,
  timeColumn: string,
  idColumn: string,
): void {
  if (!cursor) return;
  const at = filter.param(cursor.createdAt);
  const id = filter.param(cursor.id);
  filter.addRaw(
    `(date_trunc('milliseconds', ${timeColumn}), ${idColumn}) < (${at}::timestamptz, ${id}::uuid)`,
  );
}

/** Cuts `limit + 1` fetched items into a page and the cursor of the next one. */
export function toMsPage<T extends { id: string }>(
  items: T[],
  limit: number,
  timeOf: (item: T) => string,
): Page<T> {
  const page = items.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: items.length > limit && last ? encodeCursor({ createdAt: timeOf(last), id: last.id }) : null,
  };
}
