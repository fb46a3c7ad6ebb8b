import { assertUnreachable, DomainError, DomainErrorCode } from './domain-error';

/** What a queue does with a job that failed: run it again after a back-off, or give up now. */
export type QueueDecision = 'retry' | 'give_up';

/**
 * Every domain error code mapped to a queue decision, exhaustively (like `httpStatusOf` for HTTP):
 * a job is retried only when its failure can pass on retry.
 */
export function queueDecisionOf(code: DomainErrorCode): QueueDecision {
  switch (code) {
    // The same job meets the same input, rows or rights again: retrying cannot help.
    case DomainErrorCode.Validation:
    case DomainErrorCode.NotFound:
    case DomainErrorCode.IllegalTransition:
    case DomainErrorCode.IdempotencyMismatch:
    case DomainErrorCode.Unauthenticated:
    case DomainErrorCode.Forbidden:
    case DomainErrorCode.PayloadTooLarge:
      return 'give_up';
    // A concurrent change or a resource that is not there yet (a map being imported, a busy region).
    case DomainErrorCode.Conflict:
    case DomainErrorCode.Unavailable:
    case DomainErrorCode.RateLimited:
      return 'retry';
    default:
      return assertUnreachable(code);
  }
}

/** Errors that are not domain errors (a lost connection, a bug) are retried: the queue's attempts bound them. */
export function queueDecisionOfError(error: unknown): QueueDecision {
  return error instanceof DomainError ? queueDecisionOf(error.code) : 'retry';
}
