import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { DomainEvents, EventType } from '@/events/event-catalogue';
import { NotificationDelivery } from '@/notifications/notification-delivery.service';
import { eventually, insertConversation } from './support/conversations';
import { addMember, login, register, uniqueEmail, type Account, DEFAULT_PASSWORD } from './support/identity';
import { outboxEvents } from './support/outbox';
import { SmtpReceiver, type ReceivedMail } from './support/smtp-receiver';
import { closeSockets, connect, next, request } from './support/sockets';
import { startTestApp, type TestApp } from './support/test-app';

const DASHBOARD = 'https://dash.parley.test/app';

describe('notifications: in-app, email, preferences and their producers', () => {
  let t: TestApp;
  const smtp = new SmtpReceiver();
  let smtpPort: number;
  let mailQueue: Queue;
  let notificationsQueue: Queue;

  const as = (who: Account) => ({ token: who.accessToken });

  beforeAll(async () => {
    const started = await smtp.start();
    smtpPort = started.port;
    t = await startTestApp({
      SMTP_URL: started.url,
      MAIL_FROM: 'Parley <noreply@parley.test>',
      DASHBOARD_URL: DASHBOARD,
      // Many sign-ups and sign-ins from one IP within a minute (the throttling has its own tests).
      LOGIN_THROTTLE_LIMIT: '1000',
    });
    mailQueue = t.app.get<Queue>(getQueueToken('mail'));
    notificationsQueue = t.app.get<Queue>(getQueueToken('notifications'));
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const mailTo = (address: string, subject?: RegExp): Promise<ReceivedMail> =>
    eventually(
      () =>
        Promise.resolve(
          smtp.messages.find(
            (m) => m.envelope.to.includes(address) && (subject === undefined || subject.test(m.parsed.subject ?? '')),
          ),
        ),
      30_000,
    );
  const mailsTo = (address: string): ReceivedMail[] => smtp.messages.filter((m) => m.envelope.to.includes(address));
  const linkIn = (mail: ReceivedMail, path: string): URL => {
    const found = (mail.parsed.text ?? '').match(new RegExp(`${DASHBOARD}${path}\\S*`));
    if (!found) throw new Error(`no ${path} link in: ${mail.parsed.text}`);
    return new URL(found[0]);
  };

  const notificationsOf = (userId: string, type?: string) =>
    t.sql<{
      id: string;
      organization_id: string;
      type: string;
      title: string;
      body: string;
      data: any;
      read_at: Date | null;
    }>(
      `SELECT id, organization_id, type, title, body, data, read_at FROM notifications
        WHERE user_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY id`,
      [userId, type ?? null],
    );
  const waitForNotification = (userId: string, type: string) =>
    eventually(async () => (await notificationsOf(userId, type))[0], 20_000);

  /** Writes an event to the outbox as a module would (the dispatcher picks it up). */
  async function emit<T extends EventType>(type: T, organizationId: string, data: DomainEvents[T], id = randomUUID()) {
    await t.sql(
      `INSERT INTO outbox_events (id, type, organization_id, occurred_at, data) VALUES ($1, $2, $3, now(), $4)`,
      [id, type, organizationId, JSON.stringify(data)],
    );
    return id;
  }

  /** Waits until the `notify` job of an event has run. */
  const notified = (eventId: string) =>
    eventually(
      async () => ((await notificationsQueue.getJob(`notifications-${eventId}`))?.finishedOn ? true : undefined),
      20_000,
    );

  const quotaWarning = (): DomainEvents['billing.quota_warning'] => ({
    limit: 'ai_budget_usd',
    threshold: 80,
    used: 40,
    max: 50,
    periodStart: new Date().toISOString(),
  });

  describe('account emails', () => {
    it('emails an invitation to a person without an account; the link carries what registration needs', async () => {
      const admin = await register(t, { organizationName: 'Invite Org' });
      const email = uniqueEmail('invitee');
      const invite = await t.request('POST', '/api/v1/invitations', { ...as(admin), body: { email, role: 'agent' } });
      expect(invite.status).toBe(201);

      const mail = await mailTo(email);
      expect(mail.envelope.to).toEqual([email]);
      expect(mail.parsed.subject).toBe('You are invited to join Invite Org on Parley');
      expect(mail.parsed.from?.text).toContain('noreply@parley.test');
      const link = linkIn(mail, '/invitations/accept');
      expect(link.searchParams.get('email')).toBe(email);
      // The HTML part links to the same place (attribute values escaped).
      const href = /href="([^"]+)">Accept the invitation/.exec(mail.parsed.html || '')?.[1];
      expect(href?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toBe(link.toString());
      // No in-app copy, whatever happens.
      expect((await t.sql('SELECT 1 FROM notifications WHERE type LIKE $1', ['invitation%'])).length).toBe(0);

      const registered = await t.request('POST', '/api/v1/auth/register', {
        body: { email, password: DEFAULT_PASSWORD, name: 'New Agent', invitationToken: link.searchParams.get('token') },
      });
      expect(registered.status).toBe(201);
      expect(registered.body.organization.id).toBe(admin.organizationId);
      const members = await t.sql<{ role: string }>(
        'SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2',
        [admin.organizationId, registered.body.user.id],
      );
      expect(members).toEqual([{ role: 'agent' }]);
    });

    it('emails an invitation to someone who has an account; its token accepts it through the accept route', async () => {
      const admin = await register(t, { organizationName: 'Second Home' });
      const existing = await register(t, { name: 'Already Here' });
      const invite = await t.request('POST', '/api/v1/invitations', {
        ...as(admin),
        body: { email: existing.email, role: 'viewer' },
      });
      expect(invite.status).toBe(201);
      const mail = await mailTo(existing.email, /Second Home/);
      const token = linkIn(mail, '/invitations/accept').searchParams.get('token');
      const accepted = await t.request('POST', '/api/v1/invitations/accept', { ...as(existing), body: { token } });
      expect(accepted.status).toBe(200);
      expect(accepted.body.id).toBe(admin.organizationId);
      const again = await t.request('POST', '/api/v1/invitations/accept', { ...as(existing), body: { token } });
      expect(again.status).toBeGreaterThanOrEqual(400);
    });

    it('emails a password reset whose link resets the password (the old one stops working)', async () => {
      const account = await register(t, { name: 'Resetting Rita' });
      const asked = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: account.email } });
      expect(asked.status).toBe(202);

      const mail = await mailTo(account.email, /Reset your Parley password/);
      expect(mail.parsed.text).toContain('Hello Resetting Rita');
      expect(mail.parsed.text).toContain('cannot be turned off');
      const token = linkIn(mail, '/reset-password').searchParams.get('token');
      expect(token).toMatch(/^pwr_/);

      const confirm = await t.request('POST', '/api/v1/auth/password-reset/confirm', {
        body: { token, newPassword: 'a brand new passphrase' },
      });
      expect(confirm.status).toBe(204);
      await expect(login(t, account.email, 'a brand new passphrase')).resolves.toMatchObject({
        userId: account.userId,
      });
      const old = await t.request('POST', '/api/v1/auth/login', {
        body: { email: account.email, password: DEFAULT_PASSWORD },
      });
      expect(old.status).toBe(401);
    });
  });

  describe('assignment', () => {
    it('pushes to the assignee’s socket, stores it, emails it; read, read-all and delete', async () => {
      const admin = await register(t, { name: 'Boss Admin', organizationName: 'Assign Org' });
      const agent = await addMember(t, admin, 'agent');
      const socket = await connect(t, '/agent', { token: agent.accessToken });
      const pushed = next<Record<string, any>>(
        socket,
        'notification.created',
        (n) => n.type === 'conversation.assigned',
      );

      // Someone's already (an open unassigned one would go to the agent coming online, automatically).
      const conversation = await insertConversation(t, {
        organizationId: admin.organizationId,
        assigneeId: admin.userId,
      });
      const assigned = await t.request('POST', `/api/v1/conversations/${conversation}/assign`, {
        ...as(admin),
        body: { assigneeId: agent.userId },
      });
      expect(assigned.status).toBe(200);

      const notification = await pushed;
      expect(notification).toEqual({
        id: expect.any(String),
        type: 'conversation.assigned',
        title: 'A conversation was assigned to you',
        body: 'Boss Admin assigned a conversation to you.',
        data: { conversationId: conversation, url: `${DASHBOARD}/conversations/${conversation}` },
        createdAt: expect.any(String),
        readAt: null,
      });
      const [row] = await notificationsOf(agent.userId);
      expect(row).toMatchObject({ id: notification.id, organization_id: admin.organizationId, read_at: null });

      const mail = await mailTo(agent.email, /assigned to you/);
      expect(mail.parsed.text).toContain(`${DASHBOARD}/conversations/${conversation}`);
      expect(mail.parsed.text).toContain(`${DASHBOARD}/settings/notifications`);
      expect(mail.parsed.text).toContain('Assign Org');

      const list = await t.request('GET', '/api/v1/notifications', as(agent));
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [notification], nextCursor: null });
      expect((await t.request('GET', '/api/v1/notifications/unread-count', as(agent))).body).toEqual({ count: 1 });

      const read = await t.request('POST', `/api/v1/notifications/${notification.id}/read`, as(agent));
      expect(read.status).toBe(200);
      expect(read.body.readAt).toEqual(expect.any(String));
      expect((await t.request('GET', '/api/v1/notifications/unread-count', as(agent))).body).toEqual({ count: 0 });
      expect((await t.request('GET', '/api/v1/notifications?unread=true', as(agent))).body.items).toEqual([]);
      // Reading again keeps the first time.
      expect((await t.request('POST', `/api/v1/notifications/${notification.id}/read`, as(agent))).body.readAt).toBe(
        read.body.readAt,
      );

      // A second assignment, then read-all answers how many it marked.
      const second = await insertConversation(t, { organizationId: admin.organizationId, assigneeId: admin.userId });
      await t.request('POST', `/api/v1/conversations/${second}/assign`, {
        ...as(admin),
        body: { assigneeId: agent.userId },
      });
      await eventually(async () => ((await notificationsOf(agent.userId)).length === 2 ? true : undefined), 20_000);
      const readAll = await t.request('POST', '/api/v1/notifications/read-all', as(agent));
      expect(readAll.status).toBe(200);
      expect(readAll.body).toEqual({ updated: 1 });
      expect((await t.request('POST', '/api/v1/notifications/read-all', as(agent))).body).toEqual({ updated: 0 });

      const deleted = await t.request('DELETE', `/api/v1/notifications/${notification.id}`, as(agent));
      expect(deleted.status).toBe(204);
      expect((await t.request('DELETE', `/api/v1/notifications/${notification.id}`, as(agent))).status).toBe(404);
      expect((await notificationsOf(agent.userId)).map((n) => n.id)).not.toContain(notification.id);
    });

    it('does not notify someone who assigned themselves', async () => {
      const admin = await register(t);
      const conversation = await insertConversation(t, { organizationId: admin.organizationId });
      const assigned = await t.request('POST', `/api/v1/conversations/${conversation}/assign`, {
        ...as(admin),
        body: { assigneeId: admin.userId },
      });
      expect(assigned.status).toBe(200);
      const [event] = (await outboxEvents(t, 'conversation.assigned')).filter(
        (e) => e.data.conversationId === conversation,
      );
      await eventually(async () => {
        const [row] = await t.sql<{ dispatched_at: Date | null }>(
          'SELECT dispatched_at FROM outbox_events WHERE id = $1',
          [event!.id],
        );
        return row?.dispatched_at ?? undefined;
      });
      expect(await notificationsQueue.getJob(`notifications-${event!.id}`)).toBeUndefined();
      expect(await notificationsOf(admin.userId)).toEqual([]);
    });
  });

  describe('handoffs and mentions', () => {
    it('tells the agents of the department of a handoff, and everyone who takes chats when there is none', async () => {
      const admin = await register(t, { name: 'Handoff Admin' });
      const inDepartment = await addMember(t, admin, 'agent');
      const elsewhere = await addMember(t, admin, 'agent');
      const viewer = await addMember(t, admin, 'viewer');
      const department = await t.request('POST', '/api/v1/departments', {
        ...as(admin),
        body: { name: 'Billing desk' },
      });
      expect(department.status).toBe(201);
      const joined = await t.request(
        'PUT',
        `/api/v1/departments/${department.body.id}/members/${inDepartment.userId}`,
        as(admin),
      );
      expect(joined.status).toBeLessThan(300);

      const conversation = await insertConversation(t, {
        organizationId: admin.organizationId,
        departmentId: department.body.id,
      });
      const handoff = (departmentId: string | null): DomainEvents['conversation.bot_handoff'] => ({
        conversationId: conversation,
        sessionId: null,
        chatbotId: null,
        departmentId,
        message: 'The visitor wants a refund',
        contact: { name: 'Vera Visitor', email: null, phone: null, attributes: {} },
      });
      const eventId = await emit('conversation.bot_handoff', admin.organizationId, handoff(department.body.id));
      const row = await waitForNotification(inDepartment.userId, 'conversation.handoff_waiting');
      expect(row).toMatchObject({
        title: 'A conversation is waiting in Billing desk',
        body: 'A bot handed over a conversation with Vera Visitor: The visitor wants a refund',
        data: {
          conversationId: conversation,
          departmentId: department.body.id,
          url: `${DASHBOARD}/conversations/${conversation}`,
        },
      });
      await notified(eventId);
      for (const other of [elsewhere, admin, viewer]) expect(await notificationsOf(other.userId)).toEqual([]);
      // Email is off by default for handoffs (noisy).
      expect(
        await mailQueue.getJob(`notification-conversation.handoff_waiting-${eventId}-${inDepartment.userId}`),
      ).toBeUndefined();

      const anyone = await emit('conversation.bot_handoff', admin.organizationId, handoff(null));
      await notified(anyone);
      for (const who of [inDepartment, elsewhere, admin]) {
        expect(await notificationsOf(who.userId, 'conversation.handoff_waiting')).toHaveLength(
          who === inDepartment ? 2 : 1,
        );
      }
      expect(await notificationsOf(viewer.userId)).toEqual([]);
    });

    it('notifies the members a private note mentions (not its author), escaping their text in HTML', async () => {
      const admin = await register(t);
      const author = await addMember(t, admin, 'agent');
      const mentioned = await addMember(t, admin, 'agent');
      await t.sql('UPDATE users SET name = $2 WHERE id = $1', [author.userId, 'Eve <script>alert(1)</script>']);
      const stranger = await register(t);
      const conversation = await insertConversation(t, { organizationId: admin.organizationId });
      const send = (body: Record<string, unknown>) =>
        t.request('POST', `/api/v1/conversations/${conversation}/messages`, { ...as(author), body });

      const outsider = await send({ clientMessageId: 'n0', text: 'hi', private: true, mentions: [stranger.userId] });
      expect(outsider.status).toBe(400);
      expect(outsider.body.errors).toEqual([
        { field: 'mentions', message: 'each must be a member of the organization' },
      ]);
      const notANote = await send({ clientMessageId: 'n0', text: 'hi', mentions: [mentioned.userId] });
      expect(notANote.status).toBe(400);
      expect(notANote.body.errors[0].field).toBe('mentions');
      const tooMany = await send({
        clientMessageId: 'n0',
        text: 'hi',
        private: true,
        mentions: Array.from({ length: 21 }, () => randomUUID()),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0].field).toBe('mentions');
      const notIds = await send({ clientMessageId: 'n0', text: 'hi', private: true, mentions: ['nope'] });
      expect(notIds.status).toBe(400);

      const note = await send({
        clientMessageId: 'n1',
        text: 'Please check <b>this</b> <script>steal()</script> refund',
        private: true,
        mentions: [mentioned.userId, author.userId],
      });
      expect(note.status).toBe(201);
      expect(note.body.content).toMatchObject({ mentions: [mentioned.userId, author.userId] });

      const row = await waitForNotification(mentioned.userId, 'note.mention');
      expect(row).toMatchObject({
        title: 'Eve <script>alert(1)</script> mentioned you in a note',
        body: 'Please check <b>this</b> <script>steal()</script> refund',
        data: { conversationId: conversation, messageId: note.body.id },
      });
      const mail = await mailTo(mentioned.email, /mentioned you/);
      expect(mail.parsed.html).toContain('&lt;script&gt;steal()&lt;/script&gt;');
      expect(mail.parsed.html).toContain('Eve &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.parsed.html).not.toContain('<script>');
      expect(mail.parsed.text).toContain('> Please check <b>this</b>');
      expect(mail.parsed.subject).toBe('Eve <script>alert(1)</script> mentioned you in a note');
      expect(await notificationsOf(author.userId)).toEqual([]);

      // The same over the /agent socket.
      const socket = await connect(t, '/agent', { token: author.accessToken });
      const bad = await request(socket, 'message.send', {
        conversationId: conversation,
        clientMessageId: 's0',
        text: 'hi',
        private: true,
        mentions: [stranger.userId],
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'request.validation_failed' } });
      const sent = await request(socket, 'message.send', {
        conversationId: conversation,
        clientMessageId: 's1',
        text: 'Over the socket',
        private: true,
        mentions: [mentioned.userId],
      });
      expect(sent.ok).toBe(true);
      await eventually(
        async () => ((await notificationsOf(mentioned.userId, 'note.mention')).length === 2 ? true : undefined),
        20_000,
      );
      expect((await notificationsOf(mentioned.userId, 'note.mention'))[1]).toMatchObject({
        body: 'Over the socket',
        data: { messageId: sent.message.id },
      });
    });
  });

  describe('organization events for admins', () => {
    it('tells every org admin of a quota warning and a disabled webhook, in-app and by email', async () => {
      const admin = await register(t, { organizationName: 'Quota Org' });
      const second = await addMember(t, admin, 'org_admin');
      const agent = await addMember(t, admin, 'agent');
      const disabled = await addMember(t, admin, 'org_admin');
      await t.sql('UPDATE users SET disabled_at = now() WHERE id = $1', [disabled.userId]);

      const quota = await emit('billing.quota_warning', admin.organizationId, quotaWarning());
      for (const who of [admin, second]) {
        const row = await waitForNotification(who.userId, 'billing.quota_warning');
        expect(row).toMatchObject({
          title: 'You used 80% of your monthly AI budget',
          body: 'Your organization has used $40.00 of $50.00 (80%) of its monthly AI budget this period.',
          data: { limit: 'ai_budget_usd', threshold: 80, used: 40, max: 50, url: `${DASHBOARD}/settings/billing` },
        });
        const mail = await mailTo(who.email, /80% of your monthly AI budget/);
        expect(mail.parsed.text).toContain('$40.00 of $50.00');
      }

      const subscriptionId = randomUUID();
      await emit('webhook.subscription_disabled', admin.organizationId, {
        subscriptionId,
        url: 'https://hooks.example.com/in',
        reason: 'HTTP 500 from the endpoint',
        consecutiveFailures: 5,
        disabledAt: new Date().toISOString(),
      });
      for (const who of [admin, second]) {
        const row = await waitForNotification(who.userId, 'webhook.subscription_disabled');
        expect(row.body).toBe(
          'Deliveries to https://hooks.example.com/in failed 5 times in a row, so the subscription was disabled: HTTP 500 from the endpoint',
        );
        expect(row.data).toMatchObject({ subscriptionId, url: `${DASHBOARD}/settings/webhooks/${subscriptionId}` });
        await mailTo(who.email, /A webhook was disabled/);
      }
      await emit('billing.subscription_changed', admin.organizationId, {
        plan: 'professional',
        previousPlan: 'starter',
        status: 'active',
        previousStatus: 'active',
        currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        byUserId: admin.userId,
      });
      for (const who of [admin, second]) {
        const row = await waitForNotification(who.userId, 'billing.subscription_changed');
        expect(row.title).toBe('Your plan changed to professional');
        await mailTo(who.email, /Your plan changed to professional/);
      }
      await notified(quota);
      expect(await notificationsOf(agent.userId)).toEqual([]);
      expect(await notificationsOf(disabled.userId)).toEqual([]);
      expect(mailsTo(disabled.email).filter((m) => /budget|webhook|plan/.test(m.parsed.subject ?? ''))).toEqual([]);
      expect(mailsTo(agent.email).filter((m) => /budget|webhook/.test(m.parsed.subject ?? ''))).toEqual([]);
    });

    it('makes no duplicate of a redelivered event', async () => {
      const admin = await register(t);
      const id = await emit('billing.quota_warning', admin.organizationId, {
        ...quotaWarning(),
        limit: 'conversations',
        threshold: 100,
        used: 1000,
        max: 1000,
      });
      const row = await waitForNotification(admin.userId, 'billing.quota_warning');
      expect(row.title).toBe('You reached your conversations');
      // The outbox hands it out again (a crash before it was marked dispatched) …
      await notified(id);
      await t.sql('UPDATE outbox_events SET dispatched_at = NULL WHERE id = $1', [id]);
      await eventually(async () => {
        const [r] = await t.sql<{ dispatched_at: Date | null }>(
          'SELECT dispatched_at FROM outbox_events WHERE id = $1',
          [id],
        );
        return r?.dispatched_at ?? undefined;
      });
      // … and the job runs again on its own (its BullMQ twin long gone).
      const [event] = (await outboxEvents(t, 'billing.quota_warning')).filter((e) => e.id === id);
      await expect(t.app.get(NotificationDelivery).deliver(event!)).resolves.toEqual({ notified: 0, emails: 1 });
      expect(await notificationsOf(admin.userId)).toHaveLength(1);
      await mailTo(admin.email, /reached your conversations/);
      expect(
        mailsTo(admin.email).filter((m) => /reached your conversations/.test(m.parsed.subject ?? '')),
      ).toHaveLength(1);
    });
  });

  describe('preferences', () => {
    it('lists every type and channel with its default, and stores choices', async () => {
      const agent = await register(t);
      const initial = await t.request('GET', '/api/v1/notification-preferences', as(agent));
      expect(initial.status).toBe(200);
      expect(initial.body.items).toHaveLength(12);
      expect(initial.body.items).toContainEqual(
        expect.objectContaining({
          type: 'conversation.handoff_waiting',
          channel: 'email',
          enabled: false,
          isDefault: true,
        }),
      );
      expect(initial.body.items).toContainEqual(
        expect.objectContaining({ type: 'conversation.assigned', channel: 'email', enabled: true, isDefault: true }),
      );
      const put = await t.request('PUT', '/api/v1/notification-preferences', {
        ...as(agent),
        body: { preferences: [{ type: 'conversation.handoff_waiting', channel: 'email', enabled: true }] },
      });
      expect(put.status).toBe(200);
      expect(put.body.items).toContainEqual(
        expect.objectContaining({
          type: 'conversation.handoff_waiting',
          channel: 'email',
          enabled: true,
          isDefault: false,
        }),
      );
      expect((await t.request('GET', '/api/v1/notification-preferences', as(agent))).body).toEqual(put.body);
    });

    it('refuses bad choices, naming the item', async () => {
      const agent = await register(t);
      const put = (body: unknown) => t.request('PUT', '/api/v1/notification-preferences', { ...as(agent), body });
      const unknownType = await put({
        preferences: [
          { type: 'conversation.assigned', channel: 'email', enabled: true },
          { type: 'nope', channel: 'email', enabled: true },
        ],
      });
      expect(unknownType.status).toBe(400);
      expect(unknownType.headers.get('content-type')).toContain('application/problem+json');
      expect(unknownType.body.errors.map((e: { field: string }) => e.field)).toEqual(['preferences[1].type']);
      const badChannel = await put({ preferences: [{ type: 'note.mention', channel: 'sms', enabled: 'yes' }] });
      expect(badChannel.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'preferences[0].channel',
        'preferences[0].enabled',
      ]);
      const twice = await put({
        preferences: [
          { type: 'note.mention', channel: 'email', enabled: true },
          { type: 'note.mention', channel: 'email', enabled: false },
        ],
      });
      expect(twice.status).toBe(400);
      expect(twice.body.errors).toEqual([
        { field: 'preferences[1]', message: 'this type and channel is already listed' },
      ]);
      expect((await put({ preferences: [] })).body.errors[0].field).toBe('preferences');
      expect((await put({})).status).toBe(400);
      expect(
        (await put({ preferences: [{ type: 'note.mention', channel: 'email', enabled: true, extra: 1 }] })).status,
      ).toBe(400);
      expect((await t.sql('SELECT 1 FROM notification_preferences WHERE user_id = $1', [agent.userId])).length).toBe(0);
    });

    it('mutes email (the in-app copy still comes) and in-app (the email still comes)', async () => {
      const quiet = await register(t);
      const loud = await addMember(t, quiet, 'org_admin');
      const mute = await t.request('PUT', '/api/v1/notification-preferences', {
        ...as(quiet),
        body: {
          preferences: [
            { type: 'billing.quota_warning', channel: 'email', enabled: false },
            { type: 'webhook.subscription_disabled', channel: 'in_app', enabled: false },
          ],
        },
      });
      expect(mute.status).toBe(200);

      const quota = await emit('billing.quota_warning', quiet.organizationId, {
        ...quotaWarning(),
        limit: 'contacts',
        used: 800,
        max: 1000,
      });
      await waitForNotification(quiet.userId, 'billing.quota_warning');
      await mailTo(loud.email, /80% of your contacts/);
      await notified(quota);
      expect(await mailQueue.getJob(`notification-billing.quota_warning-${quota}-${quiet.userId}`)).toBeUndefined();
      expect(mailsTo(quiet.email).filter((m) => /contacts/.test(m.parsed.subject ?? ''))).toEqual([]);

      const hook = await emit('webhook.subscription_disabled', quiet.organizationId, {
        subscriptionId: randomUUID(),
        url: 'https://muted.example.com/hook',
        reason: 'timeout',
        consecutiveFailures: 3,
        disabledAt: new Date().toISOString(),
      });
      await waitForNotification(loud.userId, 'webhook.subscription_disabled');
      await mailTo(quiet.email, /A webhook was disabled/);
      await notified(hook);
      expect(await notificationsOf(quiet.userId, 'webhook.subscription_disabled')).toEqual([]);
    });
  });

  it('keeps the in-app copy while SMTP is down, and the email arrives once it is back', async () => {
    const admin = await register(t);
    await smtp.stop();
    try {
      const id = await emit('billing.quota_warning', admin.organizationId, {
        ...quotaWarning(),
        limit: 'messages',
        used: 900,
        max: 1000,
      });
      await waitForNotification(admin.userId, 'billing.quota_warning');
      const jobId = `notification-billing.quota_warning-${id}-${admin.userId}`;
      const failed = await eventually(async () => {
        const job = await mailQueue.getJob(jobId);
        return job && job.attemptsMade >= 1 ? job : undefined;
      }, 20_000);
      expect(failed.opts.attempts).toBe(t.config.notifications.emailAttempts);
      expect(failed.failedReason).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await smtp.start(smtpPort);
    }
    const mail = await mailTo(admin.email, /80% of your messages/);
    expect(mail.parsed.text).toContain('900 of 1,000');
    expect(await notificationsOf(admin.userId, 'billing.quota_warning')).toHaveLength(1);
  }, 90_000);

  describe('access', () => {
    it('shows each user only their own notifications: another user or organization gets 404', async () => {
      const admin = await register(t);
      const agent = await addMember(t, admin, 'agent');
      const foreign = await register(t);
      await emit('billing.quota_warning', admin.organizationId, quotaWarning());
      const row = await waitForNotification(admin.userId, 'billing.quota_warning');
      for (const who of [agent, foreign]) {
        expect((await t.request('POST', `/api/v1/notifications/${row.id}/read`, as(who))).status).toBe(404);
        const del = await t.request('DELETE', `/api/v1/notifications/${row.id}`, as(who));
        expect(del.status).toBe(404);
        expect(del.body.code).toBe('notification.not_found');
        expect((await t.request('GET', '/api/v1/notifications', as(who))).body.items).toEqual([]);
        expect((await t.request('GET', '/api/v1/notifications/unread-count', as(who))).body).toEqual({ count: 0 });
        expect((await t.request('POST', '/api/v1/notifications/read-all', as(who))).body).toEqual({ updated: 0 });
      }
      const [stored] = await notificationsOf(admin.userId);
      expect(stored!.read_at).toBeNull();
      expect((await t.request('POST', `/api/v1/notifications/${randomUUID()}/read`, as(admin))).status).toBe(404);
    });

    it('keeps a member of two organizations’ notifications apart', async () => {
      const both = await register(t, { organizationName: 'First Org' });
      const other = await register(t, { organizationName: 'Second Org' });
      const invite = await t.request('POST', '/api/v1/invitations', {
        ...as(other),
        body: { email: both.email, role: 'viewer' },
      });
      const joined = await t.request('POST', '/api/v1/invitations/accept', {
        ...as(both),
        body: { token: invite.body.token },
      });
      expect(joined.status).toBe(200);
      await emit('billing.quota_warning', both.organizationId, quotaWarning());
      const row = await waitForNotification(both.userId, 'billing.quota_warning');
      const inFirst = { ...as(both), organizationId: both.organizationId };
      const inSecond = { ...as(both), organizationId: other.organizationId };
      expect((await t.request('GET', '/api/v1/notifications', inFirst)).body.items).toHaveLength(1);
      expect((await t.request('GET', '/api/v1/notifications', inSecond)).body).toEqual({ items: [], nextCursor: null });
      expect((await t.request('POST', `/api/v1/notifications/${row.id}/read`, inSecond)).status).toBe(404);
      expect((await t.request('POST', '/api/v1/notifications/read-all', inSecond)).body).toEqual({ updated: 0 });
      expect((await t.request('GET', '/api/v1/notifications/unread-count', inFirst)).body).toEqual({ count: 1 });
      // Preferences are per organization too.
      const muted = await t.request('PUT', '/api/v1/notification-preferences', {
        ...inSecond,
        body: { preferences: [{ type: 'note.mention', channel: 'in_app', enabled: false }] },
      });
      expect(muted.status).toBe(200);
      const first = await t.request('GET', '/api/v1/notification-preferences', inFirst);
      expect(first.body.items).toContainEqual(
        expect.objectContaining({ type: 'note.mention', channel: 'in_app', enabled: true, isDefault: true }),
      );
    });

    it('pages with a cursor, refuses bad input and API keys', async () => {
      const admin = await register(t);
      for (let i = 0; i < 3; i++)
        await emit('billing.quota_warning', admin.organizationId, { ...quotaWarning(), used: 40 + i });
      await eventually(async () => ((await notificationsOf(admin.userId)).length === 3 ? true : undefined), 20_000);
      const first = await t.request('GET', '/api/v1/notifications?limit=2', as(admin));
      expect(first.body.items).toHaveLength(2);
      const rest = await t.request('GET', `/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`, as(admin));
      expect(rest.body).toEqual({
        items: [expect.objectContaining({ type: 'billing.quota_warning' })],
        nextCursor: null,
      });
      const ids = [...first.body.items, ...rest.body.items].map((n: { id: string }) => n.id);
      expect(ids).toEqual([...ids].sort().reverse());

      for (const query of ['unread=maybe', 'limit=0', 'limit=101', 'cursor=nope', 'other=1']) {
        const bad = await t.request('GET', `/api/v1/notifications?${query}`, as(admin));
        expect(bad.status).toBe(400);
      }
      expect((await t.request('GET', '/api/v1/notifications?unread=maybe', as(admin))).body.errors[0].field).toBe(
        'unread',
      );
      expect((await t.request('POST', '/api/v1/notifications/not-a-uuid/read', as(admin))).status).toBe(400);
      expect((await t.request('GET', '/api/v1/notifications')).status).toBe(401);

      const key = await t.request('POST', '/api/v1/api-keys', { ...as(admin), body: { name: 'k', role: 'org_admin' } });
      const byKey = await t.request('GET', '/api/v1/notifications', { token: key.body.key });
      expect(byKey.status).toBe(403);
      expect(byKey.body.code).toBe('notification.user_required');
      expect((await t.request('GET', '/api/v1/notification-preferences', { token: key.body.key })).status).toBe(403);
    });
  });

  it('prunes read notifications past the retention, not unread ones', async () => {
    const admin = await register(t);
    const old = new Date(Date.now() - (t.config.notifications.retentionDays + 1) * 86_400_000);
    const insert = (readAt: Date | null) =>
      t.sql(
        `INSERT INTO notifications (id, organization_id, user_id, type, title, body, source_event_id, created_at, read_at)
         VALUES ($1, $2, $3, 'billing.quota_warning', 't', 'b', $4, $5, $6)`,
        [randomUUID(), admin.organizationId, admin.userId, randomUUID(), old, readAt],
      );
    await insert(old);
    await insert(null);
    await insert(new Date());
    // The daily schedule exists; run its job now.
    const [schedule] = (await notificationsQueue.getJobSchedulers()).filter((j) => j.key === 'prune-notifications');
    expect(schedule).toMatchObject({ name: 'prune', pattern: '40 3 * * *' });
    const job = await notificationsQueue.add('prune', { organizationId: null });
    const done = await eventually(async () => {
      const found = await notificationsQueue.getJob(job.id!);
      return found?.finishedOn ? found : undefined;
    });
    expect(done.returnvalue.deleted).toBeGreaterThanOrEqual(1);
    const left = await notificationsOf(admin.userId);
    expect(left).toHaveLength(2);
    expect(left.filter((n) => n.read_at === null)).toHaveLength(1);
  });
});
