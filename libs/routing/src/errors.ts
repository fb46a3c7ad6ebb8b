/** Why an input could not be used. Each error names the problem and, where it can, what to do. */
export type RoutingErrorCode =
  | 'file-not-found'
  | 'unsupported-format'
  | 'corrupt-file'
  | 'no-routable-roads'
  | 'unknown-profile'
  | 'bad-profile'
  | 'invalid-coordinate'
  | 'outside-area'
  | 'too-far'
  | 'not-contracted'
  | 'bad-routing-data'
  | 'remote-error';

export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RoutingError';
  }
}
