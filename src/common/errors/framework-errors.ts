import type { FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../request-id';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

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
