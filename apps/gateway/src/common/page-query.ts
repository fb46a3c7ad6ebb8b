import { queryNumber } from '@rd/domain';
import { z } from 'zod';

/** `?limit=` and `?cursor=` of every gateway list (issue 13): pages of at most 500, 100 by default. */
export const pageQueryFields = {
  limit: queryNumber(z.number().int().min(1).max(500).default(100)),
  cursor: z.string().max(200).optional(),
};

export type { Page } from '@rd/database';
