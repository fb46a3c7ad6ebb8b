import { DomainError, DomainErrorCode } from './domain-error';
import { queueDecisionOf, queueDecisionOfError } from './queue-decision';

describe('queue decision of a failed job', () => {
  it('decides every domain error code', () => {
    for (const code of Object.values(DomainErrorCode)) {
      expect(['retry', 'give_up']).toContain(queueDecisionOf(code));
    }
  });

  it('gives up on failures that recur, retries transient ones and unknown errors', () => {
    expect(queueDecisionOfError(DomainError.notFound('region', 'atlantis'))).toBe('give_up');
    expect(queueDecisionOfError(DomainError.validation([]))).toBe('give_up');
    expect(queueDecisionOfError(new DomainError(DomainErrorCode.Unavailable, 'no map yet'))).toBe('retry');
    expect(queueDecisionOfError(new DomainError(DomainErrorCode.Conflict, 'region busy'))).toBe('retry');
    expect(queueDecisionOfError(new Error('connection reset'))).toBe('retry');
  });
});
