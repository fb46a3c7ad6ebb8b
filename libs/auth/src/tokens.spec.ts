import { issueToken, verifyToken } from './tokens';

const options = { secret: 's'.repeat(32), issuer: 'rural-dispatch' };

describe('tokens', () => {
  it('round-trips a principal', () => {
    const token = issueToken({ sub: 'alice', role: 'courier', staffId: 'c-1' }, options);
    expect(verifyToken(token, options)).toEqual({ sub: 'alice', role: 'courier', staffId: 'c-1' });
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
