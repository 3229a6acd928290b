import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import type { AppConfig } from '@/config';
import { AccessTokenService } from './access-token.service';
import type { ApiKeysService } from './api-keys.service';
import { Authenticator } from './authenticator.service';
import type { Principal } from '@/access/principal';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { ParleyJwtStrategy } from './strategies/parley-jwt.strategy';
import type { UserPrincipals, UserSession } from './user-principals.service';
import { Unauthenticated } from './auth.exception';

const ISSUER = 'https://parley.test';
const SECRET = 'a-test-secret-that-is-long-enough-for-hs256-000000';
const config = {
  dataDir: '/nonexistent',
  auth: { jwtSecret: SECRET, jwtIssuer: ISSUER, accessTokenTtlSeconds: 900 },
} as unknown as AppConfig;

const request = (headers: Record<string, string>): FastifyRequest => ({ headers }) as unknown as FastifyRequest;
const bearer = (token: string): FastifyRequest => request({ authorization: `Bearer ${token}` });

function setup() {
  const accessTokens = new AccessTokenService(config);
  const sessions: UserSession[] = [];
  const of = jest.fn(async (session: UserSession): Promise<Principal> => {
    sessions.push(session);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    return {
      kind: 'user',
      userId: session.userId,
      superAdmin: false,
      sessionId: session.sessionId,
      via: session.via,
      memberships: new Map(),
    };
  });
  const principals = { of } as unknown as UserPrincipals;
  const authenticateKey = jest.fn<Promise<Principal>, [string]>();
  const apiKeys = { authenticate: authenticateKey } as unknown as ApiKeysService;
  const authenticator = new Authenticator(
    accessTokens,
    new ApiKeyStrategy(apiKeys),
    new ParleyJwtStrategy(accessTokens, principals),
    null,
  );
  return { accessTokens, authenticator, authenticateKey, of, sessions };
}

const key = new TextEncoder().encode(SECRET);
const mint = (
  options: { alg?: string; typ?: string; iss?: string; sub?: string; sid?: unknown; exp?: string; jti?: boolean } = {},
) => {
  const jwt = new SignJWT({ sid: options.sid === undefined ? randomUUID() : options.sid })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.iss ?? ISSUER)
    .setSubject(options.sub ?? randomUUID())
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m');
  if (options.jti !== false) jwt.setJti(randomUUID());
  return jwt.sign(key);
};

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof Unauthenticated ? error.code : `other: ${String(error)}`),
  );

describe('Authenticator (Passport strategies)', () => {
  it('answers no principal without credentials', async () => {
    await expect(setup().authenticator.authenticate(request({}))).resolves.toBeUndefined();
  });

  it('verifies our own tokens with parley-jwt and builds the principal from sub and sid', async () => {
    const { accessTokens, authenticator, sessions } = setup();
    const userId = randomUUID();
    const sessionId = randomUUID();
    const { token } = await accessTokens.sign(userId, sessionId);
    await expect(authenticator.authenticate(bearer(token))).resolves.toMatchObject({ kind: 'user', userId, sessionId });
    expect(sessions).toEqual([{ userId, sessionId, via: 'local', issuedAt: undefined }]);
  });

  it('keeps concurrent requests apart (one strategy object per request)', async () => {
    const { accessTokens, authenticator } = setup();
    const users = Array.from({ length: 20 }, () => randomUUID());
    const tokens = await Promise.all(users.map(async (u) => (await accessTokens.sign(u, randomUUID())).token));
    const principals = await Promise.all(tokens.map((t) => authenticator.authenticate(bearer(t))));
    expect(principals.map((p) => (p?.kind === 'user' ? p.userId : undefined))).toEqual(users);
  });

  it('answers the coded 401s, not a bare one', async () => {
    const { authenticator, of } = setup();
    const auth = (token: string | Promise<string>) =>
      Promise.resolve(token).then((t) => authenticator.authenticate(bearer(t)));
    await expect(code(auth(mint({ exp: '-10s' })))).resolves.toBe('auth.token_expired');
    await expect(code(auth(mint({ alg: 'HS512' })))).resolves.toBe('auth.invalid_token');
    await expect(code(auth(mint({ typ: 'JWT' })))).resolves.toBe('auth.invalid_token');
    await expect(code(auth(mint({ sub: 'not-a-uuid' })))).resolves.toBe('auth.invalid_token');
    await expect(code(auth(mint({ sid: 42 })))).resolves.toBe('auth.invalid_token');
    await expect(code(auth(mint({ jti: false })))).resolves.toBe('auth.invalid_token');
    const [header, payload] = (await mint()).split('.');
    await expect(code(auth(`${header}.${payload}.${'A'.repeat(43)}`))).resolves.toBe('auth.invalid_token');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    await expect(code(auth(`${none}.${payload}.`))).resolves.toBe('auth.invalid_token');
    expect(of).not.toHaveBeenCalled();
  });

  it('refuses issuers it does not know, and tokens that are not JWTs', async () => {
    const { authenticator } = setup();
    await expect(code(authenticator.authenticate(bearer(await mint({ iss: 'https://evil.test' }))))).resolves.toBe(
      'auth.unknown_issuer',
    );
    await expect(code(authenticator.authenticate(bearer('nope')))).resolves.toBe('auth.unknown_issuer');
    await expect(code(authenticator.authenticate(request({ authorization: 'Basic abc' })))).resolves.toBe(
      'auth.invalid_authorization',
    );
  });

  it('sends API keys (X-Api-Key or a pk_ bearer) to the api-key strategy only', async () => {
    const { authenticator, authenticateKey, of } = setup();
    const principal: Principal = {
      kind: 'api_key',
      apiKeyId: 'k',
      organizationId: 'o',
      role: 'agent',
      superAdmin: false,
    };
    authenticateKey.mockResolvedValue(principal);
    await expect(authenticator.authenticate(request({ 'x-api-key': 'pk_abc' }))).resolves.toBe(principal);
    await expect(authenticator.authenticate(bearer('pk_def'))).resolves.toBe(principal);
    expect(authenticateKey.mock.calls).toEqual([['pk_abc'], ['pk_def']]);
    authenticateKey.mockRejectedValue(new Unauthenticated('auth.api_key_revoked', 'revoked'));
    await expect(code(authenticator.authenticate(bearer('pk_ghi')))).resolves.toBe('auth.api_key_revoked');
    expect(of).not.toHaveBeenCalled();
  });

  it('passes errors of validate() through unchanged (session ended, outages)', async () => {
    const { accessTokens, authenticator, of } = setup();
    const { token } = await accessTokens.sign(randomUUID(), randomUUID());
    of.mockRejectedValueOnce(new Unauthenticated('auth.session_ended', 'ended'));
    await expect(code(authenticator.authenticate(bearer(token)))).resolves.toBe('auth.session_ended');
    const outage = new Error('database down');
    of.mockRejectedValueOnce(outage);
    await expect(authenticator.authenticate(bearer(token))).rejects.toBe(outage);
  });
});
