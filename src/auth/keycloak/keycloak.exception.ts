import { DomainException } from '@/common/errors/domain.exception';

/** RFC 6750 §3: a 401 for a bearer token says why in `WWW-Authenticate`. */
const invalidTokenChallenge = { 'WWW-Authenticate': 'Bearer error="invalid_token"' } as const;

/** 401: the Keycloak token is malformed, badly signed, or fails a claim check (issuer, audience, typ, …). */
export class KeycloakTokenInvalid extends DomainException {
  constructor(detail = 'The access token is not valid.', cause?: unknown) {
    super({ code: 'auth.invalid_token', status: 401, detail, headers: invalidTokenChallenge, cause });
  }
}

/** 401: the Keycloak token is past its `exp` (beyond the clock tolerance). */
export class KeycloakTokenExpired extends DomainException {
  constructor(cause?: unknown) {
    super({
      code: 'auth.token_expired',
      status: 401,
      detail: 'The access token has expired.',
      headers: invalidTokenChallenge,
      cause,
    });
  }
}

/** 401 (strict mode): Keycloak's introspection endpoint says the token is no longer active. */
export class KeycloakTokenRevoked extends DomainException {
  constructor() {
    super({
      code: 'auth.token_revoked',
      status: 401,
      detail: 'The access token has been revoked.',
      headers: invalidTokenChallenge,
    });
  }
}

/**
 * 503: Keycloak could not be asked (JWKS, discovery or introspection unreachable, timed out or
 * answering garbage), so the token can be neither accepted nor refused. Not the client's fault.
 */
export class KeycloakUnavailable extends DomainException {
  constructor(detail = 'The sign-in service (Keycloak) cannot be reached; try again shortly.', cause?: unknown) {
    super({ code: 'auth.sso_unavailable', status: 503, detail, headers: { 'Retry-After': '5' }, cause });
  }
}

/** 400 (OpenID Back-Channel Logout 1.0 §2.8): the logout token failed validation. */
export class KeycloakLogoutTokenInvalid extends DomainException {
  constructor(detail = 'The logout token is not valid.', cause?: unknown) {
    super({ code: 'auth.invalid_logout_token', status: 400, detail, cause });
  }
}

/** 404: Keycloak SSO is not configured, so its endpoints do not exist. */
export class SsoDisabled extends DomainException {
  constructor() {
    super({ code: 'auth.sso_disabled', status: 404, detail: 'Keycloak SSO is not configured.' });
  }
}
