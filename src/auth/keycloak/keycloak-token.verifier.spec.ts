import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { KeycloakConfig } from '@/config/app-config';
import { FakeKeycloak } from '../../../test/support/fake-keycloak';
import {
  createKeycloakTokenVerifier,
  KEYCLOAK_CONFIG,
  KeycloakTokenVerifier,
  type KeycloakVerifierOptions,
} from './keycloak-token.verifier';

const invalid = { code: 'auth.invalid_token', status: 401 };
const expired = { code: 'auth.token_expired', status: 401 };
const revoked = { code: 'auth.token_revoked', status: 401 };
const unavailable = { code: 'auth.sso_unavailable', status: 503 };

describe('KeycloakTokenVerifier', () => {
  let kc: FakeKeycloak;
  let warn: jest.SpyInstance;
  const verifier = (overrides: Partial<KeycloakConfig> = {}, options: KeycloakVerifierOptions = {}) =>
    createKeycloakTokenVerifier(kc.keycloakConfig(overrides), options);

  beforeEach(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    kc = new FakeKeycloak();
    await kc.start();
  });

  afterEach(async () => {
    warn.mockRestore();
    await kc.stop();
  });

  describe('access tokens', () => {
    it('accepts a valid RS256 token and maps its claims', async () => {
      const token = await kc.mintAccessToken({
        subject: 'user-1',
        sessionId: 'sid-1',
        email: 'ada@example.com',
        clientRoles: ['super_admin', 'agent'],
        organization: { acme: { id: 'org-1' } },
      });
      const identity = await verifier().verify(token);
      expect(identity).toMatchObject({
        issuer: kc.issuer,
        subject: 'user-1',
        sessionId: 'sid-1',
        email: 'ada@example.com',
        emailVerified: true,
        superAdmin: true,
        organizations: [{ slug: 'acme', role: 'agent', keycloakId: 'org-1' }],
      });
      expect(kc.requests.jwks).toBe(1);
    });

    it('maps the list-shaped organization claim and groups end to end', async () => {
      const listToken = await kc.mintAccessToken({ organization: ['acme', 'globex'], clientRoles: ['org_admin'] });
      expect((await verifier().verify(listToken)).organizations).toEqual([
        { slug: 'acme', role: 'org_admin' },
        { slug: 'globex', role: 'org_admin' },
      ]);
      const groupsToken = await kc.mintAccessToken({ groups: ['/orgs/acme/agent', '/orgs/globex/viewer', '/x'] });
      expect((await verifier({ orgSource: 'groups' }).verify(groupsToken)).organizations).toEqual([
        { slug: 'acme', role: 'agent' },
        { slug: 'globex', role: 'viewer' },
      ]);
    });

    it.each(['ES256', 'PS256'] as const)('accepts %s when configured', async (alg) => {
      await kc.useAlgorithm(alg);
      const token = await kc.mintAccessToken({ subject: `user-${alg}` });
      await expect(verifier({ algorithms: [alg] }).verify(token)).resolves.toMatchObject({ subject: `user-${alg}` });
      await expect(verifier({ algorithms: ['RS256', alg] }).verify(token)).resolves.toBeDefined();
    });

    it('refuses an algorithm outside the pinned list without fetching keys', async () => {
      const es256 = await kc.mintAccessToken({ algorithm: 'ES256' });
      await expect(verifier({ algorithms: ['RS256'] }).verify(es256)).rejects.toMatchObject(invalid);
      const ps256 = await kc.mintAccessToken({ algorithm: 'PS256' });
      await expect(verifier({ algorithms: ['RS256'] }).verify(ps256)).rejects.toMatchObject(invalid);
      const eddsa = await kc.mintAccessToken({ algorithm: 'EdDSA' });
      await expect(verifier({ algorithms: ['RS256', 'ES256'] }).verify(eddsa)).rejects.toMatchObject(invalid);
      expect(kc.requests.jwks).toBe(0);
    });

    it('refuses a refresh-shaped HS512 token and an unsigned token', async () => {
      const refresh = await kc.mintAccessToken({ algorithm: 'HS512', typ: 'Refresh' });
      await expect(verifier().verify(refresh)).rejects.toMatchObject(invalid);
      const [, payload] = (await kc.mintAccessToken()).split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      await expect(verifier().verify(none)).rejects.toMatchObject(invalid);
    });

    it('refuses garbage', async () => {
      await expect(verifier().verify('not-a-jwt')).rejects.toMatchObject(invalid);
      await expect(verifier().verify('a.b.c')).rejects.toMatchObject(invalid);
    });

    it('refuses a wrong issuer', async () => {
      const token = await kc.mintAccessToken({ claims: { iss: `${kc.endpoints.url}/realms/other` } });
      await expect(verifier().verify(token)).rejects.toMatchObject(invalid);
      const noIss = await kc.mintAccessToken({ claims: { iss: undefined } });
      await expect(verifier().verify(noIss)).rejects.toMatchObject(invalid);
    });

    it('refuses a token signed by another issuer with the same claims', async () => {
      const other = new FakeKeycloak();
      await other.start();
      try {
        const token = await other.mintAccessToken({ claims: { iss: kc.issuer } });
        await expect(verifier().verify(token)).rejects.toMatchObject(invalid);
      } finally {
        await other.stop();
      }
    });

    it('checks the audience: aud contains it, or azp equals it', async () => {
      const v = verifier();
      const wrong = await kc.mintAccessToken({ audience: ['account', 'other-api'], azp: 'other-client' });
      await expect(v.verify(wrong)).rejects.toMatchObject(invalid);
      const noAud = await kc.mintAccessToken({ audience: [], azp: 'other-client' });
      await expect(v.verify(noAud)).rejects.toMatchObject(invalid);
      const byAud = await kc.mintAccessToken({ audience: kc.audience, azp: 'parley-dashboard' });
      await expect(v.verify(byAud)).resolves.toBeDefined();
      const byAzp = await kc.mintAccessToken({ audience: 'account', azp: kc.audience });
      await expect(v.verify(byAzp)).resolves.toBeDefined();
    });

    it('refuses an expired token and accepts one within the 30 s tolerance', async () => {
      const v = verifier();
      await expect(v.verify(await kc.mintAccessToken({ expired: true }))).rejects.toMatchObject(expired);
      await expect(v.verify(await kc.mintAccessToken({ expiresIn: -10 }))).resolves.toBeDefined();
      await expect(v.verify(await kc.mintAccessToken({ claims: { exp: undefined } }))).rejects.toMatchObject(invalid);
    });

    it.each([
      ['ID', { typ: 'ID' }],
      ['Refresh', { typ: 'Refresh' }],
      ['Logout', { typ: 'Logout' }],
      ['missing', { claims: { typ: undefined } }],
      ['lower-case', { typ: 'bearer' }],
    ])('refuses typ %s', async (_name, options) => {
      await expect(verifier().verify(await kc.mintAccessToken(options))).rejects.toMatchObject(invalid);
    });

    it('refuses a token without a subject', async () => {
      await expect(verifier().verify(await kc.mintAccessToken({ claims: { sub: undefined } }))).rejects.toMatchObject(
        invalid,
      );
    });

    it('refuses a forged signature under a published kid', async () => {
      const token = await kc.mintAccessToken({ signWith: 'unpublished', kid: kc.currentKid });
      await expect(verifier().verify(token)).rejects.toMatchObject(invalid);
    });

    it('ignores the encryption key Keycloak also publishes', async () => {
      expect(kc.jwks().keys.some((key) => key.use === 'enc')).toBe(true);
      await expect(verifier().verify(await kc.mintAccessToken({ kid: null }))).resolves.toBeDefined();
    });
  });

  describe('keys', () => {
    it('accepts a rotated key (new kid) after refetching the JWKS', async () => {
      const v = verifier({}, { jwksCooldownMs: 0 });
      const before = await kc.mintAccessToken();
      await v.verify(before);
      const newKid = await kc.rotateKeys();
      const after = await kc.mintAccessToken();
      expect(kc.currentKid).toBe(newKid);
      await expect(v.verify(after)).resolves.toBeDefined();
      await expect(v.verify(before)).resolves.toBeDefined();
      expect(kc.requests.jwks).toBe(2);
    });

    it('accepts a rotation to another algorithm that is pinned', async () => {
      const v = verifier({ algorithms: ['RS256', 'ES256'] }, { jwksCooldownMs: 0 });
      await v.verify(await kc.mintAccessToken());
      await kc.rotateKeys('ES256', { keepOld: false });
      await expect(v.verify(await kc.mintAccessToken())).resolves.toBeDefined();
    });

    it('refuses an unknown kid whose key is not published', async () => {
      const v = verifier({}, { jwksCooldownMs: 0 });
      await v.verify(await kc.mintAccessToken());
      await expect(v.verify(await kc.mintAccessToken({ signWith: 'unpublished' }))).rejects.toMatchObject(invalid);
      expect(kc.requests.jwks).toBe(2);
    });

    it('refetches for unknown kids at most once per cooldown', async () => {
      const v = verifier({}, { jwksCooldownMs: 60_000 });
      await v.verify(await kc.mintAccessToken());
      const strangers = await Promise.all([1, 2, 3, 4, 5].map(() => kc.mintAccessToken({ signWith: 'unpublished' })));
      for (const token of strangers) await expect(v.verify(token)).rejects.toMatchObject(invalid);
      await kc.rotateKeys();
      const rotated = await kc.mintAccessToken();
      await expect(v.verify(rotated)).rejects.toMatchObject(invalid); // still cooling down
      expect(kc.requests.jwks).toBe(1);

      const realNow = Date.now.bind(Date);
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 61_000);
      try {
        await expect(v.verify(rotated)).resolves.toBeDefined();
        expect(kc.requests.jwks).toBe(2);
        for (const token of strangers) await expect(v.verify(token)).rejects.toMatchObject(invalid);
        expect(kc.requests.jwks).toBe(2);
      } finally {
        clock.mockRestore();
      }
    });
  });

  describe('Keycloak down', () => {
    it.each(['unavailable', 'reset', 'hang'] as const)('answers auth.sso_unavailable when it is %s', async (mode) => {
      kc.setDown(true, mode);
      const token = await kc.mintAccessToken();
      await expect(verifier({}, { httpTimeoutMs: 300 }).verify(token)).rejects.toMatchObject(unavailable);
      expect(kc.requests.jwks).toBeGreaterThanOrEqual(1);
    });

    it('answers auth.sso_unavailable when nothing listens', async () => {
      const token = await kc.mintAccessToken();
      const v = verifier();
      await kc.stop();
      await expect(v.verify(token)).rejects.toMatchObject(unavailable);
    });

    it('keeps verifying with cached keys while Keycloak is down', async () => {
      const v = verifier({}, { jwksCooldownMs: 0 });
      await v.verify(await kc.mintAccessToken());
      kc.setDown(true);
      await expect(v.verify(await kc.mintAccessToken())).resolves.toBeDefined();
      await expect(v.verify(await kc.mintAccessToken({ expired: true }))).rejects.toMatchObject(expired);
      // An unknown kid cannot be decided without Keycloak.
      await expect(v.verify(await kc.mintAccessToken({ signWith: 'unpublished' }))).rejects.toMatchObject(unavailable);
      kc.setDown(false);
      await expect(v.verify(await kc.mintAccessToken({ signWith: 'unpublished' }))).rejects.toMatchObject(invalid);
    });

    it('logs the outage at most once per 30 s, without the token', async () => {
      let now = Date.now();
      const v = verifier({}, { now: () => now });
      kc.setDown(true);
      const token = await kc.mintAccessToken();
      await expect(v.verify(token)).rejects.toMatchObject(unavailable);
      await expect(v.verify(token)).rejects.toMatchObject(unavailable);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toContain('HTTP response');
      expect(String(warn.mock.calls[0]?.[0])).not.toContain(token.split('.')[1]);
      now += 31_000;
      await expect(v.verify(token)).rejects.toMatchObject(unavailable);
      expect(warn).toHaveBeenCalledTimes(2);
    });

    it('does not contact Keycloak when constructed', async () => {
      verifier({ introspection: { enabled: true, clientSecret: kc.clientSecret, cacheSeconds: 5 } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(kc.requests).toEqual({ discovery: 0, jwks: 0, introspection: 0 });
    });
  });

  describe('strict mode (introspection)', () => {
    let now: number;
    const strict = (cacheSeconds = 5, clientSecret = kc.clientSecret) =>
      verifier({ introspection: { enabled: true, clientSecret, cacheSeconds } }, { now: () => now });

    beforeEach(() => {
      now = Date.now();
    });

    it('accepts an active token, authenticating with client_secret_basic, and caches the answer', async () => {
      const v = strict();
      const token = await kc.mintAccessToken();
      await expect(v.verify(token)).resolves.toBeDefined();
      await expect(v.verify(token)).resolves.toBeDefined();
      expect(kc.requests.introspection).toBe(1);
      expect(kc.lastIntrospectionAuth).toBe('client_secret_basic');
      await v.verify(await kc.mintAccessToken());
      expect(kc.requests.introspection).toBe(2);
      expect(kc.requests.discovery).toBe(1);
    });

    it('refuses a token revoked by jti or by sid', async () => {
      const v = strict();
      const byJti = await kc.mintAccessToken({ jti: 'jti-revoked' });
      kc.revoke('jti-revoked');
      await expect(v.verify(byJti)).rejects.toMatchObject(revoked);
      const bySid = await kc.mintAccessToken({ sessionId: 'sid-revoked' });
      kc.revoke('sid-revoked');
      await expect(v.verify(bySid)).rejects.toMatchObject(revoked);
    });

    it('reuses a cached answer for cacheSeconds, then asks again', async () => {
      const v = strict(5);
      const token = await kc.mintAccessToken({ jti: 'jti-later-revoked' });
      await v.verify(token);
      kc.revoke('jti-later-revoked');
      now += 4_000;
      await expect(v.verify(token)).resolves.toBeDefined();
      expect(kc.requests.introspection).toBe(1);
      now += 2_000;
      await expect(v.verify(token)).rejects.toMatchObject(revoked);
      await expect(v.verify(token)).rejects.toMatchObject(revoked);
      expect(kc.requests.introspection).toBe(2);
    });

    it('asks every time when cacheSeconds is 0, but shares concurrent requests', async () => {
      const v = strict(0);
      const token = await kc.mintAccessToken();
      await v.verify(token);
      await v.verify(token);
      expect(kc.requests.introspection).toBe(2);
      await Promise.all([v.verify(token), v.verify(token), v.verify(token)]);
      expect(kc.requests.introspection).toBe(3);
    });

    it('does not introspect a token that fails local verification', async () => {
      const v = strict();
      await expect(v.verify(await kc.mintAccessToken({ typ: 'ID' }))).rejects.toMatchObject(invalid);
      expect(kc.requests.introspection).toBe(0);
    });

    it('answers auth.sso_unavailable when introspection fails (wrong secret, Keycloak down)', async () => {
      await expect(strict(5, 'wrong-secret').verify(await kc.mintAccessToken())).rejects.toMatchObject(unavailable);
      const v = strict();
      await v.verify(await kc.mintAccessToken());
      kc.setDown(true);
      await expect(v.verify(await kc.mintAccessToken())).rejects.toMatchObject(unavailable);
      kc.setDown(false);
      await expect(v.verify(await kc.mintAccessToken())).resolves.toBeDefined();
    });
  });

  it('fake issuer: discovery names the issuer; introspection takes client_secret_post and refuses bad clients', async () => {
    const discovery = (await (await fetch(kc.endpoints.discoveryUrl)).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(kc.issuer);
    expect(discovery.introspection_endpoint).toBe(kc.endpoints.introspectionUrl);
    const token = await kc.mintAccessToken({ jti: 'jti-post' });
    const introspect = (clientSecret: string) =>
      fetch(kc.endpoints.introspectionUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: kc.clientId, client_secret: clientSecret }).toString(),
      });
    const ok = await introspect(kc.clientSecret);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ active: true, jti: 'jti-post', token_type: 'Bearer' });
    expect(kc.lastIntrospectionAuth).toBe('client_secret_post');
    expect((await introspect('wrong')).status).toBe(401);
    kc.revoke('jti-post');
    expect(await (await introspect(kc.clientSecret)).json()).toEqual({ active: false });
  });

  it('is injectable with Nest', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [KeycloakTokenVerifier, { provide: KEYCLOAK_CONFIG, useValue: kc.keycloakConfig() }],
    }).compile();
    const v = moduleRef.get(KeycloakTokenVerifier);
    await expect(v.verify(await kc.mintAccessToken({ subject: 'nest-user' }))).resolves.toMatchObject({
      subject: 'nest-user',
    });
    expect(v.handles(await kc.mintAccessToken())).toBe(true);
    expect(v.handles('opaque-api-key')).toBe(false);
    await moduleRef.close();
  });
});
