import { z } from 'zod';

/**
 * The one place that reads `process.env` (see `loadConfig`). Each area of the app has its own
 * small schema below; `envSchema` composes them. Values are parsed from strings, defaults are
 * filled in, and production refuses to guess anything.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: 'expected true or false',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      let parsed: URL;
      try {
        parsed = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a URL' });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
        });
        return z.NEVER;
      }
      return v;
    });

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const embeddedMode = z.enum(['auto', 'always', 'never']).default('auto');

export const appRoles = ['api', 'worker', 'all'] as const;
export type AppRoleName = (typeof appRoles)[number];

const coreSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  APP_ROLE: z.enum(appRoles).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
});

const httpSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  CORS_ORIGINS: csv,
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 100 * 1_048_576),
  TRUST_PROXY: bool(false),
  SHUTDOWN_TIMEOUT_MS: int(9_000, 100, 60_000),
  /** Time to receive a request's headers, then the whole request (body included); 408 after. */
  HTTP_HEADERS_TIMEOUT_MS: int(10_000, 100, 600_000),
  HTTP_REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  DOCS_ENABLED: bool(true),
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
});

const databaseSchema = z.object({
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  DATABASE_MIGRATE_ON_BOOT: z.enum(['true', 'false']).optional(),
  EMBEDDED_DATABASE: embeddedMode,
});

const redisSchema = z.object({
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1-64 letters, digits, _ or -')
    .default('parley'),
  EMBEDDED_REDIS: embeddedMode,
  /** Longest a request waits to enqueue a job (BullMQ waits for Redis for ever otherwise). */
  QUEUE_ENQUEUE_TIMEOUT_MS: int(2_000, 100, 60_000),
});

const duration = (fallback: number, min: number, max: number) => int(fallback, min, max);

const authSchema = z.object({
  /** Secret for our own access tokens (HS256). Required in production; dev gets a per-data-dir one. */
  JWT_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('parley'),
  ACCESS_TOKEN_TTL_SECONDS: duration(900, 60, 3600),
  REFRESH_TOKEN_TTL_SECONDS: duration(30 * 24 * 3600, 3600, 365 * 24 * 3600),
  PASSWORD_RESET_TTL_SECONDS: duration(3600, 300, 24 * 3600),
  INVITATION_TTL_SECONDS: duration(7 * 24 * 3600, 3600, 90 * 24 * 3600),
  LOGIN_THROTTLE_LIMIT: int(10, 1, 10_000),
  /** Attempts on one account from all IPs together; 0 (unset): 10 x LOGIN_THROTTLE_LIMIT (per account and IP). */
  LOGIN_THROTTLE_ACCOUNT_LIMIT: int(0, 1, 100_000),
  LOGIN_THROTTLE_TTL_SECONDS: duration(60, 1, 3600),
});

const queueSchema = z.object({
  /** A job's lock lasts this long (renewed at half); a killed worker's job is retried once it lapses. */
  QUEUE_LOCK_DURATION_MS: int(10_000, 1_000, 600_000),
  /** How often workers look for jobs whose lock lapsed (stalled) and put them back. */
  QUEUE_STALLED_INTERVAL_MS: int(5_000, 500, 600_000),
  /** Stalls a job survives before it fails instead of being retried. */
  QUEUE_MAX_STALLED_COUNT: int(1, 0, 100),
  /** How often worker processes look for undispatched domain events when no notification came. */
  OUTBOX_POLL_INTERVAL_MS: int(5_000, 100, 600_000),
  /** Dispatched events (and the tokens some carry) are pruned from the outbox after this many hours. */
  OUTBOX_RETENTION_HOURS: int(24, 0, 8_760),
});

const keycloakSchema = z.object({
  /** Turns SSO on, e.g. https://sso.example.com/realms/acme */
  KEYCLOAK_ISSUER: optionalUrl(['http:', 'https:']),
  KEYCLOAK_JWKS_URL: optionalUrl(['http:', 'https:']),
  KEYCLOAK_AUDIENCE: z.string().min(1).optional(),
  KEYCLOAK_CLIENT_ID: z.string().min(1).optional(),
  /** Tokens are verified by passport-jwt (jsonwebtoken), which implements RS*, PS* and ES* (not EdDSA). */
  KEYCLOAK_ALGORITHMS: csv.pipe(
    z.array(
      z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'], {
        error: 'use RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 or ES512 (EdDSA is not supported)',
      }),
    ),
  ),
  KEYCLOAK_ORG_SOURCE: z.enum(['organization', 'groups', 'none']).default('organization'),
  /** Least time between two JWKS refetches caused by unknown key ids (key rotation). */
  KEYCLOAK_JWKS_COOLDOWN_SECONDS: duration(30, 0, 3600),
  /** Strict mode: ask Keycloak whether each token is still active (RFC 7662), cached briefly. */
  KEYCLOAK_INTROSPECTION: bool(false),
  KEYCLOAK_CLIENT_SECRET: z.string().min(1).optional(),
  KEYCLOAK_INTROSPECTION_CACHE_SECONDS: duration(5, 0, 300),
});

const executionsSchema = z.object({
  /** OpenAI or any OpenAI-compatible API (Azure, vLLM, Ollama…). */
  OPENAI_BASE_URL: optionalUrl(['http:', 'https:']),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_TIMEOUT_MS: int(60_000, 1_000, 600_000),
  /** The old name of OUTBOUND_ALLOW_PRIVATE_NETWORKS (honoured when that is unset). */
  HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS: bool(false),
  HTTP_EFFECT_MAX_RESPONSE_BYTES: int(1_048_576, 1024, 50 * 1_048_576),
  /** Signs visitor session tokens; defaults to a key derived from JWT_SECRET. */
  SESSION_TOKEN_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  /** Sessions, logs and results older than this are pruned by the maintenance job. */
  SESSION_RETENTION_DAYS: int(90, 1, 3650),
  /** Sessions that never got an answer (no input answered) are pruned after this many hours. */
  SESSION_UNANSWERED_RETENTION_HOURS: int(24, 1, 87_600),
  /** How often the pruning job runs (cron). */
  PRUNE_CRON: z.string().min(9).default('17 * * * *'),
  /** Visitor rate limits, per CHAT_RATE_LIMIT_WINDOW_SECONDS (0 turns a limit off); counters in Redis. */
  CHAT_RATE_LIMIT_WINDOW_SECONDS: duration(60, 1, 3600),
  CHAT_START_LIMIT_PER_IP: int(30, 0, 1_000_000),
  CHAT_START_LIMIT_PER_BOT: int(600, 0, 1_000_000),
  CHAT_MESSAGE_LIMIT_PER_IP: int(300, 0, 1_000_000),
  CHAT_MESSAGE_LIMIT_PER_SESSION: int(60, 0, 1_000_000),
  /** Messages of one session a process queues behind the running one before answering 429. */
  SESSION_TURN_QUEUE_LIMIT: int(32, 0, 10_000),
  /** Session rows a process keeps in memory between turns (LRU, see session-cache.ts); 0 turns it off. */
  SESSION_CACHE_MAX_ENTRIES: int(10_000, 0, 1_000_000),
});

/** A 32-byte key, as 64 hex digits or base64 (44 characters). */
const encryptionKey = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'expected 32 bytes as 64 hex digits or base64 (44 characters)');

const integrationsSchema = z.object({
  /** Public base URL of this installation (links in emails, signed file URLs, webhook callbacks). */
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  /**
   * Let outbound calls (HTTP blocks, webhooks, OAuth2 token URLs) reach private, loopback and
   * link-local addresses. Unset: `HTTP_EFFECTS_ALLOW_PRIVATE_NETWORKS` (its old name), else false.
   */
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .optional(),
  /** Master key of the secrets vault (AES-256-GCM). Required in production; dev gets a per-data-dir one. */
  ENCRYPTION_KEY: encryptionKey.optional(),
  /** Earlier master keys, comma-separated: still decrypt, until `npm run secrets:rotate` re-encrypts. */
  ENCRYPTION_PREVIOUS_KEYS: csv.pipe(z.array(encryptionKey)),
  /** Outbound mail, e.g. smtp://user:pass@mail.example.com:587 (smtps:// for implicit TLS). Unset: mail off. */
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  MAIL_FROM: z.string().min(3).default('Parley <no-reply@parley.localhost>'),
  /** Webhook deliveries: per-attempt timeout, attempts before the dead letter, first retry delay. */
  WEBHOOK_TIMEOUT_MS: int(10_000, 100, 120_000),
  WEBHOOK_MAX_ATTEMPTS: int(8, 1, 50),
  WEBHOOK_BACKOFF_BASE_MS: int(30_000, 10, 3_600_000),
  /** Longest wait between attempts (a `Retry-After` above it is capped to it). */
  WEBHOOK_BACKOFF_MAX_MS: int(6 * 3_600_000, 10, 7 * 24 * 3_600_000),
  /** Deliveries of one subscription failing in a row (dead letters) before it is disabled. */
  WEBHOOK_DISABLE_AFTER_FAILURES: int(20, 1, 10_000),
  /** Parallel deliveries per worker process. */
  WEBHOOK_CONCURRENCY: int(16, 1, 1_000),
  /** WhatsApp Cloud API (Meta's Graph API); point it at a stand-in for tests. */
  WHATSAPP_GRAPH_URL: optionalUrl(['http:', 'https:']),
  WHATSAPP_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'expected a version like v23.0')
    .default('v23.0'),
  /** Bull Board at /admin/queues (super_admin only). */
  QUEUE_DASHBOARD_ENABLED: bool(true),
});

const storageSchema = z.object({
  /** Where files live: `local` (a directory) or `s3` (any S3-compatible object store). */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  /** The directory of the `local` driver (default `<DATA_DIR>/files`). */
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: optionalUrl(['http:', 'https:']),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (MinIO, most self-hosted stores); virtual-host style otherwise. */
  S3_FORCE_PATH_STYLE: bool(true),
  /** Lifetime of the signed URLs files are served by. */
  SIGNED_URL_TTL_SECONDS: duration(900, 10, 7 * 24 * 3600),
});

const contactsSchema = z.object({
  /** Largest CSV a contacts import accepts (413 above). */
  CONTACTS_IMPORT_MAX_BYTES: int(512 * 1_048_576, 1024, 10 * 1024 * 1_048_576),
});

const planCode = z.enum(['free', 'starter', 'professional', 'enterprise']);

const billingSchema = z.object({
  /** Refuse actions past a plan's hard limits (402 `billing.quota_exceeded`). Usage is metered either way. */
  BILLING_ENFORCE_QUOTAS: bool(true),
  /** The plan a new organization tries, and for how many days (0: no trial, it starts on BILLING_DEFAULT_PLAN). */
  BILLING_TRIAL_PLAN: planCode.default('professional'),
  BILLING_TRIAL_DAYS: int(14, 0, 365),
  /** The plan an organization is on when its trial ends or its subscription is canceled. */
  BILLING_DEFAULT_PLAN: planCode.default('free'),
  /** How long a process trusts the usage it read for quota checks (0: read on every check). */
  BILLING_QUOTA_CACHE_MS: int(2_000, 0, 300_000),
  /** A JSON price table (USD per 1M tokens, per audio minute) merged over the built-in one. */
  BILLING_PRICES_FILE: z.string().min(1).optional(),
});

const notificationsSchema = z.object({
  /** Base URL of the dashboard: links in emails (password reset, invitations, conversations). Default PUBLIC_URL. */
  DASHBOARD_URL: optionalUrl(['http:', 'https:']),
  /** Attempts of one notification email before it is given up (the in-app copy stays). */
  NOTIFICATION_EMAIL_ATTEMPTS: int(5, 1, 50),
  /** Read notifications older than this are deleted by a daily job. */
  NOTIFICATION_RETENTION_DAYS: int(90, 1, 3650),
});

export const envSchema = coreSchema
  .extend(httpSchema.shape)
  .extend(databaseSchema.shape)
  .extend(redisSchema.shape)
  .extend(authSchema.shape)
  .extend(queueSchema.shape)
  .extend(keycloakSchema.shape)
  .extend(executionsSchema.shape)
  .extend(integrationsSchema.shape)
  .extend(storageSchema.shape)
  .extend(contactsSchema.shape)
  .extend(billingSchema.shape)
  .extend(notificationsSchema.shape)
  .superRefine((env, ctx) => {
    if (env.STORAGE_DRIVER === 's3') {
      for (const key of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when STORAGE_DRIVER is s3' });
      }
    }
    if (env.KEYCLOAK_ISSUER) {
      // SSO on: the settings it cannot work without.
      for (const key of ['KEYCLOAK_AUDIENCE', 'KEYCLOAK_CLIENT_ID'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when KEYCLOAK_ISSUER is set' });
      }
      if (env.KEYCLOAK_INTROSPECTION && !env.KEYCLOAK_CLIENT_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['KEYCLOAK_CLIENT_SECRET'],
          message: 'required when KEYCLOAK_INTROSPECTION is true',
        });
      }
    }
    if (env.NODE_ENV !== 'production') return;
    // Production: configuration is explicit, nothing is guessed or started on the side.
    if (!env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production' });
    }
    if (!env.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'required in production' });
    }
    if (!env.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'required in production' });
    }
    if (!env.ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['ENCRYPTION_KEY'], message: 'required in production' });
    }
    for (const key of ['EMBEDDED_DATABASE', 'EMBEDDED_REDIS'] as const) {
      if (env[key] === 'always') {
        ctx.addIssue({ code: 'custom', path: [key], message: 'cannot be "always" in production' });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;
