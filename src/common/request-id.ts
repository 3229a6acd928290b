import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: keep the caller's `X-Request-Id` when it is a sane token, else mint one.
 * The id is also set on the raw request so pino-http logs with the same id.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const sent = raw.headers[REQUEST_ID_HEADER];
  const id = typeof sent === 'string' && acceptable.test(sent) ? sent : randomUUID();
  (raw as IncomingMessage & { id?: string }).id = id;
  return id;
}
