import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { queryNumber } from '@rd/domain';
import { ZodPipe } from '@rd/http';
import { z } from 'zod';

/** `?limit=` (default 100, at most 500: more is a 400) and `?cursor=` of a keyset-paged list. */
export const keysetPageQuery = z.object({
  limit: queryNumber(z.number().int().min(1).max(500).default(100)),
  cursor: z.string().max(200).optional(),
});
export type KeysetPageQuery = z.infer<typeof keysetPageQuery>;

export class KeysetPageQueryPipe extends ZodPipe<typeof keysetPageQuery> {
  constructor() {
    super(keysetPageQuery, 'the query');
  }
}

export type { Page } from '@rd/database';

/** OpenAPI entries of a paged list: its two query parameters and the `{ items, nextCursor }` answer. */
export function ApiKeysetPage(itemsDescription: string): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: 'items per page, 1–500 (default 100)' }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'nextCursor of the previous page; omit for the first page',
    }),
    ApiOkResponse({
      description: `a page of ${itemsDescription}`,
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { type: 'object' } },
          nextCursor: { type: 'string', nullable: true, description: 'null on the last page' },
        },
      },
    }),
  );
}
