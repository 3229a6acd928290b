import { Logger } from '@nestjs/common';
import { FakeKeycloak } from '../../../test/support/fake-keycloak';
import { createKeycloakTokenVerifier, type KeycloakTokenVerifier } from './keycloak-token.verifier';

const invalidLogout = { code: 'auth.invalid_logout_token', status: 400 };

describe('KeycloakTokenVerifier.verifyLogoutToken (OpenID Back-Channel Logout 1.0)', () => {
  const kc = new FakeKeycloak();
  let verifier: KeycloakTokenVerifier;

  beforeAll(async () => {
    await kc.start();
    verifier = createKeycloakTokenVerifier(kc.keycloakConfig({ audience: 'some-other-audience' }));
  });

  afterAll(async () => {
    await kc.stop();
  });

  it('accepts a valid logout token and names the session and user', async () => {
    const token = await kc.mintLogoutToken({ sessionId: 'sid-1', subject: 'user-1' });
    const claims = await verifier.verifyLogoutToken(token);
    expect(claims).toMatchObject({ sid: 'sid-1', sub: 'user-1' });
    expect(typeof claims.jti).toBe('string');
  });

  it('accepts a token with only sid or only sub', async () => {
    await expect(verifier.verifyLogoutToken(await kc.mintLogoutToken({ subject: null }))).resolves.not.toHaveProperty(
      'sub',
    );
    await expect(
      verifier.verifyLogoutToken(await kc.mintLogoutToken({ sessionId: null, subject: 'user-2' })),
    ).resolves.toEqual(expect.objectContaining({ sub: 'user-2' }));
  });

  it.each([
    ['without the events claim', { events: null }],
    ['with events lacking the logout member', { events: { 'http://example.com/other-event': {} } }],
    ['with a non-object logout event', { events: { 'http://schemas.openid.net/event/backchannel-logout': true } }],
    ['with a nonce', { nonce: 'n-0S6_WzA2Mj' }],
    ['naming neither sid nor sub', { sessionId: null, subject: null }],
    ['for another client', { audience: 'other-client' }],
    ['from another issuer', { claims: { iss: 'https://evil.example.com/realms/parley' } }],
    ['expired', { expired: true }],
    ['without jti', { claims: { jti: undefined } }],
    ['without iat', { claims: { iat: undefined } }],
    ['signed with an unpublished key', { signWith: 'unpublished' as const }],
    ['signed with a pinned-out algorithm', { algorithm: 'ES256' as const }],
  ])('refuses a logout token %s', async (_name, options) => {
    await expect(verifier.verifyLogoutToken(await kc.mintLogoutToken(options))).rejects.toMatchObject(invalidLogout);
  });

  it('refuses an access token presented as a logout token', async () => {
    const accessToken = await kc.mintAccessToken({ audience: kc.clientId });
    await expect(verifier.verifyLogoutToken(accessToken)).rejects.toMatchObject(invalidLogout);
  });

  it('answers auth.sso_unavailable when the keys cannot be fetched', async () => {
    const fresh = createKeycloakTokenVerifier(kc.keycloakConfig());
    kc.setDown(true);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await expect(fresh.verifyLogoutToken(await kc.mintLogoutToken())).rejects.toMatchObject({
        code: 'auth.sso_unavailable',
        status: 503,
      });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
      kc.setDown(false);
    }
  });
});
