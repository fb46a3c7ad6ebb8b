/**
 * Errors the domain and services raise. Each transport maps every code exhaustively
 * (HTTP → status, Bull → retry or not), so a new code cannot be forgotten.
 */
export enum DomainErrorCode {
  Validation = 'validation_failed',
  NotFound = 'not_found',
  IllegalTransition = 'illegal_transition',
  Conflict = 'conflict',
  IdempotencyMismatch = 'idempotency_key_reused',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  PayloadTooLarge = 'payload_too_large',
  Unavailable = 'unavailable',
  RateLimited = 'rate_limited',
}

export interface ErrorDetail {
  /** Dotted path of the offending field (`recipient.location.1`, `rows[12].weightG`). */
  field: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra machine-readable context (e.g. the current state and the allowed next ones). */
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(details: ErrorDetail[], message = 'the request is not valid'): DomainError {
    return new DomainError(DomainErrorCode.Validation, message, details);
  }

  static notFound(what: string, id: string): DomainError {
    return new DomainError(DomainErrorCode.NotFound, `${what} ${id} not found`);
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
