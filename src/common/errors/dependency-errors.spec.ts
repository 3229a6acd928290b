import { Redis } from 'ioredis';
import { freePort } from '@/common/embedded';
import { redisClientOptions } from '@/redis/redis.module';
import { isRedisUnavailable } from './dependency-errors';
import { toProblem } from './problem';

describe('Redis errors as problems', () => {
  it('answers 503 dependency.unavailable with Retry-After for what ioredis throws while Redis is down', async () => {
    // The app's client options against a port nothing listens on.
    const redis = new Redis(await freePort(), '127.0.0.1', { ...redisClientOptions, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      const error: unknown = await redis.get('k').catch((e: unknown) => e);
      expect(isRedisUnavailable(error)).toBe(true);
      const { problem, headers, unexpected } = toProblem(error, 'req-1');
      expect(problem).toMatchObject({ status: 503, code: 'dependency.unavailable', dependency: 'redis' });
      expect(problem.errorId).toBeUndefined();
      // An outage is logged as a warning, not as an unexpected error with an error id.
      expect([headers, unexpected]).toEqual([{ 'Retry-After': '5' }, false]);
    } finally {
      redis.disconnect();
    }
  });

  it.each([
    [
      'the command retry limit',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['a closed connection', new Error('Connection is closed.')],
    ['a command timeout', new Error('Command timed out')],
    [
      'a Redis still loading its data',
      Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }),
    ],
  ])('maps %s to 503', (_name, error) => {
    expect(toProblem(error, 'r').problem.status).toBe(503);
  });

  it('leaves other errors (including other Redis replies) a 500', () => {
    const wrongType = Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), {
      name: 'ReplyError',
    });
    for (const error of [wrongType, new Error('boom'), new TypeError('x')]) {
      expect(toProblem(error, 'r').problem.status).toBe(500);
    }
  });
});
