import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { DomainException } from '@/common/errors/domain.exception';
import { sendProblem } from '@/common/errors/problem-details.filter';

/** The same error with a `message` member (its detail), unless it has one. */
export function withTypebotMessage(error: DomainException): DomainException {
  if (error.extensions?.message !== undefined) return error;
  return new DomainException({
    code: error.code,
    status: error.status,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    extensions: { ...error.extensions, message: error.message },
    ...(error.headers ? { headers: error.headers } : {}),
    cause: error,
  });
}

/**
 * Errors of the Typebot-compatible routes: the usual problem document, plus a `message` member
 * (the detail), which is what Typebot's widget shows of an error body.
 */
@Catch()
export class TypebotProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(TypebotProblemFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const error = exception instanceof DomainException ? withTypebotMessage(exception) : exception;
    sendProblem(this.logger, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error);
  }
}
