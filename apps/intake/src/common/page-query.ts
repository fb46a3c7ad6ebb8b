import { pageQuerySchema, queryNumber } from '@rd/domain';
import { z } from 'zod';

/** `?limit=` (default 100, at most 500) and `?cursor=` of a keyset-paged list. */
export const listPageQuerySchema = pageQuerySchema.extend({
  limit: queryNumber(z.number().int().min(1).max(500).default(100)),
});
export type ListPageQuery = z.infer<typeof listPageQuerySchema>;
