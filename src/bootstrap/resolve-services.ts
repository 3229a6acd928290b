import type { AppConfig, LoadedConfig } from '@/config';
import { type EmbeddedService, portAnswers } from '@/common/embedded';
import { startEmbeddedPostgres } from '@/database/embedded-postgres';
import { ensureDatabase } from '@/database/local-postgres';
import { startEmbeddedRedis } from '@/redis/embedded-redis';

export const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432, database: 'parley' } as const;
export const LOCAL_REDIS = { host: '127.0.0.1', port: 6379 } as const;

/** Where a service was found: its URL, and what Parley started for it (if anything). */
export interface Resolved<T> {
  readonly value: T;
  readonly embedded?: EmbeddedService;
  readonly note: string;
}

export interface ResolvedServices {
  readonly config: AppConfig;
  /** Services started by this process; stop them after the app closed. */
  readonly embedded: readonly EmbeddedService[];
  /** One line per decision, for the boot log. */
  readonly notes: readonly string[];
}

const useLocal = async (mode: LoadedConfig['database']['embedded'], host: string, port: number): Promise<boolean> =>
  mode === 'never' || (mode === 'auto' && (await portAnswers(host, port)));

/**
 * Development defaults (docs/architecture.md, "Development defaults"): an explicit DATABASE_URL wins; else a
 * local PostgreSQL if one answers (database `parley`, created if missing); else embedded PGlite.
 * In production `loadConfig` has already required the URL, so nothing is guessed.
 */
export async function resolveDatabase(loaded: LoadedConfig): Promise<Resolved<AppConfig['database']>> {
  if (loaded.database.url) {
    return { value: { ...loaded.database, url: loaded.database.url }, note: 'database: DATABASE_URL' };
  }
  const { host, port, database } = LOCAL_POSTGRES;
  if (await useLocal(loaded.database.embedded, host, port)) {
    const server = `postgres://postgres@${host}:${port}`;
    await ensureDatabase(`${server}/postgres`, database).catch((error: unknown) => {
      throw new Error(
        `PostgreSQL on ${host}:${port} did not let user "postgres" open or create database "${database}" ` +
          `(${String(error)}). Set DATABASE_URL.`,
      );
    });
    const url = `${server}/${database}`;
    return { value: { ...loaded.database, url }, note: `database: local PostgreSQL ${url}` };
  }
  const service = await startEmbeddedPostgres(loaded.dataDir);
  // PGlite is a single connection.
  return {
    value: { ...loaded.database, url: service.url, poolSize: 1 },
    embedded: service,
    note: `database: ${service.description}`,
  };
}

/** REDIS_URL; else 127.0.0.1:6379 if it answers; else `redis-server` from PATH; else a clear error. */
export async function resolveRedis(loaded: LoadedConfig): Promise<Resolved<AppConfig['redis']>> {
  if (loaded.redis.url) return { value: { ...loaded.redis, url: loaded.redis.url }, note: 'redis: REDIS_URL' };
  const { host, port } = LOCAL_REDIS;
  if (await useLocal(loaded.redis.embedded, host, port)) {
    const url = `redis://${host}:${port}`;
    return { value: { ...loaded.redis, url }, note: `redis: local Redis ${url}` };
  }
  const service = await startEmbeddedRedis(loaded.dataDir);
  return { value: { ...loaded.redis, url: service.url }, embedded: service, note: `redis: ${service.description}` };
}

export async function resolveServices(loaded: LoadedConfig): Promise<ResolvedServices> {
  const database = await resolveDatabase(loaded);
  let redis: Resolved<AppConfig['redis']>;
  try {
    redis = await resolveRedis(loaded);
  } catch (error) {
    await database.embedded?.stop();
    throw error;
  }
  return {
    config: { ...loaded, database: database.value, redis: redis.value },
    embedded: [database.embedded, redis.embedded].filter((s): s is EmbeddedService => s !== undefined),
    notes: [database.note, redis.note],
  };
}

export async function stopAll(services: readonly EmbeddedService[]): Promise<void> {
  for (const service of [...services].reverse()) {
    await service.stop().catch(() => undefined);
  }
}
