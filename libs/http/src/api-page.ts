import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * A keyset-paged list in the OpenAPI document: `?limit=` and `?cursor=` in, `{ items, nextCursor }` out
 * (or, for a GeoJSON layer, a FeatureCollection with `nextCursor` beside its features).
 */
export function ApiPage(summary: string, shape: 'items' | 'features' = 'items') {
  const nextCursor: SchemaObject = {
    type: 'string',
    nullable: true,
    description: 'pass as ?cursor= for the next page; null on the last page',
  };
  const schema: SchemaObject =
    shape === 'items'
      ? {
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: { items: { type: 'array', items: { type: 'object' } }, nextCursor },
        }
      : {
          type: 'object',
          required: ['type', 'features', 'nextCursor'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: { type: 'object' } },
            nextCursor,
          },
        };
  return applyDecorators(
    ApiOperation({ summary }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    }),
    ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' } }),
    ApiOkResponse({ schema }),
  );
}
