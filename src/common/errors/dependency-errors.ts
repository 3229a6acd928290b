import { DomainException } from './domain.exception';

/** Infrastructure the API cannot answer without. */
export type Dependency = 'redis';

/** Seconds a client should wait before retrying when a dependency is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

const dependencyNames: Readonly<Record<Dependency, string>> = { redis: 'Redis' };

/**
 * 503: a service the request needs (Redis) is unreachable or too slow. The client may retry after
 * `Retry-After` seconds; nothing about the request itself is wrong.
 */
export class DependencyUnavailable extends DomainException {
  constructor(
    readonly dependency: Dependency,
    cause?: unknown,
  ) {
    super({
      code: 'dependency.unavailable',
      status: 503,
      detail: `${dependencyNames[dependency]} is unavailable right now; try again in a few seconds.`,
      extensions: { dependency },
      headers: { 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) },
      cause,
    });
  }
}

/** What ioredis rejects a command with while it has no usable connection (ioredis 5). */
const redisConnectionMessages = new Set([
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Connection is closed.',
  'Command timed out',
  'None of startup nodes is available',
]);
/** Replies of a Redis that is up but cannot serve yet (restarting, failing over). */
const redisUnavailableReply = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)\b/;

/** Whether `error` means "Redis is unreachable or not serving", as opposed to a bug in a command. */
export function isRedisUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof DependencyUnavailable) return current.dependency === 'redis';
    if (current.name === 'MaxRetriesPerRequestError') return true;
    if (redisConnectionMessages.has(current.message)) return true;
    if (current.name === 'ReplyError' && redisUnavailableReply.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

/**
 * The 503 to answer for a dependency failure that reached the error filter unhandled (e.g. from the
 * Redis-backed throttler), or undefined when `error` is something else.
 */
export function dependencyErrorOf(error: unknown): DependencyUnavailable | undefined {
  if (error instanceof DependencyUnavailable) return undefined; // already a problem of its own
  return isRedisUnavailable(error) ? new DependencyUnavailable('redis', error) : undefined;
}
