import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '@/config';
import { NotificationPusher } from './notification-pusher';

describe('NotificationPusher', () => {
  afterEach(() => jest.restoreAllMocks());

  it('never fails its caller when Redis is unreachable: the lost push is logged, nothing is published', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // Redis refuses the connection (no real socket: ioredis would keep retrying timers around).
    const connect = jest.spyOn(Redis.prototype, 'connect').mockRejectedValue(new Error('connect ECONNREFUSED'));
    const publish = jest.spyOn(Redis.prototype, 'publish');
    const config = {
      redis: { url: 'redis://127.0.0.1:1', keyPrefix: 'p' },
      role: { name: 'test' },
    } as unknown as AppConfig;
    const pusher = new NotificationPusher(config);
    const dto = {
      id: 'n1',
      type: 'note.mention',
      title: 't',
      body: 'b',
      data: {},
      createdAt: new Date(0).toISOString(),
      readAt: null,
    };
    await expect(pusher.created('org', [{ userId: 'u1', dto }])).resolves.toBeUndefined();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(publish).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith('1 notification push(es) lost: Redis is not connected');
    await pusher.onApplicationShutdown();
  });

  it('pushes nothing (and connects nowhere) for no rows, and shuts down without having connected', async () => {
    const connect = jest.spyOn(Redis.prototype, 'connect');
    const config = {
      redis: { url: 'redis://127.0.0.1:1', keyPrefix: 'p' },
      role: { name: 'test' },
    } as unknown as AppConfig;
    const pusher = new NotificationPusher(config);
    await expect(pusher.created('org', [])).resolves.toBeUndefined();
    await expect(pusher.onApplicationShutdown()).resolves.toBeUndefined();
    expect(connect).not.toHaveBeenCalled();
  });
});
