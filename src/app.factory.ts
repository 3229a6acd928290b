import cors, { type FastifyCorsOptions } from '@fastify/cors';
import multipart from '@fastify/multipart';
import { RequestMethod, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@/config';
import { AppModule } from './app.module';
import { RedisIoAdapter } from './chat/gateway/redis-io.adapter';
import { clientErrorHandler, frameworkErrorHandler } from './common/errors/framework-errors';
import { setupOpenApi } from './common/openapi/swagger';
import { packageVersion } from './common/package-info';
import { noStoreHeaders } from './common/http/no-store.decorator';
import { keepRawBodyHook } from './common/http/raw-body';
import { REQUEST_ID_HEADER, requestIdFor } from './common/request-id';
import { staticSecurityHeaders } from './common/security-headers';
import { inputHygieneHook } from './common/validation/input-hygiene';
import { multipartLimits, multipartOnlyWhereAccepted } from './common/http/multipart';
import { createValidationPipe } from './common/validation/validation';
import { MetricsService } from './metrics/metrics.service';
import { mountQueueDashboard } from '@/admin/queue-dashboard';

export const API_PREFIX = 'api/v1';

/** Routes served outside `/api/v1`: probes, metrics, Typebot's clientLogs (at Typebot's path), the web widget, signed file links. */
const unprefixed = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: 'api/v2/sessions/:sessionId/clientLogs', method: RequestMethod.POST },
  { path: 'widget.js', method: RequestMethod.GET },
  { path: 'widget/:publicId', method: RequestMethod.GET },
  { path: 'files/*path', method: RequestMethod.GET },
];

/** The chat routes visitors call from any site embedding a bot (each bot checks its allowed origins). */
const publicChatPaths =
  /^\/api\/(v1\/(bots\/[^/]+\/sessions|sessions\/[^/]+(\/messages|\/continueChat|\/clientLogs)?|typebots\/[^/]+\/startChat)|v2\/sessions\/[^/]+\/clientLogs)\/?(\?|$)/;

/** CORS: open for the visitor chat routes, else only for CORS_ORIGINS (the dashboard). */
export function corsOptionsFor(url: string, dashboardOrigins: readonly string[]): FastifyCorsOptions {
  if (publicChatPaths.test(url)) {
    return {
      origin: true,
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'authorization', 'x-session-token', 'x-request-id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
      maxAge: 600,
    };
  }
  if (dashboardOrigins.length === 0) return { origin: false };
  return {
    origin: dashboardOrigins.includes('*') ? true : [...dashboardOrigins],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'ETag', 'Location'],
    maxAge: 600,
  };
}

export interface CreateAppOptions {
  /** Extra modules (tests and fixtures add routes this way). */
  readonly extraModules?: readonly Type[];
}

/**
 * Builds the Nest application on Fastify with every cross-cutting concern wired: request ids,
 * logs, problem+json errors, validation, security headers, CORS, metrics and OpenAPI.
 * The app is initialised but not listening.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const securityHeaders = staticSecurityHeaders();
  const adapter = new FastifyAdapter({
    frameworkErrors: frameworkErrorHandler(securityHeaders),
    clientErrorHandler: clientErrorHandler(securityHeaders),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: requestIdFor,
    // During shutdown: new requests get 503 and idle keep-alive sockets close; in-flight ones finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A request whose headers or body never arrive gets 408 and its socket closes (slowloris).
    requestTimeout: config.http.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(config.http.headersTimeoutMs, config.http.requestTimeoutMs),
      requestTimeout: config.http.requestTimeoutMs,
      // How often Node checks those two (its default, 30 s, would add up to 30 s to each).
      connectionsCheckingInterval: Math.min(1_000, config.http.headersTimeoutMs),
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.extraModules),
    adapter,
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  // Once shutdown starts, answer in-flight requests with `Connection: close` so keep-alive
  // sockets do not hold the server open after their last response.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('preValidation', inputHygieneHook);
  // Routes marked @KeepRawBody() (webhooks checking a signature) get the body's bytes too.
  fastify.addHook('preParsing', keepRawBodyHook);
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.headers(securityHeaders);
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (closing) void reply.header('connection', 'close');
    // Visitor chat answers carry the session token or the visitor's conversation: never cached.
    if (publicChatPaths.test(request.url)) void reply.headers(noStoreHeaders);
    done(null, payload);
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime,
    );
    done();
  });

  // The two possible option sets are built once, not for every request.
  const publicCors = corsOptionsFor('/api/v1/sessions/x', config.http.corsOrigins);
  const dashboardCors = corsOptionsFor('/', config.http.corsOrigins);
  await app.register(
    cors,
    () => (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) =>
      callback(null, publicChatPaths.test(request.url) ? publicCors : dashboardCors),
  );
  // multipart/form-data bodies are parsed lazily (`request.parts()`), and only on routes whose
  // config says `multipart: true` (the contacts import); elsewhere they get 415 as before.
  await app.register(multipart, { limits: multipartLimits(config) });
  fastify.addHook('preValidation', multipartOnlyWhereAccepted);
  app.setGlobalPrefix(API_PREFIX, { exclude: unprefixed });
  app.useGlobalPipes(createValidationPipe());
  if (config.http.docsEnabled) setupOpenApi(app, packageVersion());
  // Live-chat sockets (`/socket.io`, namespaces /visitor and /agent) on Fastify's HTTP server.
  if (config.role.api) app.useWebSocketAdapter(new RedisIoAdapter(app, config));
  if (config.role.api && config.integrations.queueDashboard) await mountQueueDashboard(app);
  try {
    await app.init();
  } catch (error) {
    // A boot check failed after some providers started (queue workers, pools): release them, or
    // they keep the process alive and working.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
