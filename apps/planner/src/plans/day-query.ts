import { ZodPipe } from '@rd/http';
import { z } from 'zod';

/**
 * The service day (UTC date) a plan route acts on. Without it: the first day from today (UTC) on
 * with a current (or, for what leaves a hub, committed) plan, else the latest earlier day with one.
 */
export const day = z.iso.date('must be a date (YYYY-MM-DD)').optional();
export const dayQuery = z.object({ day });

export class DayQueryPipe extends ZodPipe<typeof dayQuery> {
  constructor() {
    super(dayQuery, 'the query');
  }
}
