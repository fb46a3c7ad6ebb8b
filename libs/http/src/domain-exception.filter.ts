import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError, DomainErrorCode, assertUnreachable, ErrorDetail } from '@rd/domain';

/** Every domain code has exactly one HTTP status. */
export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case DomainErrorCode.Validation:
      return 400;
    case DomainErrorCode.Unauthenticated:
      return 401;
    case DomainErrorCode.Forbidden:
      return 403;
    case DomainErrorCode.NotFound:
      return 404;
    case DomainErrorCode.IllegalTransition:
    case DomainErrorCode.Conflict:
    case DomainErrorCode.IdempotencyMismatch:
      return 409;
    case DomainErrorCode.PayloadTooLarge:
      return 413;
    case DomainErrorCode.Unavailable:
      return 503;
    case DomainErrorCode.RateLimited:
      return 429;
    default:
      return assertUnreachable(code);
  }
}

const FRAMEWORK_CODES: Record<number, DomainErrorCode> = {
  400: DomainErrorCode.Validation,
  401: DomainErrorCode.Unauthenticated,
  403: DomainErrorCode.Forbidden,
  404: DomainErrorCode.NotFound,
  413: DomainErrorCode.PayloadTooLarge,
  429: DomainErrorCode.RateLimited,
};

interface ErrorBody {
  error: string;
  message: string;
  details: ErrorDetail[];
  [key: string]: unknown;
}

/** Errors from body parsing (too large, bad JSON) arrive as plain errors carrying a status and type. */
function fromParserError(e: unknown): (ErrorBody & { status: number }) | null {
  const err = e as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = err?.status ?? err?.statusCode;
  if (!status || typeof err.type !== 'string') return null;
  if (err.type === 'entity.too.large') {
    return {
      status: 413,
      error: DomainErrorCode.PayloadTooLarge,
      message: 'the request body is too large',
      details: [],
    };
  }
  return {
    status: 400,
    error: DomainErrorCode.Validation,
    message: 'the request body could not be parsed',
    details: [{ field: '(body)', reason: err.message ?? err.type }],
  };
}

/** Maps every error to `{ error, message, details[] }` with the right status; unknown errors are 500 and logged. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(n: number): { json(b: unknown): void } }>();
    if (exception instanceof DomainError) {
      response.status(httpStatusOf(exception.code)).json({
        error: exception.code,
        message: exception.message,
        details: exception.details,
        ...exception.context,
      });
      return;
    }
    const parser = fromParserError(exception);
    if (parser) {
      const { status, ...body } = parser;
      response.status(status).json(body);
      return;
    }
    if (exception instanceof HttpException) {
      // Framework errors (unknown route, body parser) speak the same error format as ours.
      const status = exception.getStatus();
      const code = FRAMEWORK_CODES[status];
      response.status(status).json({
        error: code ?? `http_${status}`,
        message: status === 413 ? 'the request body is too large' : exception.message,
        details: status === 400 ? [{ field: '(body)', reason: exception.message }] : [],
      });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response
      .status(500)
      .json({ error: 'internal_error', message: 'an unexpected error occurred', details: [] });
  }
}
