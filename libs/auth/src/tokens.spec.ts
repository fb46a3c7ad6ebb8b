import { issueToken, verifyToken } from './tokens';

const options = { secret: 's'.repeat(32), issuer: 'rural-dispatch' };

describe('tokens', () => {
  it('round-trips a principal', () => {
    const staffId = '6b1f3c52-7a43-4f57-9d0c-2f0e6cbb0a11';
    const token = issueToken({ sub: 'alice', role: 'courier', staffId }, options);
    expect(verifyToken(token, options)).toEqual({ sub: 'alice', role: 'courier', staffId });
  });

  it('treats a token whose staff id is not a UUID as invalid (it would reach SQL)', () => {
    const token = issueToken({ sub: 'alice', role: 'courier', staffId: 'c-1' }, options);
    expect(verifyToken(token, options)).toBeNull();
  });

  it('rejects a token signed with another secret, another issuer, or expired', () => {
    const token = issueToken({ sub: 'alice', role: 'admin' }, options);
    expect(verifyToken(token, { ...options, secret: 't'.repeat(32) })).toBeNull();
    expect(verifyToken(token, { ...options, issuer: 'other' })).toBeNull();
    const expired = issueToken({ sub: 'alice', role: 'admin' }, { ...options, expiresInS: -10 });
    expect(verifyToken(expired, options)).toBeNull();
    expect(verifyToken('not-a-token', options)).toBeNull();
  });
});
