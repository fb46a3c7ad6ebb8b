import { PipeTransform } from '@nestjs/common';
import { controlCharacterIssues, DomainError, zodDetails } from '@rd/domain';
import type { z } from 'zod';

/** Validates a body or query with the message's one schema; bad input is a 400 naming each field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what = 'the request',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw DomainError.validation(zodDetails(result.error), `${this.what} is not valid`);
    // Checked on every message at once: a NUL byte reaching PostgreSQL was a 500.
    const control = controlCharacterIssues(result.data);
    if (control.length) throw DomainError.validation(control, `${this.what} is not valid`);
    return result.data;
  }
}

/** Parses a path parameter that must be a UUID, so a malformed id is a 400 and not a database error. */
export class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}
  transform(value: string): string {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw DomainError.validation([{ field: this.field, reason: 'must be a UUID' }]);
    }
    return value.toLowerCase();
  }
}
