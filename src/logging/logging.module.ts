import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
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
];

/** Structured JSON logs with the request id on every line written during a request. */
export const LoggingModule = LoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    // Probes and scrapes are too frequent to log each one.
    exclude: ['health/live', 'health/ready', 'metrics'].map((path) => ({ path, method: RequestMethod.GET })),
    pinoHttp: {
      timestamp: stdTimeFunctions.isoTime,
      level: config.log.level,
      // Fastify's genReqId already put the id on the raw request; pino-http reuses `req.id`.
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        // URLs can carry credentials (the Typebot routes put the session token in the path).
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // Errors never carry SQL parameters, driver `detail` (the failing row) or other attached data.
        err: safeError,
      },
    },
  }),
});
