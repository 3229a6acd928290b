import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { NotificationDelivery } from '../notification-delivery.service';
import { NotificationsProcessor } from './notifications.processor';

describe('NotificationsProcessor', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs a job that failed after its last attempt, without its payload', () => {
    const processor = new NotificationsProcessor({} as NotificationDelivery);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const job = (attemptsMade: number) =>
      ({
        name: 'notify',
        id: 'notifications-e1',
        attemptsMade,
        opts: { attempts: 5 },
        data: { event: { data: { token: 'pwr_secret' } } },
      }) as unknown as Job;
    processor.onFailed(undefined, new Error('x'));
    processor.onFailed(job(2), new Error('connection refused'));
    expect(error).not.toHaveBeenCalled();
    processor.onFailed(job(5), new Error('connection refused'));
    expect(error).toHaveBeenCalledWith('Job notify notifications-e1 failed after 5 attempt(s): connection refused');
    expect(JSON.stringify(error.mock.calls)).not.toContain('pwr_secret');
  });
});
