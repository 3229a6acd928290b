import { randomUUID } from 'node:crypto';
import { FakeKeycloak, type FakeKeycloakEndpoints } from './support/fake-keycloak';
import { register } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

const ssoEnv = (kc: FakeKeycloakEndpoints, extra: Record<string, string> = {}): Record<string, string> => ({
  KEYCLOAK_ISSUER: kc.issuer,
  KEYCLOAK_JWKS_URL: kc.jwksUrl,
  KEYCLOAK_AUDIENCE: kc.audience,
  KEYCLOAK_CLIENT_ID: kc.clientId,
  // No refetch cooldown, so each rotation in these tests is seen at once (production default: 30 s).
  KEYCLOAK_JWKS_COOLDOWN_SECONDS: '0',
  ...extra,
});

describe('Keycloak SSO', () => {
  let kc: FakeKeycloak;
  let endpoints: FakeKeycloakEndpoints;
  let t: TestApp;

  beforeAll(async () => {
    kc = new FakeKeycloak({ realm: 'acme', clientId: 'parley-dashboard', audience: 'parley-api' });
    endpoints = await kc.start();
    t = await startTestApp(ssoEnv(endpoints, { KEYCLOAK_ALGORITHMS: 'RS256,ES256' }));
  });
  afterAll(async () => {
    await t.close();
    await kc.stop();
  });

  const me = (token: string) => t.request('GET', '/api/v1/auth/me', { token });

  it('provisions a user on first sight, linked by issuer + subject, with organizations from the claim', async () => {
    const subject = randomUUID();
    const token = await kc.mintAccessToken({
      subject,
      email: 'grace@acme.example',
      name: 'Grace Hopper',
      clientRoles: ['agent'],
      organization: { 'acme-support': { id: randomUUID() } },
    });
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      via: 'keycloak',
      user: { email: 'grace@acme.example', name: 'Grace Hopper', emailVerified: true, superAdmin: false },
      memberships: [{ organization: { slug: 'acme-support' }, role: 'agent' }],
    });
    const links = await t.sql('SELECT user_id FROM external_identities WHERE issuer = $1 AND subject = $2', [
      endpoints.issuer,
      subject,
    ]);
    expect(links).toEqual([{ user_id: res.body.user.id }]);
    // A provisioned organization starts its trial like a registered one (src/billing).
    const subscriptions = await t.sql(
      `SELECT s.plan_code, s.status FROM subscriptions s JOIN organizations o ON o.id = s.organization_id
        WHERE o.slug = 'acme-support'`,
    );
    expect(subscriptions).toEqual([{ plan_code: 'professional', status: 'trialing' }]);

    // Same subject, new token (next sign-in): same user, memberships follow the token.
    const next = await kc.mintAccessToken({
      subject,
      email: 'grace@acme.example',
      clientRoles: ['org_admin'],
      organization: ['acme-support', 'acme-sales'],
    });
    const again = await me(next);
    expect(again.body.user.id).toBe(res.body.user.id);
    expect(
      again.body.memberships
        .map((m: { organization: { slug: string }; role: string }) => `${m.organization.slug}:${m.role}`)
        .sort(),
    ).toEqual(['acme-sales:org_admin', 'acme-support:org_admin']);
    // The organization-scoped API works with the synced membership.
    const members = await t.request('GET', '/api/v1/members', {
      token: next,
      organizationId: again.body.memberships[0].organization.id,
    });
    expect(members.status).toBe(200);
  });

  it('never links by an unverified email, and makes super admins from client roles', async () => {
    const local = await register(t);
    const token = await kc.mintAccessToken({ email: local.email, emailVerified: false, clientRoles: ['super_admin'] });
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body.user.id).not.toBe(local.userId);
    expect(res.body.user.email).toMatch(/@sso\.invalid$/);
    expect(res.body.user.superAdmin).toBe(true);
    expect((await t.request('GET', '/api/v1/organizations', { token })).status).toBe(200);
  });

  it('refuses wrong audience, expired tokens, ID tokens, unpublished keys and unknown issuers', async () => {
    const expectCode = async (token: string, code: string) => {
      const res = await me(token);
      expect([res.status, res.body.code]).toEqual([401, code]);
    };
    await expectCode(await kc.mintAccessToken({ audience: 'someone-else', azp: 'someone-else' }), 'auth.invalid_token');
    await expectCode(await kc.mintAccessToken({ expired: true }), 'auth.token_expired');
    await expectCode(await kc.mintAccessToken({ typ: 'ID' }), 'auth.invalid_token');
    await expectCode(await kc.mintAccessToken({ signWith: 'unpublished' }), 'auth.invalid_token');
    await expectCode(
      await kc.mintAccessToken({ claims: { iss: `${endpoints.url}/realms/other` } }),
      'auth.unknown_issuer',
    );
  });

  it('accepts a rotated key and ES256 tokens', async () => {
    await kc.rotateKeys('RS256');
    expect((await me(await kc.mintAccessToken({}))).status).toBe(200);
    expect((await me(await kc.mintAccessToken({ algorithm: 'ES256' }))).status).toBe(200);
    // PS256 is not in KEYCLOAK_ALGORITHMS for this app.
    expect((await me(await kc.mintAccessToken({ algorithm: 'PS256' }))).status).toBe(401);
  });

  it('goes through the keycloak-jwt strategy with coded problems: EdDSA and HMAC refused', async () => {
    const eddsa = await me(await kc.mintAccessToken({ algorithm: 'EdDSA' }));
    expect([eddsa.status, eddsa.body.code]).toEqual([401, 'auth.invalid_token']);
    expect(eddsa.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(eddsa.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    // An HMAC token claiming the realm's issuer is refused before any key lookup.
    const hmac = await me(await kc.mintAccessToken({ algorithm: 'HS512' }));
    expect([hmac.status, hmac.body.code]).toEqual([401, 'auth.invalid_token']);
  });

  it('maps organizations from /orgs/<slug>/<role> groups when configured so', async () => {
    const groups = await startTestApp(ssoEnv(endpoints, { KEYCLOAK_ORG_SOURCE: 'groups' }));
    try {
      const token = await kc.mintAccessToken({
        groups: ['/orgs/initech/viewer', '/orgs/initech/agent', '/orgs/umbrella/org_admin', '/staff'],
      });
      const res = await groups.request('GET', '/api/v1/auth/me', { token });
      expect(
        res.body.memberships
          .map((m: { organization: { slug: string }; role: string }) => `${m.organization.slug}:${m.role}`)
          .sort(),
      ).toEqual(['initech:agent', 'umbrella:org_admin']);
    } finally {
      await groups.close();
    }
  });

  it('ends a session on back-channel logout', async () => {
    const sessionId = randomUUID();
    const subject = randomUUID();
    const token = await kc.mintAccessToken({ subject, sessionId });
    expect((await me(token)).status).toBe(200);
    const logout = await t.request('POST', '/api/v1/auth/keycloak/backchannel-logout', {
      rawBody: new URLSearchParams({ logout_token: await kc.mintLogoutToken({ sessionId, subject }) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(logout.status).toBe(200);
    expect((await me(token)).body.code).toBe('auth.session_ended');

    const forged = await t.request('POST', '/api/v1/auth/keycloak/backchannel-logout', {
      rawBody: new URLSearchParams({ logout_token: await kc.mintLogoutToken({ sessionId, nonce: 'n' }) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.status).toBe(400);
  });

  it('keeps local accounts working when Keycloak is down, and answers 503 for new Keycloak keys', async () => {
    const local = await register(t);
    kc.setDown(true, 'unavailable');
    try {
      await kc.rotateKeys('RS256'); // a kid the app has never seen: it must ask Keycloak, which is down
      const res = await me(await kc.mintAccessToken({}));
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('auth.sso_unavailable');
      expect((await me(local.accessToken)).status).toBe(200);
    } finally {
      kc.setDown(false);
    }
  });
});

describe('Keycloak unreachable at boot', () => {
  it('still boots and serves local accounts', async () => {
    const t = await startTestApp({
      KEYCLOAK_ISSUER: 'http://127.0.0.1:9/realms/nowhere',
      KEYCLOAK_AUDIENCE: 'parley-api',
      KEYCLOAK_CLIENT_ID: 'parley',
    });
    try {
      const account = await register(t);
      expect((await t.request('GET', '/api/v1/auth/me', { token: account.accessToken })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
