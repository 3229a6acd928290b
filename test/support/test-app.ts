import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createApp, type CreateAppOptions } from '@/app.factory';
import { type AppConfig, loadConfig } from '@/config';
import { adminDatabaseUrl, databaseUrl, templateDatabase, testDatabasePrefix, testRedisUrl } from './test-env';

export interface TestResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON when the response is JSON (including problem+json), else the text. */
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as-is (for malformed bodies); overrides `body`. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Bearer token (access token or API key). */
  readonly token?: string;
  /** Sent as X-Organization-Id. */
  readonly organizationId?: string;
}

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly config: AppConfig;
  readonly url: string;
  readonly databaseName: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /** Runs SQL against this app's own database (outside the app), to check what was stored. */
  sql<R extends Record<string, unknown> = Record<string, unknown>>(query: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

const uniqueSuffix = (): string => `${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;

async function adminQuery(query: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(query);
  } finally {
    await admin.end();
  }
}

/** A fresh database copied from the migrated template; returns its name. */
export async function createTestDatabase(): Promise<string> {
  const name = `${testDatabasePrefix()}${uniqueSuffix()}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabase()}"`);
  return name;
}

export const dropTestDatabase = (name: string): Promise<void> =>
  adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);

/** Deletes every Redis key under `prefix` (BullMQ keys are `<prefix>:<queue>:...`). */
export async function clearRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Boots the real app on a random port against real PostgreSQL (a fresh database of its own)
 * and real Redis (a key prefix of its own). `env` overrides configuration like the environment would.
 */
export async function startTestApp(env: Record<string, string> = {}, options: CreateAppOptions = {}): Promise<TestApp> {
  const databaseName = await createTestDatabase();
  const keyPrefix = `t${uniqueSuffix()}`;
  const pg = new Client({ connectionString: databaseUrl(databaseName) });
  pg.on('error', () => undefined); // a test may drop the database under it
  let app: NestFastifyApplication | undefined;
  try {
    const loaded = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      PORT: '0',
      DATABASE_URL: databaseUrl(databaseName),
      DATABASE_POOL_SIZE: '4',
      DATABASE_MIGRATE_ON_BOOT: 'false',
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      JWT_SECRET: 'test-secret-that-is-long-enough-0123456789',
      ENCRYPTION_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
      // Visitor rate limits out of the way (test/public-limits.e2e-spec.ts sets low ones).
      CHAT_START_LIMIT_PER_IP: '1000000',
      CHAT_START_LIMIT_PER_BOT: '1000000',
      CHAT_MESSAGE_LIMIT_PER_IP: '1000000',
      CHAT_MESSAGE_LIMIT_PER_SESSION: '1000000',
      ...env,
    });
    const config = loaded as AppConfig; // both URLs are set above (or by `env`)
    app = await createApp(config, options);
    await app.listen({ port: 0, host: '127.0.0.1' });
    await pg.connect();
    const url = await app.getUrl();
    const running = app;
    return {
      app: running,
      config,
      url,
      databaseName,
      async request(method, path, { body, rawBody, headers = {}, token, organizationId } = {}) {
        const init: RequestInit = { method, headers: { ...headers } };
        const sendHeaders = init.headers as Record<string, string>;
        if (token) sendHeaders.authorization = `Bearer ${token}`;
        if (organizationId) sendHeaders['x-organization-id'] = organizationId;
        if (rawBody !== undefined || body !== undefined) {
          sendHeaders['content-type'] ??= 'application/json';
          init.body = rawBody ?? JSON.stringify(body);
        }
        const response = await fetch(`${url}${path}`, init);
        const text = await response.text();
        const isJson = /json/.test(response.headers.get('content-type') ?? '');
        return {
          status: response.status,
          headers: response.headers,
          text,
          body: isJson && text ? JSON.parse(text) : text,
        };
      },
      async sql<R extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<R[]> {
        return (await pg.query<R>(query, params)).rows;
      },
      async close() {
        await running.close();
        await pg.end();
        await dropTestDatabase(databaseName);
        await clearRedisPrefix(config.redis.url, keyPrefix);
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await dropTestDatabase(databaseName);
    throw error;
  }
}
