import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type DestinationStream, destination, stdSerializers, stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import { type AppConfig, APP_CONFIG } from '@/config';
import { redactUrl, safeError } from './redact';

/** Paths of anything secret that may end up in a log line; pino replaces them. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.appSecret',
  '*.verifyToken',
];

/**
 * Where log lines go: stdout, written asynchronously in batches of about 4 KiB (one system call for
 * a dozen request lines instead of one each), and at least every 200 ms so a quiet process still
 * shows its lines promptly. pino flushes what is left synchronously when the process exits
 * (`process.exit` included), so shutdown and fatal lines are not lost.
 */
export const LOG_BATCH_BYTES = 4_096;
export const LOG_FLUSH_INTERVAL_MS = 200;

export function logDestination(): DestinationStream {
  return destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
}

type RawRequest = IncomingMessage & { id?: string; originalUrl?: string };

/**
 * Serializers applied to the raw objects, only when a line is written (pino-http's
 * `wrapSerializers: false`): what pino's standard serializers would have built first (all
 * headers, remote address…) was thrown away by ours anyway. Same output as the wrapped ones.
 */
export const logSerializers = {
  // URLs can carry credentials (the Typebot routes put the session token in the path).
  req: (req: RawRequest) => ({ id: req.id, method: req.method, url: redactUrl(req.originalUrl || req.url) }),
  res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
  // Errors never carry SQL parameters, driver `detail` (the failing row) or other attached data.
  err: stdSerializers.wrapErrorSerializer((err) => safeError(err) as Record<string, unknown>),
};

/**
 * pino-http options. Per request it only makes the request logger (a child with the request id);
 * the `req` of the completion line is added to that line (`quietResLogger` + the custom objects)
 * instead of being bound, serialized and redacted in a second child at the start of every request.
 * The line reads as before: `requestId`, `req`, `res`, (`err`), `responseTime`, `msg`.
 */
export function pinoHttpOptions(level: string): Options {
  return {
    timestamp: stdTimeFunctions.isoTime,
    level,
    // Fastify's genReqId already put the id on the raw request; pino-http reuses `req.id`.
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customSuccessObject: (req, _res, value: object) => ({ req, ...value }),
    customErrorObject: (req, _res, _error, value: object) => ({ req, ...value }),
    redact: { paths: redactedPaths, censor: '[redacted]' },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    wrapSerializers: false,
    serializers: logSerializers,
  };
}

/** Structured JSON logs with the request id on every line written during a request. */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    // Probes and scrapes are too frequent to log each one.
    exclude: ['health/live', 'health/ready', 'metrics'].map((path) => ({ path, method: RequestMethod.GET })),
    pinoHttp: [pinoHttpOptions(config.log.level), logDestination()],
  }),
});
