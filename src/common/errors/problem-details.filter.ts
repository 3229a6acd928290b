import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { INVALID_VALUE_CODE } from '@/database/postgres-errors';
import { redactUrl } from '@/logging/redact';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';
import { wantsProblemMessage } from './problem-message';

/** Sends any error as `application/problem+json`; logs unexpected ones in full. */
export function sendProblem(
  logger: Pick<PinoLogger, 'error' | 'warn' | 'debug'>,
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): void {
  const { problem, headers, unexpected } = toProblem(error, request.id);
  // `err` goes through the logger's safe serializer; the URL loses its tokens here.
  const url = redactUrl(request.url) ?? '';
  if (unexpected) {
    logger.error(
      { err: error, requestId: request.id, errorId: problem.errorId, method: request.method, url },
      `Unexpected error ${String(problem.errorId)} on ${request.method} ${url}`,
    );
  } else if (problem.status >= 500 || problem.code === INVALID_VALUE_CODE) {
    // A dependency is down, or PostgreSQL refused a value validation let through (a validator is
    // missing somewhere): worth a warning, not an error id.
    logger.warn(
      { err: error, requestId: request.id, code: problem.code, method: request.method, url },
      `${problem.code} on ${request.method} ${request.routeOptions.url ?? url}: ${problem.detail}`,
    );
  } else {
    // Some details quote the URL ("Cannot GET /…"): log it redacted.
    const detail = problem.detail.split(request.url).join(url);
    logger.debug({ requestId: request.id, code: problem.code, status: problem.status }, detail);
  }
  if (reply.sent) return;
  if (problem.message === undefined && wantsProblemMessage(request)) problem.message = problem.detail;
  void reply.code(problem.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** The one global exception filter (HTTP). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProblemDetailsFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(this.logger, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}
