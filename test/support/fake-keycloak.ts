import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalJWKSet,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { KeycloakAlgorithm, KeycloakConfig } from '@/config/app-config';

/**
 * A Keycloak-shaped OpenID issuer for tests: a real HTTP server on 127.0.0.1 (random port) serving a
 * realm's discovery document, JWKS and RFC 7662 introspection endpoint, and minting tokens shaped
 * like Keycloak 26's (access, ID-typed, logout). Not served: authorization, token, userinfo.
 *
 *   const kc = new FakeKeycloak();
 *   const { issuer, jwksUrl } = await kc.start();
 *   const token = await kc.mintAccessToken({ clientRoles: ['org_admin'], organization: ['acme'] });
 *   ...
 *   await kc.stop();
 */

/** Asymmetric algorithms the fake can sign with (and publish keys for). */
/** What Keycloak can sign with: Parley's accepted list (`KeycloakAlgorithm`) and EdDSA, which it refuses. */
export type FakeKeycloakAlgorithm = KeycloakAlgorithm | 'EdDSA';
/** Symmetric algorithms, as Keycloak uses for refresh tokens; their key is never published. */
export type FakeKeycloakHmacAlgorithm = 'HS256' | 'HS512';

export interface FakeKeycloakOptions {
  /** Default `parley`. */
  readonly realm?: string;
  /** The API's client: its roles go in `resource_access`, it introspects, it gets logout tokens. Default `parley-api`. */
  readonly clientId?: string;
  /** Secret of `clientId` for introspection. Default: random. */
  readonly clientSecret?: string;
  /** Put in `aud` of access tokens by default (with `account`). Default: `clientId`. */
  readonly audience?: string;
  /** Client the tokens are issued to (`azp`). Default `parley-dashboard`. */
  readonly azp?: string;
  /** Signing algorithm of the first active key. Default RS256. */
  readonly algorithm?: FakeKeycloakAlgorithm;
  /** Publish an RSA-OAEP encryption key in the JWKS too, as Keycloak does. Default true. */
  readonly publishEncryptionKey?: boolean;
}

export interface FakeKeycloakEndpoints {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly realm: string;
  /** `http://127.0.0.1:<port>/realms/<realm>` */
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUrl: string;
  readonly introspectionUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
}

interface SigningOptions {
  /** Sign with the published key of this algorithm (one is created and published if missing). */
  readonly algorithm?: FakeKeycloakAlgorithm | FakeKeycloakHmacAlgorithm;
  /** `unpublished`: a fresh key that is not (and never will be) in the JWKS, with a new `kid`. */
  readonly signWith?: 'current' | 'unpublished';
  /** Override the header `kid`; `null` omits it. */
  readonly kid?: string | null;
  /** Extra protected-header parameters. */
  readonly header?: Readonly<Record<string, unknown>>;
}

interface LifetimeOptions {
  /** Seconds from now until `exp` (negative: already expired). Default 300. */
  readonly expiresIn?: number;
  /** Shortcut for `expiresIn: -120` (beyond any 30 s clock tolerance). */
  readonly expired?: boolean;
  /** `iat`, seconds since the epoch. Default now. */
  readonly issuedAt?: number;
  /** Set or override any claim last; a value of `undefined` removes the claim. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

export type OrganizationClaim =
  string | readonly string[] | Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface AccessTokenOptions extends SigningOptions, LifetimeOptions {
  /** Default: a random UUID (Keycloak user ids are UUIDs). */
  readonly subject?: string;
  /** `sid`. Default: a random UUID. */
  readonly sessionId?: string;
  readonly jti?: string;
  /** Default `[audience, 'account']`. A one-element list is sent as a string, like Keycloak does. */
  readonly audience?: string | readonly string[];
  readonly azp?: string;
  /** Claim `typ`: `Bearer` (default), `ID`, `Refresh`, `Logout`… */
  readonly typ?: string;
  /** Default `<subject-prefix>@example.com`. */
  readonly email?: string;
  /** Default true. */
  readonly emailVerified?: boolean;
  /** Default `Test User`. */
  readonly name?: string;
  readonly preferredUsername?: string;
  /** Added to Keycloak's default realm roles. */
  readonly realmRoles?: readonly string[];
  /** Client roles of `clientId` (`resource_access[clientId].roles`). */
  readonly clientRoles?: readonly string[];
  /** Roles of other clients. */
  readonly resourceAccess?: Readonly<Record<string, readonly string[]>>;
  /** Keycloak 26 `organization` claim: `['acme']`, `{ acme: { id: '…' } }`, or `'acme'`. Omitted by default. */
  readonly organization?: OrganizationClaim;
  /** Group paths, e.g. `/orgs/acme/agent`. Omitted by default. */
  readonly groups?: readonly string[];
}

export interface LogoutTokenOptions extends SigningOptions, LifetimeOptions {
  /** `sid`; `null` omits it. Default: a random UUID. */
  readonly sessionId?: string | null;
  /** `sub`; `null` omits it. Default: a random UUID. */
  readonly subject?: string | null;
  /** Default `clientId`. */
  readonly audience?: string | readonly string[];
  /** The `events` claim; `null` omits it. Default `{ 'http://schemas.openid.net/event/backchannel-logout': {} }`. */
  readonly events?: Readonly<Record<string, unknown>> | null;
  /** Logout tokens must not carry one; set it to test that they are refused. */
  readonly nonce?: string;
}

export type DownMode = 'unavailable' | 'reset' | 'hang';

interface SigningKey {
  readonly kid: string;
  readonly alg: FakeKeycloakAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  published: boolean;
}

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const ALL_ALGORITHMS: FakeKeycloakAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Never used to encrypt anything, so one key (made once per test process) serves every instance. */
let sharedEncryptionJwk: Promise<JWK> | undefined;
function encryptionJwk(): Promise<JWK> {
  sharedEncryptionJwk ??= generateKeyPair('RSA-OAEP', { extractable: true }).then(async ({ publicKey }) => ({
    ...(await exportJWK(publicKey)),
    kid: newKid(),
    use: 'enc',
    alg: 'RSA-OAEP',
  }));
  return sharedEncryptionJwk;
}

const newKid = (): string => randomBytes(32).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class FakeKeycloak {
  readonly realm: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly audience: string;
  readonly azp: string;
  /** Requests received per endpoint (counted even while down). */
  readonly requests = { discovery: 0, jwks: 0, introspection: 0 };
  /** How the last introspection request authenticated the client. */
  lastIntrospectionAuth: 'client_secret_basic' | 'client_secret_post' | 'none' | undefined;

  private server: Server | undefined;
  private info: FakeKeycloakEndpoints | undefined;
  private readonly keys: SigningKey[] = [];
  private current: SigningKey | undefined;
  private encryptionJwk: JWK | undefined;
  private readonly hmacSecret = randomBytes(64);
  private readonly revoked = new Set<string>();
  private down: DownMode | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly options: FakeKeycloakOptions = {}) {
    this.realm = options.realm ?? 'parley';
    this.clientId = options.clientId ?? 'parley-api';
    this.clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
    this.audience = options.audience ?? this.clientId;
    this.azp = options.azp ?? 'parley-dashboard';
  }

  async start(): Promise<FakeKeycloakEndpoints> {
    if (this.info) return this.info;
    this.current = await this.createKey(this.options.algorithm ?? 'RS256', true);
    if (this.options.publishEncryptionKey ?? true) {
      this.encryptionJwk = await encryptionJwk();
    }
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const issuer = `${url}/realms/${this.realm}`;
    this.info = {
      url,
      port,
      realm: this.realm,
      issuer,
      discoveryUrl: `${issuer}/.well-known/openid-configuration`,
      jwksUrl: `${issuer}/protocol/openid-connect/certs`,
      introspectionUrl: `${issuer}/protocol/openid-connect/token/introspect`,
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      audience: this.audience,
    };
    return this.info;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.info = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get endpoints(): FakeKeycloakEndpoints {
    if (!this.info) throw new Error('FakeKeycloak is not started');
    return this.info;
  }

  get issuer(): string {
    return this.endpoints.issuer;
  }

  /** A `KeycloakConfig` pointing at this issuer (RS256, organization claim, no introspection). */
  keycloakConfig(overrides: Partial<KeycloakConfig> = {}): KeycloakConfig {
    const { issuer, jwksUrl } = this.endpoints;
    return {
      issuer,
      jwksUrl,
      audience: this.audience,
      clientId: this.clientId,
      algorithms: ['RS256'],
      orgSource: 'organization',
      jwksCooldownSeconds: 30,
      introspection: { enabled: false },
      ...overrides,
    };
  }

  /** The `kid` new tokens are signed with. */
  get currentKid(): string {
    return this.activeKey().kid;
  }

  /** The JWKS document as served now. */
  jwks(): { keys: JWK[] } {
    const keys = this.keys.filter((key) => key.published).map((key) => key.publicJwk);
    return { keys: this.encryptionJwk ? [...keys, this.encryptionJwk] : keys };
  }

  /**
   * A new active signing key (new `kid`), of `alg` or the current algorithm. With `keepOld: false`
   * the previous active key leaves the JWKS (tokens it signed stop verifying). Returns the new kid.
   */
  async rotateKeys(alg?: FakeKeycloakAlgorithm, options: { keepOld?: boolean } = {}): Promise<string> {
    const previous = this.activeKey();
    this.current = await this.createKey(alg ?? previous.alg, true);
    if (options.keepOld === false) previous.published = false;
    return this.current.kid;
  }

  /** Signs new tokens with `alg`, reusing its published key or creating one. Returns the kid. */
  async useAlgorithm(alg: FakeKeycloakAlgorithm): Promise<string> {
    this.current = await this.publishedKeyFor(alg);
    return this.current.kid;
  }

  /** Introspection answers `active: false` for tokens with this `jti` or `sid`. */
  revoke(jtiOrSid: string): void {
    this.revoked.add(jtiOrSid);
  }

  /** While down, every endpoint answers 503 (`unavailable`), drops the connection (`reset`) or never answers (`hang`). */
  setDown(down: boolean, mode: DownMode = 'unavailable'): void {
    this.down = down ? mode : undefined;
    if (!down) {
      for (const res of this.hanging) res.destroy();
      this.hanging.clear();
    }
  }

  resetCounters(): void {
    this.requests.discovery = 0;
    this.requests.jwks = 0;
    this.requests.introspection = 0;
    this.lastIntrospectionAuth = undefined;
  }

  /** An access token shaped like Keycloak 26's. */
  async mintAccessToken(options: AccessTokenOptions = {}): Promise<string> {
    const now = options.issuedAt ?? nowSeconds();
    const subject = options.subject ?? randomUUID();
    const email = options.email ?? `${subject.slice(0, 8)}@example.com`;
    const name = options.name ?? 'Test User';
    const [given = name, ...family] = name.split(' ');
    const resourceAccess: Record<string, { roles: string[] }> = {};
    for (const [client, roles] of Object.entries(options.resourceAccess ?? {}))
      resourceAccess[client] = { roles: [...roles] };
    if (options.clientRoles && options.clientRoles.length > 0) {
      resourceAccess[this.clientId] = { roles: [...options.clientRoles] };
    }
    resourceAccess.account ??= { roles: ['manage-account', 'manage-account-links', 'view-profile'] };
    const aud = options.audience ?? [this.audience, 'account'];

    const payload: JWTPayload = {
      exp: this.expiry(now, options),
      iat: now,
      auth_time: now,
      jti: options.jti ?? `onrtac:${randomUUID()}`,
      iss: this.issuer,
      aud: typeof aud === 'string' ? aud : aud.length === 1 ? aud[0] : [...aud],
      sub: subject,
      typ: options.typ ?? 'Bearer',
      azp: options.azp ?? this.azp,
      sid: options.sessionId ?? randomUUID(),
      acr: '1',
      'allowed-origins': ['http://localhost:3000'],
      realm_access: {
        roles: [`default-roles-${this.realm}`, 'offline_access', 'uma_authorization', ...(options.realmRoles ?? [])],
      },
      resource_access: resourceAccess,
      scope: 'openid profile email organization',
      email_verified: options.emailVerified ?? true,
      name,
      preferred_username: options.preferredUsername ?? email.split('@')[0],
      given_name: given,
      family_name: family.join(' ') || undefined,
      email,
    };
    if (options.organization !== undefined) payload.organization = options.organization;
    if (options.groups !== undefined) payload.groups = [...options.groups];
    return this.sign(this.applyOverrides(payload, options.claims), options);
  }

  /** A back-channel logout token (OpenID Back-Channel Logout 1.0), as Keycloak POSTs to clients. */
  async mintLogoutToken(options: LogoutTokenOptions = {}): Promise<string> {
    const now = options.issuedAt ?? nowSeconds();
    const aud = options.audience ?? this.clientId;
    const payload: JWTPayload = {
      iat: now,
      exp: this.expiry(now, options),
      jti: randomUUID(),
      iss: this.issuer,
      aud: typeof aud === 'string' ? aud : [...aud],
      typ: 'Logout',
    };
    const sub = options.subject === undefined ? randomUUID() : options.subject;
    const sid = options.sessionId === undefined ? randomUUID() : options.sessionId;
    if (sub !== null) payload.sub = sub;
    if (sid !== null) payload.sid = sid;
    const events = options.events === undefined ? { [BACKCHANNEL_LOGOUT_EVENT]: {} } : options.events;
    if (events !== null) payload.events = events;
    if (options.nonce !== undefined) payload.nonce = options.nonce;
    return this.sign(this.applyOverrides(payload, options.claims), options);
  }

  // --- internals ---

  private expiry(now: number, options: LifetimeOptions): number {
    return now + (options.expired ? -120 : (options.expiresIn ?? 300));
  }

  private applyOverrides(payload: JWTPayload, claims: Readonly<Record<string, unknown>> | undefined): JWTPayload {
    for (const [name, value] of Object.entries(claims ?? {})) {
      if (value === undefined) delete payload[name];
      else payload[name] = value;
    }
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return payload;
  }

  private async sign(payload: JWTPayload, options: SigningOptions): Promise<string> {
    const alg = options.algorithm ?? this.activeKey().alg;
    let key: CryptoKey | Uint8Array;
    let kid: string;
    if (alg === 'HS256' || alg === 'HS512') {
      key = this.hmacSecret;
      kid = 'hmac-realm-secret';
    } else {
      const signing =
        options.signWith === 'unpublished'
          ? await this.createKey(alg, false)
          : options.algorithm
            ? await this.publishedKeyFor(alg)
            : this.activeKey();
      key = signing.privateKey;
      kid = signing.kid;
    }
    const header: Record<string, unknown> = { alg, typ: 'JWT' };
    if (options.kid !== null) header.kid = options.kid ?? kid;
    return new SignJWT(payload).setProtectedHeader({ ...header, ...options.header, alg }).sign(key);
  }

  private activeKey(): SigningKey {
    if (!this.current) throw new Error('FakeKeycloak is not started');
    return this.current;
  }

  private async publishedKeyFor(alg: FakeKeycloakAlgorithm): Promise<SigningKey> {
    const existing = this.keys.findLast((key) => key.alg === alg && key.published);
    return existing ?? this.createKey(alg, true);
  }

  private async createKey(alg: FakeKeycloakAlgorithm, published: boolean): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = newKid();
    const key: SigningKey = {
      kid,
      alg,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg },
      published,
    };
    if (published) this.keys.push(key);
    return key;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const realmPath = `/realms/${this.realm}`;
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route =
      req.method === 'GET' && path === `${realmPath}/.well-known/openid-configuration`
        ? 'discovery'
        : req.method === 'GET' && path === `${realmPath}/protocol/openid-connect/certs`
          ? 'jwks'
          : req.method === 'POST' && path === `${realmPath}/protocol/openid-connect/token/introspect`
            ? 'introspection'
            : undefined;
    if (route) this.requests[route] += 1;

    switch (this.down) {
      case 'unavailable':
        res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>503 Service Unavailable</body></html>');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        this.hanging.add(res);
        return;
      case undefined:
        break;
    }

    try {
      switch (route) {
        case 'discovery':
          return this.json(res, 200, this.discoveryDocument());
        case 'jwks':
          return this.json(res, 200, this.jwks());
        case 'introspection':
          return await this.introspectionEndpoint(req, res);
        case undefined:
          return this.json(res, 404, { error: 'Unable to find matching target resource method' });
      }
    } catch (error) {
      this.json(res, 500, { error: 'unknown_error', error_description: String(error) });
    }
  }

  private discoveryDocument(): Record<string, unknown> {
    const issuer = this.issuer;
    const oidc = `${issuer}/protocol/openid-connect`;
    return {
      issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      introspection_endpoint: `${oidc}/token/introspect`,
      userinfo_endpoint: `${oidc}/userinfo`,
      end_session_endpoint: `${oidc}/logout`,
      jwks_uri: `${oidc}/certs`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
      response_types_supported: ['code', 'none', 'id_token', 'token', 'id_token token', 'code id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ALL_ALGORITHMS,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_signing_alg_values_supported: ALL_ALGORITHMS,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    };
  }

  private async introspectionEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));

    let clientId: string | undefined;
    let secret: string | undefined;
    const authorization = req.headers.authorization;
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      this.lastIntrospectionAuth = 'client_secret_basic';
    } else if (form.has('client_secret')) {
      clientId = form.get('client_id') ?? undefined;
      secret = form.get('client_secret') ?? undefined;
      this.lastIntrospectionAuth = 'client_secret_post';
    } else {
      this.lastIntrospectionAuth = 'none';
    }
    if (clientId !== this.clientId || secret !== this.clientSecret) {
      return this.json(res, 401, {
        error: 'invalid_client',
        error_description: 'Invalid client or Invalid client credentials',
      });
    }
    const token = form.get('token');
    if (!token) return this.json(res, 400, { error: 'invalid_request', error_description: 'Token not provided' });
    return this.json(res, 200, await this.introspect(token));
  }

  private async introspect(token: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks()), {
        issuer: this.issuer,
        algorithms: ALL_ALGORITHMS,
      });
      if (
        (typeof payload.jti === 'string' && this.revoked.has(payload.jti)) ||
        (typeof payload.sid === 'string' && this.revoked.has(payload.sid))
      ) {
        return { active: false };
      }
      return {
        ...payload,
        client_id: payload.azp,
        username: payload.preferred_username,
        token_type: 'Bearer',
        active: true,
      };
    } catch {
      return { active: false };
    }
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res
      .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-cache' })
      .end(JSON.stringify(body));
  }
}
