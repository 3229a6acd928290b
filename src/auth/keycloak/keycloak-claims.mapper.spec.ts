import { type JWTPayload } from 'jose';
import type { KeycloakConfig } from '@/config/app-config';
import { mapKeycloakClaims, peekIssuer } from './keycloak-claims.mapper';
import { KeycloakTokenInvalid } from './keycloak.exception';

const ISSUER = 'https://sso.example.com/realms/acme';
const config = (orgSource: KeycloakConfig['orgSource']) => ({ issuer: ISSUER, clientId: 'parley-api', orgSource });

const base = (extra: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  sub: 'f1d5a1a4-0000-4000-8000-000000000001',
  sid: 'session-1',
  typ: 'Bearer',
  email: 'ada@example.com',
  email_verified: true,
  name: 'Ada Lovelace',
  realm_access: { roles: ['offline_access'] },
  resource_access: { 'parley-api': { roles: [] }, account: { roles: ['view-profile'] } },
  ...extra,
});

const clientRoles = (...roles: string[]) => ({ resource_access: { 'parley-api': { roles } } });

const unsignedJwt = (payload: unknown) =>
  [{ alg: 'none' }, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + '.';

describe('mapKeycloakClaims', () => {
  it('maps identity claims and links by issuer + subject', () => {
    const identity = mapKeycloakClaims(base(), config('organization'));
    expect(identity).toMatchObject({
      issuer: ISSUER,
      subject: 'f1d5a1a4-0000-4000-8000-000000000001',
      sessionId: 'session-1',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      superAdmin: false,
      organizations: [],
    });
    expect(identity.claims.realmRoles).toEqual(['offline_access']);
  });

  it('does not trust an unverified email (kept only in claims.email)', () => {
    const identity = mapKeycloakClaims(base({ email_verified: false }), config('none'));
    expect(identity.email).toBeUndefined();
    expect(identity.emailVerified).toBe(false);
    expect(identity.claims.email).toBe('ada@example.com');
    expect(mapKeycloakClaims(base({ email_verified: 'true' }), config('none')).email).toBeUndefined();
  });

  it('refuses a token without a subject', () => {
    expect(() => mapKeycloakClaims(base({ sub: undefined }), config('none'))).toThrow(KeycloakTokenInvalid);
  });

  it('falls back to session_state and to given/family names', () => {
    const identity = mapKeycloakClaims(
      base({ sid: undefined, session_state: 'old-session', name: undefined, given_name: 'Ada', family_name: 'King' }),
      config('none'),
    );
    expect(identity.sessionId).toBe('old-session');
    expect(identity.name).toBe('Ada King');
  });

  describe('super_admin', () => {
    it('comes from a client role of clientId', () => {
      expect(mapKeycloakClaims(base(clientRoles('super_admin')), config('none')).superAdmin).toBe(true);
    });

    it('is not granted by a realm role or another client role', () => {
      const payload = base({
        realm_access: { roles: ['super_admin'] },
        resource_access: { 'other-app': { roles: ['super_admin'] } },
      });
      expect(mapKeycloakClaims(payload, config('none')).superAdmin).toBe(false);
    });
  });

  describe("orgSource 'organization'", () => {
    it('reads the list shape with the default role viewer', () => {
      const identity = mapKeycloakClaims(base({ organization: ['acme', 'globex'] }), config('organization'));
      expect(identity.organizations).toEqual([
        { slug: 'acme', role: 'viewer' },
        { slug: 'globex', role: 'viewer' },
      ]);
    });

    it('reads the map shape, keeping Keycloak ids', () => {
      const identity = mapKeycloakClaims(
        base({ organization: { acme: { id: 'kc-org-1', name: ['Acme'] }, globex: {} }, ...clientRoles('agent') }),
        config('organization'),
      );
      expect(identity.organizations).toEqual([
        { slug: 'acme', role: 'agent', keycloakId: 'kc-org-1' },
        { slug: 'globex', role: 'agent' },
      ]);
    });

    it('reads a single-valued claim', () => {
      expect(mapKeycloakClaims(base({ organization: 'acme' }), config('organization')).organizations).toEqual([
        { slug: 'acme', role: 'viewer' },
      ]);
    });

    it('takes the highest org role among client roles', () => {
      const identity = mapKeycloakClaims(
        base({ organization: ['acme'], ...clientRoles('viewer', 'org_admin', 'agent', 'unrelated') }),
        config('organization'),
      );
      expect(identity.organizations).toEqual([{ slug: 'acme', role: 'org_admin' }]);
    });

    it('ignores org roles granted on the realm or other clients', () => {
      const identity = mapKeycloakClaims(
        base({
          organization: ['acme'],
          realm_access: { roles: ['org_admin'] },
          resource_access: { other: { roles: ['org_admin'] } },
        }),
        config('organization'),
      );
      expect(identity.organizations).toEqual([{ slug: 'acme', role: 'viewer' }]);
    });

    it('ignores aliases that are not slugs and malformed claims', () => {
      expect(
        mapKeycloakClaims(base({ organization: ['acme', '../etc', '', 42] }), config('organization')).organizations,
      ).toEqual([{ slug: 'acme', role: 'viewer' }]);
      expect(mapKeycloakClaims(base({ organization: 42 }), config('organization')).organizations).toEqual([]);
      expect(mapKeycloakClaims(base({ organization: null }), config('organization')).organizations).toEqual([]);
    });
  });

  describe("orgSource 'groups'", () => {
    it('reads /orgs/<slug>/<role>, highest role per slug, ignoring malformed groups', () => {
      const identity = mapKeycloakClaims(
        base({
          groups: [
            '/orgs/acme/viewer',
            '/orgs/acme/org_admin',
            '/orgs/acme/agent',
            '/orgs/globex/agent',
            '/orgs/initech/owner',
            '/orgs/initech',
            'orgs/hooli/agent',
            '/teams/acme/agent',
            '/orgs/acme/agent/extra',
            '/orgs//agent',
            'agent',
          ],
          organization: ['ignored-in-groups-mode'],
        }),
        config('groups'),
      );
      expect(identity.organizations).toEqual([
        { slug: 'acme', role: 'org_admin' },
        { slug: 'globex', role: 'agent' },
      ]);
    });

    it('gives no organization without groups', () => {
      expect(mapKeycloakClaims(base(), config('groups')).organizations).toEqual([]);
    });
  });

  it("leaves organizations undefined when orgSource is 'none'", () => {
    const identity = mapKeycloakClaims(base({ organization: ['acme'], groups: ['/orgs/acme/agent'] }), config('none'));
    expect(identity.organizations).toBeUndefined();
  });
});

describe('peekIssuer', () => {
  it('reads iss without verifying', () => {
    expect(peekIssuer(unsignedJwt({ iss: ISSUER, sub: 'x' }))).toBe(ISSUER);
  });

  it('answers undefined for non-JWTs and JWTs without iss', () => {
    expect(peekIssuer('pk_live_abc123')).toBeUndefined();
    expect(peekIssuer('a.b.c')).toBeUndefined();
    expect(peekIssuer(unsignedJwt({ sub: 'x' }))).toBeUndefined();
    expect(peekIssuer(unsignedJwt({ iss: 42 }))).toBeUndefined();
    expect(peekIssuer('')).toBeUndefined();
  });
});
