import { loadPriceTable, PriceFileError, type PriceTable } from '../billing/costs/prices';
import { type AppRoleName, type Env, envSchema } from './config.schema';

export type EmbeddedMode = 'auto' | 'always' | 'never';

/** Configuration as read from the environment: service URLs may still be unknown. */
export interface LoadedConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly role: { readonly name: AppRoleName; readonly api: boolean; readonly worker: boolean };
  readonly log: { readonly level: string };
  readonly dataDir: string;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly corsOrigins: readonly string[];
    readonly bodyLimitBytes: number;
    readonly trustProxy: boolean;
    readonly shutdownTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly docsEnabled: boolean;
    readonly metricsToken: string | undefined;
  };
  readonly database: {
    readonly url: string | undefined;
    readonly poolSize: number;
    readonly migrateOnBoot: boolean;
    readonly embedded: EmbeddedMode;
  };
  readonly redis: {
    readonly url: string | undefined;
    readonly keyPrefix: string;
    readonly embedded: EmbeddedMode;
    /** Bound on enqueueing a job; past it the caller gets a 503 (`dependency.unavailable`). */
    readonly enqueueTimeoutMs: number;
  };
  readonly auth: AuthConfig;
  readonly queue: QueueConfig;
  readonly executions: ExecutionsConfig;
  readonly integrations: IntegrationsConfig;
  readonly storage: StorageConfig;
  readonly contacts: ContactsConfig;
  readonly billing: BillingConfig;
  readonly notifications: NotificationsConfig;
}

export type PlanCode = 'free' | 'starter' | 'professional' | 'enterprise';

/** Plans, quotas and the AI cost ledger (src/billing). */
export interface BillingConfig {
  readonly enforceQuotas: boolean;
  readonly trialPlan: PlanCode;
  /** 0: no trial. */
  readonly trialDays: number;
  readonly defaultPlan: PlanCode;
  readonly quotaCacheMs: number;
  /** Path of a JSON price table merged over the built-in one (src/billing). */
  readonly pricesFile: string | undefined;
  /** The built-in AI price table with `pricesFile` merged over it (read and validated at boot). */
  readonly prices: PriceTable;
}

/** In-app, email and webhook notifications (src/notifications). */
export interface NotificationsConfig {
  /** Links in emails start here (no trailing slash). */
  readonly dashboardUrl: string;
  readonly emailAttempts: number;
  readonly retentionDays: number;
}

/** Outbound traffic, the vault, mail, webhooks, WhatsApp, the queue dashboard (src/integrations). */
export interface IntegrationsConfig {
  /** Base URL of this installation as its users reach it (default `http://<HOST>:<PORT>`). */
  readonly publicUrl: string;
  /** Every outbound client's address policy (HTTP blocks, webhooks, OAuth2 token calls). */
  readonly outbound: { readonly allowPrivateNetworks: boolean };
  readonly encryption: {
    /** Undefined outside production until the app derives a development key (like the JWT secret). */
    readonly key: string | undefined;
    readonly previousKeys: readonly string[];
  };
  /** Undefined: mail is off (send-email blocks and email notifications are skipped, logged). */
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string };
  readonly webhooks: {
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffMaxMs: number;
    readonly disableAfterFailures: number;
    readonly concurrency: number;
  };
  readonly whatsapp: { readonly graphUrl: string; readonly graphVersion: string };
  readonly queueDashboard: boolean;
}

export type StorageConfig = (
  | { readonly driver: 'local'; readonly dir: string }
  | {
      readonly driver: 's3';
      readonly endpoint: string | undefined;
      readonly region: string;
      readonly bucket: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly forcePathStyle: boolean;
    }
) & { readonly signedUrlTtlSeconds: number };

export interface ContactsConfig {
  readonly importMaxBytes: number;
}

/** BullMQ worker settings (see README "Jobs"). */
export interface QueueConfig {
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
  /** The outbox dispatcher (worker processes): polling fallback and retention of dispatched events. */
  readonly outbox: { readonly pollIntervalMs: number; readonly retentionHours: number };
}

export type KeycloakAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export interface KeycloakConfig {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  readonly clientId: string;
  readonly algorithms: readonly KeycloakAlgorithm[];
  readonly orgSource: 'organization' | 'groups' | 'none';
  readonly jwksCooldownSeconds: number;
  readonly introspection:
    | { readonly enabled: false }
    | { readonly enabled: true; readonly clientSecret: string; readonly cacheSeconds: number };
}

export interface AuthConfig {
  /** Undefined outside production until the app derives a development secret (see auth module). */
  readonly jwtSecret: string | undefined;
  readonly jwtIssuer: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly passwordResetTtlSeconds: number;
  readonly invitationTtlSeconds: number;
  /** `limit` per account and IP, `accountLimit` per account from every IP, `limit` x 3 per IP. */
  readonly loginThrottle: { readonly limit: number; readonly accountLimit: number; readonly ttlSeconds: number };
  /** SSO is on when this is set. */
  readonly keycloak: KeycloakConfig | undefined;
}

export interface ExecutionsConfig {
  readonly openai: {
    readonly baseUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly timeoutMs: number;
  };
  readonly httpEffects: { readonly allowPrivateNetworks: boolean; readonly maxResponseBytes: number };
  /** Undefined: derived from the JWT secret by the executions module. */
  readonly sessionTokenSecret: string | undefined;
  readonly retentionDays: number;
  readonly unansweredRetentionHours: number;
  readonly pruneCron: string;
  readonly visitorLimits: VisitorLimitsConfig;
  /** Turns of one session waiting behind the running one, per process, before 429 session.busy. */
  readonly sessionTurnQueueLimit: number;
  /** Session rows cached in process between turns (0: no cache). */
  readonly sessionCacheMaxEntries: number;
}

/** Rate limits of the public chat routes: requests per window (0: no limit). */
export interface VisitorLimitsConfig {
  readonly windowSeconds: number;
  readonly startsPerIp: number;
  readonly startsPerBot: number;
  readonly messagesPerIp: number;
  readonly messagesPerSession: number;
}

/** Configuration once the database and Redis are known (see `resolveServices`). */
export interface AppConfig extends LoadedConfig {
  readonly database: LoadedConfig['database'] & { readonly url: string };
  readonly redis: LoadedConfig['redis'] & { readonly url: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function keycloakConfig(env: Env): KeycloakConfig | undefined {
  if (!env.KEYCLOAK_ISSUER || !env.KEYCLOAK_AUDIENCE || !env.KEYCLOAK_CLIENT_ID) return undefined;
  const issuer = env.KEYCLOAK_ISSUER.replace(/\/$/, '');
  return {
    issuer,
    jwksUrl: env.KEYCLOAK_JWKS_URL ?? `${issuer}/protocol/openid-connect/certs`,
    audience: env.KEYCLOAK_AUDIENCE,
    clientId: env.KEYCLOAK_CLIENT_ID,
    algorithms: env.KEYCLOAK_ALGORITHMS.length > 0 ? env.KEYCLOAK_ALGORITHMS : ['RS256'],
    orgSource: env.KEYCLOAK_ORG_SOURCE,
    jwksCooldownSeconds: env.KEYCLOAK_JWKS_COOLDOWN_SECONDS,
    introspection:
      env.KEYCLOAK_INTROSPECTION && env.KEYCLOAK_CLIENT_SECRET
        ? {
            enabled: true,
            clientSecret: env.KEYCLOAK_CLIENT_SECRET,
            cacheSeconds: env.KEYCLOAK_INTROSPECTION_CACHE_SECONDS,
          }
        : { enabled: false },
  };
}

/** `OUTBOUND_ALLOW_PRIVATE_NETWORKS`, else its old name `HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS`. */
function allowPrivateNetworks(env: Env): boolean {
  const value = env.OUTBOUND_ALLOW_PRIVATE_NETWORKS;
  return value === undefined ? env.HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS : ['true', '1', 'yes'].includes(value);
}

/** The AI price table; a bad `BILLING_PRICES_FILE` is a configuration error like any bad setting. */
function priceTable(path: string | undefined): PriceTable {
  try {
    return loadPriceTable(path);
  } catch (error) {
    if (error instanceof PriceFileError) throw new ConfigError([error.message]);
    throw error;
  }
}

/** Parses and validates the environment. Throws `ConfigError` naming every bad setting. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join('.') || '(environment)';
        const raw = typeof issue.path[0] === 'string' ? source[issue.path[0]] : undefined;
        return raw === undefined ? `${key}: ${issue.message}` : `${key}: ${issue.message} (got "${raw}")`;
      }),
    );
  }
  const env = result.data;
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    role: { name: env.APP_ROLE, api: env.APP_ROLE !== 'worker', worker: env.APP_ROLE !== 'api' },
    log: { level: env.LOG_LEVEL },
    dataDir: env.DATA_DIR,
    http: {
      host: env.HOST,
      port: env.PORT,
      corsOrigins: env.CORS_ORIGINS,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      docsEnabled: env.DOCS_ENABLED,
      metricsToken: env.METRICS_TOKEN,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      migrateOnBoot: env.DATABASE_MIGRATE_ON_BOOT === undefined ? !production : env.DATABASE_MIGRATE_ON_BOOT === 'true',
      embedded: production ? 'never' : env.EMBEDDED_DATABASE,
    },
    redis: {
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      embedded: production ? 'never' : env.EMBEDDED_REDIS,
      enqueueTimeoutMs: env.QUEUE_ENQUEUE_TIMEOUT_MS,
    },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwtIssuer: env.JWT_ISSUER,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
      passwordResetTtlSeconds: env.PASSWORD_RESET_TTL_SECONDS,
      invitationTtlSeconds: env.INVITATION_TTL_SECONDS,
      loginThrottle: {
        limit: env.LOGIN_THROTTLE_LIMIT,
        accountLimit: env.LOGIN_THROTTLE_ACCOUNT_LIMIT || env.LOGIN_THROTTLE_LIMIT * 10,
        ttlSeconds: env.LOGIN_THROTTLE_TTL_SECONDS,
      },
      keycloak: keycloakConfig(env),
    },
    queue: {
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
      maxStalledCount: env.QUEUE_MAX_STALLED_COUNT,
      outbox: { pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS, retentionHours: env.OUTBOX_RETENTION_HOURS },
    },
    executions: {
      openai: { baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, timeoutMs: env.OPENAI_TIMEOUT_MS },
      httpEffects: {
        allowPrivateNetworks: allowPrivateNetworks(env),
        maxResponseBytes: env.HTTP_EFFECT_MAX_RESPONSE_BYTES,
      },
      sessionTokenSecret: env.SESSION_TOKEN_SECRET,
      retentionDays: env.SESSION_RETENTION_DAYS,
      unansweredRetentionHours: env.SESSION_UNANSWERED_RETENTION_HOURS,
      pruneCron: env.PRUNE_CRON,
      visitorLimits: {
        windowSeconds: env.CHAT_RATE_LIMIT_WINDOW_SECONDS,
        startsPerIp: env.CHAT_START_LIMIT_PER_IP,
        startsPerBot: env.CHAT_START_LIMIT_PER_BOT,
        messagesPerIp: env.CHAT_MESSAGE_LIMIT_PER_IP,
        messagesPerSession: env.CHAT_MESSAGE_LIMIT_PER_SESSION,
      },
      sessionTurnQueueLimit: env.SESSION_TURN_QUEUE_LIMIT,
      sessionCacheMaxEntries: env.SESSION_CACHE_MAX_ENTRIES,
    },
    integrations: {
      publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
      outbound: { allowPrivateNetworks: allowPrivateNetworks(env) },
      encryption: { key: env.ENCRYPTION_KEY, previousKeys: env.ENCRYPTION_PREVIOUS_KEYS },
      mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
      webhooks: {
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
        backoffBaseMs: env.WEBHOOK_BACKOFF_BASE_MS,
        backoffMaxMs: env.WEBHOOK_BACKOFF_MAX_MS,
        disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
        concurrency: env.WEBHOOK_CONCURRENCY,
      },
      whatsapp: {
        graphUrl: (env.WHATSAPP_GRAPH_URL ?? 'https://graph.facebook.com').replace(/\/+$/, ''),
        graphVersion: env.WHATSAPP_GRAPH_VERSION,
      },
      queueDashboard: env.QUEUE_DASHBOARD_ENABLED,
    },
    storage: {
      ...(env.STORAGE_DRIVER === 's3' && env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? {
            driver: 's3' as const,
            endpoint: env.S3_ENDPOINT,
            region: env.S3_REGION,
            bucket: env.S3_BUCKET,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
          }
        : { driver: 'local' as const, dir: env.STORAGE_DIR ?? `${env.DATA_DIR}/files` }),
      signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS,
    },
    contacts: { importMaxBytes: env.CONTACTS_IMPORT_MAX_BYTES },
    billing: {
      enforceQuotas: env.BILLING_ENFORCE_QUOTAS,
      trialPlan: env.BILLING_TRIAL_PLAN,
      trialDays: env.BILLING_TRIAL_DAYS,
      defaultPlan: env.BILLING_DEFAULT_PLAN,
      quotaCacheMs: env.BILLING_QUOTA_CACHE_MS,
      pricesFile: env.BILLING_PRICES_FILE,
      prices: priceTable(env.BILLING_PRICES_FILE),
    },
    notifications: {
      dashboardUrl: (env.DASHBOARD_URL ?? env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
      emailAttempts: env.NOTIFICATION_EMAIL_ATTEMPTS,
      retentionDays: env.NOTIFICATION_RETENTION_DAYS,
    },
  };
}
