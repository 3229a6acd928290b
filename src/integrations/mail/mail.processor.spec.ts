import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { MailProcessor } from './mail.processor';
import type { ConnectionSecrets } from '../connections/connection-secrets';
import type { MailTransport } from './mail-transport';

describe('MailProcessor', () => {
  const processor = new MailProcessor({} as MailTransport, {} as ConnectionSecrets);
  const job = (attemptsMade: number) =>
    ({ id: 'send-email-s1-b1#1', attemptsMade, opts: { attempts: 5 }, data: { organizationId: 'org-1' } }) as Job;

  afterEach(() => jest.restoreAllMocks());

  it('logs a send that failed after its last attempt, not the retried ones', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    processor.onFailed(job(2), new Error('421 try later'));
    expect(error).not.toHaveBeenCalled();
    processor.onFailed(job(5), new Error('550 <ada@example.com>: mailbox unavailable'));
    expect(error).toHaveBeenCalledWith(
      'Mail job send-email-s1-b1#1 (organization org-1) failed after 5 attempt(s): 550 <[address]>: mailbox unavailable',
    );
  });
});
