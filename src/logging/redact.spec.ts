import { QueryFailedError } from 'typeorm';
import { REDACTED, redactUrl, safeError } from './redact';

describe('redactUrl', () => {
  const sessionToken = `pst_0193e7a2-5b1c-7d4e-8f00-1234567890ab.${'a'.repeat(43)}`;

  it('redacts the session token of the Typebot-compatible continueChat route', () => {
    expect(redactUrl(`/api/v1/sessions/${sessionToken}/continueChat`)).toBe(
      `/api/v1/sessions/${REDACTED}/continueChat`,
    );
    // Whatever the client put there: it is its credential.
    expect(redactUrl('/api/v1/sessions/not-even-a-token/continueChat?x=1')).toBe(
      `/api/v1/sessions/${REDACTED}/continueChat?x=1`,
    );
  });

  it('redacts path segments that are our tokens or JWTs, and keeps ids', () => {
    expect(redactUrl(`/api/v1/x/${sessionToken}`)).toBe(`/api/v1/x/${REDACTED}`);
    expect(redactUrl('/api/v1/invitations/inv_abcdef/accept')).toBe(`/api/v1/invitations/${REDACTED}/accept`);
    expect(redactUrl('/api/v1/a/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).toBe(`/api/v1/a/${REDACTED}`);
    expect(redactUrl('/api/v1/sessions/0193e7a2-5b1c-7d4e-8f00-1234567890ab/messages')).toBe(
      '/api/v1/sessions/0193e7a2-5b1c-7d4e-8f00-1234567890ab/messages',
    );
  });

  it('redacts query values of secret names and token-looking values, keeping the rest', () => {
    expect(redactUrl('/x?token=abc&limit=10&access_token=def&Api_Key=ghi')).toBe(
      `/x?token=${REDACTED}&limit=10&access_token=${REDACTED}&Api_Key=${REDACTED}`,
    );
    expect(redactUrl('/x?next=pwr_secret123&cursor=abc')).toBe(`/x?next=${REDACTED}&cursor=abc`);
    expect(redactUrl('/x?%74oken=abc')).toBe(`/x?%74oken=${REDACTED}`);
    expect(redactUrl('/health/live')).toBe('/health/live');
    expect(redactUrl(undefined)).toBeUndefined();
  });
});

describe('safeError', () => {
  it('keeps SQL, codes and the message of a failed query; drops parameters and the failing row', () => {
    const driverError = Object.assign(new Error('null value in column "x" violates not-null constraint'), {
      code: '23502',
      detail: 'Failing row contains (ada@example.com, $argon2id$v=19$secret).',
      where: 'SQL statement with ada@example.com',
      table: 'users',
      column: 'x',
    });
    const error = new QueryFailedError(
      'INSERT INTO users VALUES ($1, $2)',
      ['ada@example.com', '$argon2id$'],
      driverError,
    );
    const safe = safeError(error) as Record<string, unknown>;
    expect(safe).toMatchObject({
      type: 'QueryFailedError',
      message: 'null value in column "x" violates not-null constraint',
      code: '23502',
      query: 'INSERT INTO users VALUES ($1, $2)',
      driverError: { code: '23502', table: 'users', column: 'x' },
    });
    expect(JSON.stringify(safe)).not.toMatch(/ada@example|argon2/);
  });

  it('drops anything else an error carries (entities, session state)', () => {
    const error = Object.assign(new Error('save failed'), {
      entity: { state: { variables: { Email: 'ada@example.com' } } },
      state: 'visitor answers',
      statusCode: 500,
    });
    const safe = safeError(error);
    expect(safe).toEqual({ type: 'Error', name: 'Error', message: 'save failed', stack: error.stack, statusCode: 500 });
    expect(safeError('plain')).toBe('plain');
  });
});
