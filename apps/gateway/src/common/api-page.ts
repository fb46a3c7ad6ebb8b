import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';

/** OpenAPI entry of a paged list: `limit` and `cursor`, and the `{ items, nextCursor }` answer. */
export function ApiPage(summary: string) {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiQuery({ name: 'limit', required: false, description: 'Items per page: 1 to 500, default 100.' }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description: 'The `nextCursor` of the previous page; omitted for the first page.',
    }),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { type: 'object' } },
          nextCursor: {
            type: 'string',
            nullable: true,
            description: 'Cursor of the next page; null on the last page.',
          },
        },
      },
    }),
  );
}
