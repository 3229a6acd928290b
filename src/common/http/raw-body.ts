import { Readable } from 'node:stream';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify';

/** The request body's bytes as received, on routes marked `@KeepRawBody()` (signature checks). */
export type RequestWithRawBody = FastifyRequest & { rawBody?: Buffer };

/** Marks a route whose handler needs the raw body (e.g. to check an HMAC signature over it). */
export const KeepRawBody = (): MethodDecorator => RouteConfig({ rawBody: true });

/**
 * Fastify `preParsing` hook: on routes marked `@KeepRawBody()`, reads the body once, keeps its
 * bytes on `request.rawBody` and hands the parser the same bytes. Other routes pass untouched
 * (one property read).
 */
export function keepRawBodyHook(
  request: FastifyRequest,
  _reply: FastifyReply,
  payload: RequestPayload,
  done: (error: Error | null, payload?: RequestPayload) => void,
): void {
  if ((request.routeOptions.config as { rawBody?: boolean } | undefined)?.rawBody !== true) {
    done(null, payload);
    return;
  }
  const limit = request.routeOptions.bodyLimit ?? Number.POSITIVE_INFINITY;
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  payload.on('data', (chunk: Buffer | string) => {
    if (failed) return;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) {
      failed = true;
      done(
        Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }),
      );
      return;
    }
    chunks.push(buffer);
  });
  payload.on('error', (error: Error) => {
    if (!failed) {
      failed = true;
      done(error);
    }
  });
  payload.on('end', () => {
    if (failed) return;
    const raw = Buffer.concat(chunks);
    (request as RequestWithRawBody).rawBody = raw;
    const replay = Object.assign(Readable.from([raw]), { receivedEncodedLength: raw.length });
    done(null, replay);
  });
}
