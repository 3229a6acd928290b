import { type AppRoleName, envSchema } from './config.schema';

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
  };
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
    },
  };
}
