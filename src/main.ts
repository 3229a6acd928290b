import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '@/config';
import type { CreateAppOptions } from './app.factory';
import { createApp } from './app.factory';
import { safeError } from './logging/redact';
import { resolveServices, stopAll } from './bootstrap/resolve-services';

export interface RunningParley {
  readonly app: NestFastifyApplication;
  readonly url: string;
  /** Graceful stop: stop accepting, finish in-flight requests and jobs, close pools and services. */
  stop(): Promise<void>;
}

/**
 * Starts Parley: validate configuration, find or start PostgreSQL and Redis (development only),
 * build the app, listen, and stop gracefully on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
 */
export async function bootstrap(options: CreateAppOptions = {}): Promise<RunningParley> {
  const bootLog = pino({ name: 'parley', level: process.env.LOG_LEVEL ?? 'info', serializers: { err: safeError } });
  let loaded;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLog.fatal({ problems: error.problems }, error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const { config, embedded, notes } = await resolveServices(loaded);
  for (const note of notes) bootLog.info(note);

  let app: NestFastifyApplication;
  try {
    app = await createApp(config, options);
    await app.listen({ port: config.http.port, host: config.http.host });
  } catch (error) {
    await stopAll(embedded);
    throw error;
  }
  const url = await app.getUrl();
  bootLog.info({ role: config.role.name, url }, `Parley is listening on ${url} (docs at ${url}/docs)`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await app.close();
      await stopAll(embedded);
    })());

  const onSignal = (signal: NodeJS.Signals): void => {
    bootLog.info({ signal }, `${signal} received: finishing in-flight work`);
    const deadline = setTimeout(() => {
      bootLog.error(`Shutdown took longer than ${config.http.shutdownTimeoutMs} ms; exiting now`);
      process.exit(1);
    }, config.http.shutdownTimeoutMs);
    deadline.unref();
    stop().then(
      () => {
        bootLog.info('Shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        bootLog.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { app, url, stop };
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    pino({ name: 'parley', serializers: { err: safeError } }).fatal(
      { err: error },
      error instanceof Error ? error.message : String(error),
    );
    process.exit(1);
  });
}
