import { decodeJwt, type JWTPayload } from 'jose';
import type { KeycloakConfig } from '@/config/app-config';
import { KeycloakTokenInvalid } from './keycloak.exception';

/** Organization roles, lowest first. Mirrors the membership roles of the users module. */
export const KEYCLOAK_ORG_ROLES = ['viewer', 'agent', 'org_admin'] as const;
export type KeycloakOrgRole = (typeof KEYCLOAK_ORG_ROLES)[number];

/** Name of the client role (on `KeycloakConfig.clientId`) that makes a user a global super admin. */
export const SUPER_ADMIN_ROLE = 'super_admin';

export interface KeycloakOrganization {
  /** The Keycloak organization alias (`organization` claim) or the `<slug>` of `/orgs/<slug>/<role>`. */
  readonly slug: string;
  readonly role: KeycloakOrgRole;
  /** Keycloak's organization id, when the claim is in its map form and carries one. */
  readonly keycloakId?: string;
}

/** A subset of the verified claims, as sent, for auditing and display. Never use for linking. */
export interface KeycloakClaims {
  readonly azp?: string;
  readonly aud: readonly string[];
  readonly jti?: string;
  /** Seconds since the epoch. */
  readonly exp?: number;
  readonly iat?: number;
  readonly preferredUsername?: string;
  /** The `email` claim whether verified or not: display only, never for lookup or linking. */
  readonly email?: string;
  readonly realmRoles: readonly string[];
  /** Roles of `KeycloakConfig.clientId` in `resource_access`. */
  readonly clientRoles: readonly string[];
  readonly groups: readonly string[];
}

/** Who a verified Keycloak access token says the caller is. Users are linked by issuer + subject. */
export interface KeycloakIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** Keycloak user session (`sid`, or the older `session_state`); what back-channel logout names. */
  readonly sessionId?: string;
  /** Set only when `email_verified` is true, so an unverified address can never match a user. */
  readonly email?: string;
  readonly emailVerified: boolean;
  readonly name?: string;
  readonly superAdmin: boolean;
  /** Memberships per `orgSource`; `undefined` when it is `none` (memberships are managed in Parley). */
  readonly organizations: readonly KeycloakOrganization[] | undefined;
  readonly claims: KeycloakClaims;
}

/** Organization slugs and Keycloak aliases we accept; anything else is ignored, not guessed at. */
const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownField(record: unknown, key: string): unknown {
  return isRecord(record) && Object.hasOwn(record, key) ? record[key] : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isOrgRole(value: string): value is KeycloakOrgRole {
  return (KEYCLOAK_ORG_ROLES as readonly string[]).includes(value);
}

function rank(role: KeycloakOrgRole): number {
  return KEYCLOAK_ORG_ROLES.indexOf(role);
}

function highest(roles: Iterable<KeycloakOrgRole>): KeycloakOrgRole | undefined {
  let best: KeycloakOrgRole | undefined;
  for (const role of roles) if (best === undefined || rank(role) > rank(best)) best = role;
  return best;
}

/**
 * The Keycloak 26 `organization` claim: `["acme"]` (aliases), `{"acme": {"id": "…"}}` (with ids or
 * attributes), or a single `"acme"` when the mapper is not multivalued.
 */
function organizationsFromClaim(claim: unknown): { slug: string; keycloakId?: string }[] {
  const found = new Map<string, string | undefined>();
  if (typeof claim === 'string') {
    found.set(claim, undefined);
  } else if (Array.isArray(claim)) {
    for (const alias of stringList(claim)) found.set(alias, undefined);
  } else if (isRecord(claim)) {
    for (const [alias, details] of Object.entries(claim)) found.set(alias, optionalString(ownField(details, 'id')));
  }
  return [...found]
    .filter(([slug]) => SLUG.test(slug))
    .map(([slug, keycloakId]) => (keycloakId === undefined ? { slug } : { slug, keycloakId }));
}

/** Groups shaped `/orgs/<slug>/<role>` (full group path); malformed ones are ignored. */
function organizationsFromGroups(groups: readonly string[]): KeycloakOrganization[] {
  const roles = new Map<string, KeycloakOrgRole>();
  for (const group of groups) {
    const parts = group.split('/');
    if (parts.length !== 4 || parts[0] !== '' || parts[1] !== 'orgs') continue;
    const [, , slug = '', role = ''] = parts;
    if (!SLUG.test(slug) || !isOrgRole(role)) continue;
    const current = roles.get(slug);
    if (current === undefined || rank(role) > rank(current)) roles.set(slug, role);
  }
  return [...roles].map(([slug, role]) => ({ slug, role }));
}

/**
 * Maps verified Keycloak access-token claims onto a Parley identity. Pure: no I/O, no clock.
 *
 * - `superAdmin`: the client role `super_admin` of `config.clientId` (`resource_access`). Realm roles
 *   are ignored on purpose: a realm-wide role may be granted for some other application.
 * - `orgSource = 'organization'`: one membership per organization in the Keycloak 26 `organization`
 *   claim (any of its shapes). The claim carries no role, so the role is the highest of the client
 *   roles `org_admin` / `agent` / `viewer` of `config.clientId`, defaulting to `viewer`, and is the
 *   same in every organization of the token. Use `groups` when roles differ per organization.
 * - `orgSource = 'groups'`: groups `/orgs/<slug>/<role>`; the highest role per slug wins.
 * - `email` is set only when `email_verified === true`; the raw address stays in `claims.email`.
 *
 * Throws `KeycloakTokenInvalid` when the token has no subject (Keycloak can omit `sub` from
 * lightweight access tokens; we cannot link a user without it).
 */
export function mapKeycloakClaims(
  payload: JWTPayload,
  config: Pick<KeycloakConfig, 'issuer' | 'clientId' | 'orgSource'>,
): KeycloakIdentity {
  const subject = optionalString(payload.sub);
  if (subject === undefined) throw new KeycloakTokenInvalid('The access token has no subject ("sub").');

  const realmRoles = stringList(ownField(payload.realm_access, 'roles'));
  const clientRoles = stringList(ownField(ownField(payload.resource_access, config.clientId), 'roles'));
  const groups = stringList(payload.groups);
  const emailVerified = payload.email_verified === true;
  const rawEmail = optionalString(payload.email);
  const givenAndFamily = [optionalString(payload.given_name), optionalString(payload.family_name)]
    .filter((part) => part !== undefined)
    .join(' ');

  let organizations: KeycloakOrganization[] | undefined;
  switch (config.orgSource) {
    case 'organization': {
      const role = highest(clientRoles.filter(isOrgRole)) ?? 'viewer';
      organizations = organizationsFromClaim(payload.organization).map((org) => ({ ...org, role }));
      break;
    }
    case 'groups':
      organizations = organizationsFromGroups(groups);
      break;
    case 'none':
      organizations = undefined;
      break;
  }

  const aud = typeof payload.aud === 'string' ? [payload.aud] : stringList(payload.aud);
  return {
    issuer: optionalString(payload.iss) ?? config.issuer,
    subject,
    sessionId: optionalString(payload.sid) ?? optionalString(payload.session_state),
    email: emailVerified ? rawEmail : undefined,
    emailVerified,
    name: optionalString(payload.name) ?? (givenAndFamily || undefined),
    superAdmin: clientRoles.includes(SUPER_ADMIN_ROLE),
    organizations,
    claims: {
      azp: optionalString(payload.azp),
      aud,
      jti: optionalString(payload.jti),
      exp: optionalNumber(payload.exp),
      iat: optionalNumber(payload.iat),
      preferredUsername: optionalString(payload.preferred_username),
      email: rawEmail,
      realmRoles,
      clientRoles,
      groups,
    },
  };
}

/**
 * The `iss` of a JWT, read WITHOUT verifying anything. Only for choosing which verifier runs
 * (local or Keycloak); never trust it otherwise. `undefined` for anything that is not a JWT
 * (opaque API keys, garbage).
 */
export function peekIssuer(token: string): string | undefined {
  if (token.split('.').length !== 3) return undefined;
  try {
    return optionalString(decodeJwt(token).iss);
  } catch {
    return undefined;
  }
}
