import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { eventually, insertConversation } from './support/conversations';
import { addMember, register } from './support/identity';
import { outboxEvents } from './support/outbox';
import { closeSockets, connect, next } from './support/sockets';
import { databaseUrl } from './support/test-env';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * An API process and a worker process (two apps here, sharing PostgreSQL and Redis), without
 * `SMTP_URL`: the worker, which has no Socket.IO server, still reaches the API process's sockets,
 * and emails are skipped while the in-app copies are stored.
 */
describe('notifications across an API and a worker process, mail off', () => {
  let api: TestApp;
  let worker: TestApp;

  beforeAll(async () => {
    api = await startTestApp({ APP_ROLE: 'api' });
    worker = await startTestApp({
      APP_ROLE: 'worker',
      DATABASE_URL: databaseUrl(api.databaseName),
      REDIS_KEY_PREFIX: api.config.redis.keyPrefix,
    });
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('pushes notification.created from the worker to the socket on the API process; no email is queued', async () => {
    const admin = await register(api, { name: 'Api Admin' });
    const agent = await addMember(api, admin, 'agent');
    const socket = await connect(api, '/agent', { token: agent.accessToken });
    const pushed = next<Record<string, unknown>>(socket, 'notification.created');

    const conversation = await insertConversation(api, {
      organizationId: admin.organizationId,
      assigneeId: admin.userId,
    });
    const assigned = await api.request('POST', `/api/v1/conversations/${conversation}/assign`, {
      token: admin.accessToken,
      body: { assigneeId: agent.userId },
    });
    expect(assigned.status).toBe(200);

    await expect(pushed).resolves.toMatchObject({
      type: 'conversation.assigned',
      body: 'Api Admin assigned a conversation to you.',
      data: { conversationId: conversation },
    });
    const count = await api.request('GET', '/api/v1/notifications/unread-count', { token: agent.accessToken });
    expect(count.body).toEqual({ count: 1 });

    const [event] = (await outboxEvents(api, 'conversation.assigned')).filter(
      (e) => e.data.conversationId === conversation,
    );
    const notifications = worker.app.get<Queue>(getQueueToken('notifications'));
    const job = await eventually(async () => {
      const found = await notifications.getJob(`notifications-${event!.id}`);
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toEqual({ notified: 1, emails: 0 });
    const mail = worker.app.get<Queue>(getQueueToken('mail'));
    expect(await mail.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
    });
  });
});
