export {
  KEYCLOAK_ORG_ROLES,
  type KeycloakClaims,
  type KeycloakIdentity,
  type KeycloakOrganization,
  type KeycloakOrgRole,
  mapKeycloakClaims,
  peekIssuer,
  SUPER_ADMIN_ROLE,
} from './keycloak-claims.mapper';
export { KeycloakIntrospectionClient, type KeycloakIntrospectionOptions } from './keycloak-introspection.client';
export {
  BACKCHANNEL_LOGOUT_EVENT,
  createKeycloakTokenVerifier,
  KEYCLOAK_CLOCK_TOLERANCE_SECONDS,
  KEYCLOAK_CONFIG,
  KEYCLOAK_VERIFIER_OPTIONS,
  type KeycloakLogoutClaims,
  KeycloakTokenVerifier,
  type KeycloakVerifierOptions,
} from './keycloak-token.verifier';
export {
  KeycloakLogoutTokenInvalid,
  KeycloakTokenExpired,
  KeycloakTokenInvalid,
  KeycloakTokenRevoked,
  KeycloakUnavailable,
} from './keycloak.exception';
