import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { REQUEST_ID_HEADER } from '../request-id';
import { PROBLEM_CONTENT_TYPE, type Problem, problemType, statusTitle, toProblem } from './problem';

/**
 * Fastify's `frameworkErrors`: the router answers a malformed percent escape (400) or an over-long
 * path parameter (414) before any hook runs, so neither the exception filter nor the `onSend`
 * hook sees it. Send the same problem+json, request id and security headers as every other error,
 * without echoing the URL.
 */
export const frameworkErrorHandler =
  (securityHeaders: Readonly<Record<string, string>>) =>
  (error: Error, request: FastifyRequest, reply: FastifyReply): void => {
    const { problem, headers } = toProblem(error, request.id);
    void reply
      .code(problem.status)
      .headers({ ...securityHeaders, ...headers, [REQUEST_ID_HEADER]: request.id })
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem));
  };

/** What Node's HTTP parser refused, as Fastify's default `clientErrorHandler` classifies it. */
const clientErrorProblem = (code: string | undefined): { status: number; code: string; detail: string } => {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'request.timeout', detail: 'The request was not received in time.' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      code: 'request.headers_too_large',
      detail: 'The request line and headers are larger than allowed (a very long URL or query string?).',
    };
  }
  return { status: 400, code: 'request.malformed', detail: 'The request is not valid HTTP.' };
};

/**
 * Fastify's `clientErrorHandler`: Node's parser refused the request (headers or URL over 16 KiB,
 * bad HTTP) before Fastify built a request. Answer with a problem+json, a minted request id and
 * the security headers, then close the socket, as Fastify's default does.
 */
export const clientErrorHandler =
  (securityHeaders: Readonly<Record<string, string>>) =>
  (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const { status, code, detail } = clientErrorProblem(error.code);
      const requestId = randomUUID();
      const body = JSON.stringify({
        type: problemType(code),
        title: statusTitle(status),
        status,
        detail,
        code,
        requestId,
      } satisfies Problem);
      const headers = {
        ...securityHeaders,
        [REQUEST_ID_HEADER]: requestId,
        'content-type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
        'content-length': String(Buffer.byteLength(body)),
        connection: 'close',
      };
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`HTTP/1.1 ${status} ${statusTitle(status)}\r\n${head.join('')}\r\n${body}`);
    }
    socket.destroy(error);
  };
