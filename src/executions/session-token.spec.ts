import { SessionTokens } from './session-token';

describe('SessionTokens', () => {
  const tokens = new SessionTokens(Buffer.from('a'.repeat(32)));
  const id = '01a2041e-b490-7476-81b8-ef6020c00b0d';

  it('round-trips a session id', () => {
    const token = tokens.sign(id);
    expect(token).toMatch(/^pst_01a2041e-b490-7476-81b8-ef6020c00b0d\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token)).toBe(id);
  });

  it('refuses forged, foreign-secret and malformed tokens', () => {
    const token = tokens.sign(id);
    expect(tokens.verify(token.replace(id, '01a2041e-b490-7476-81b8-ef6020c00b0e'))).toBeUndefined();
    expect(new SessionTokens(Buffer.from('b'.repeat(32))).verify(token)).toBeUndefined();
    expect(tokens.verify(undefined)).toBeUndefined();
    expect(tokens.verify('pst_nope')).toBeUndefined();
  });
});
