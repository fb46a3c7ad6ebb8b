import { z } from 'zod';

/** The OpenAPI body schema of a message, generated from the one Zod schema that validates it. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete generated.$schema;
  return generated;
}
