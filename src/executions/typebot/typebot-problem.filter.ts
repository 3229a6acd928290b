import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { sendProblem } from '@/common/errors/problem-details.filter';
import { SessionEnded, SessionNotFound } from '../executions.exception';
import { TypebotSessionNotFound } from './typebot-chat.exception';

export { TYPEBOT_SESSION_NOT_FOUND } from './typebot-chat.exception';

/**
 * The error as Typebot's server would answer it: a session that is over (409 `session.ended`
 * elsewhere) or unknown is a 404 "Session not found.", on which Typebot's widget restarts the bot.
 * Other errors are unchanged (every error of these routes gets a `message` member, the detail, from
 * `WithProblemMessage()`).
 */
export function asTypebotError(error: unknown): unknown {
  if (!(error instanceof SessionEnded) && !(error instanceof SessionNotFound)) return error;
  return new TypebotSessionNotFound(error);
}

/** Errors of the Typebot-compatible routes, in Typebot's terms where they differ (see `asTypebotError`). */
@Catch()
export class TypebotProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(TypebotProblemFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(
      this.logger,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      asTypebotError(exception),
    );
  }
}
