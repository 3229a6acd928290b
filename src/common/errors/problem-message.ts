import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/** The Fastify route config flag that `WithProblemMessage()` sets. */
const PROBLEM_MESSAGE = 'problemMessage';

/**
 * Every error of the route also carries a `message` member (the detail): clients written for
 * another API (Typebot's widget shows `.message` of an error body) read it. A route config rather
 * than a filter, so that it covers what fails before the handler too (body parsing, 413, the
 * input-hygiene hook, rate limits).
 */
export const WithProblemMessage = (): MethodDecorator => RouteConfig({ [PROBLEM_MESSAGE]: true });

export function wantsProblemMessage(request: FastifyRequest): boolean {
  // `routeOptions` is absent for requests that matched no route (and in some unit tests' fakes).
  const config = (request.routeOptions as unknown as { config?: Record<string, unknown> } | undefined)?.config;
  return config?.[PROBLEM_MESSAGE] === true;
}
