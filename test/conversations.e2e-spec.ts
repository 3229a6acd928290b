import { asOrganizationId } from '@/access/organization-id';
import { ConversationsService } from '@/chat/conversations.service';
import { eventually, insertConversation } from './support/conversations';
import { addMember, register, type Account } from './support/identity';
import { outboxData } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

describe('live chat REST: conversations', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;
  let viewer: Account;
  let other: Account;
  let departmentId: string;

  const as = (who: Account) => ({ token: who.accessToken });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { name: 'Ada Admin', organizationName: 'Chat Org' });
    agent = await addMember(t, admin, 'agent');
    await t.sql(`UPDATE users SET name = 'Ada' WHERE id = $1`, [agent.userId]);
    viewer = await addMember(t, admin, 'viewer');
    other = await register(t, { organizationName: 'Other Org' });
    const department = await t.request('POST', '/api/v1/departments', { ...as(admin), body: { name: 'Support' } });
    departmentId = department.body.id;
  });
  afterAll(() => t.close());

  describe('the inbox', () => {
    let org: string;
    let a: Account;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      a = await register(t, { organizationName: 'Inbox Org' });
      org = a.organizationId;
      const dept = await t.request('POST', '/api/v1/departments', { ...as(a), body: { name: 'Sales' } });
      const bot = await t.request('POST', '/api/v1/chatbots', {
        ...as(a),
        body: { name: 'Bot', templateId: 'lead-capture' },
      });
      ids.open = await insertConversation(t, {
        organizationId: org,
        agoSeconds: 50,
        contact: { name: 'Carla', email: 'carla@example.com' },
        messages: [
          { senderType: 'bot', text: 'Hi!' },
          { senderType: 'visitor', text: 'I want a refund' },
        ],
      });
      ids.mine = await insertConversation(t, {
        organizationId: org,
        agoSeconds: 40,
        assigneeId: a.userId,
        labels: ['vip'],
      });
      ids.dept = await insertConversation(t, { organizationId: org, agoSeconds: 30, departmentId: dept.body.id });
      ids.resolved = await insertConversation(t, { organizationId: org, agoSeconds: 20, status: 'resolved' });
      ids.whatsapp = await insertConversation(t, {
        organizationId: org,
        agoSeconds: 10,
        status: 'snoozed',
        channel: 'whatsapp',
        chatbotId: bot.body.id,
      });
      ids.preview = await insertConversation(t, { organizationId: org, agoSeconds: 5, preview: true });
      ids.dept2 = dept.body.id;
      ids.bot = bot.body.id;
    });

    const list = async (query = '') => {
      const res = await t.request('GET', `/api/v1/conversations${query}`, as(a));
      expect(res.status).toBe(200);
      return res.body as { items: { id: string }[]; nextCursor: string | null };
    };
    const idsOf = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

    it('lists newest activity first, never previews, with contact, last message and unread', async () => {
      const page = await list();
      expect(idsOf(page)).toEqual([ids.whatsapp, ids.resolved, ids.dept, ids.mine, ids.open]);
      const open = page.items.find((i) => i.id === ids.open) as unknown as Record<string, unknown>;
      expect(open).toMatchObject({
        status: 'open',
        priority: 'none',
        contact: { name: 'Carla', email: 'carla@example.com' },
        assignee: null,
        lastMessage: { text: 'I want a refund', senderType: 'visitor' },
        unreadCount: 2,
        lastSeq: 2,
      });
      expect(open.waitingSince).toEqual(expect.any(String));
      expect(idsOf(await list())).not.toContain(ids.preview);
      expect((await t.request('GET', `/api/v1/conversations/${ids.preview}`, as(a))).status).toBe(404);
    });

    it('filters by status (one or several), assignee, mine, unassigned, department, label, chatbot and channel', async () => {
      expect(idsOf(await list('?status=open'))).toEqual([ids.dept, ids.mine, ids.open]);
      expect(idsOf(await list('?status=resolved&status=snoozed'))).toEqual([ids.whatsapp, ids.resolved]);
      expect(idsOf(await list('?status=resolved,snoozed'))).toEqual([ids.whatsapp, ids.resolved]);
      expect(idsOf(await list(`?assigneeId=${a.userId}`))).toEqual([ids.mine]);
      expect(idsOf(await list('?mine=true'))).toEqual([ids.mine]);
      expect(idsOf(await list('?unassigned=true&status=open'))).toEqual([ids.dept, ids.open]);
      expect(idsOf(await list(`?departmentId=${ids.dept2}`))).toEqual([ids.dept]);
      expect(idsOf(await list('?label=VIP'))).toEqual([ids.mine]);
      expect(idsOf(await list(`?chatbotId=${ids.bot}`))).toEqual([ids.whatsapp]);
      expect(idsOf(await list('?channel=whatsapp'))).toEqual([ids.whatsapp]);
      const bad = await t.request('GET', '/api/v1/conversations?status=closed', as(a));
      expect(bad.status).toBe(400);
    });

    it('pages with an opaque keyset cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...idsOf(page));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([ids.whatsapp, ids.resolved, ids.dept, ids.mine, ids.open]);
      const bad = await t.request('GET', '/api/v1/conversations?cursor=bm9wZQ', as(a));
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    });

    it('counts unread messages per conversation and for the caller, and read markers lower them', async () => {
      await t.request('POST', `/api/v1/conversations/${ids.mine}/status`, { ...as(a), body: { status: 'open' } });
      const before = await t.request('GET', '/api/v1/conversations/unread', as(a));
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        total: 1,
        conversations: 1,
        byStatus: { pending: 0, open: 1, resolved: 0, snoozed: 0 },
      });
      const messages = await t.request('GET', `/api/v1/conversations/${ids.mine}/messages`, as(a));
      const last = messages.body.items[messages.body.items.length - 1];
      const read = await t.request('POST', `/api/v1/conversations/${ids.mine}/read`, {
        ...as(a),
        body: { messageId: last.id },
      });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ conversationId: ids.mine, lastReadSeq: last.seq, messageId: last.id });
      const after = await t.request('GET', '/api/v1/conversations/unread', as(a));
      expect(after.body.total).toBe(0);
      const one = await t.request('GET', `/api/v1/conversations/${ids.mine}`, as(a));
      expect(one.body.unreadCount).toBe(0);
      // Reading an older message never moves the marker back.
      const again = await t.request('POST', `/api/v1/conversations/${ids.mine}/read`, {
        ...as(a),
        body: { messageId: messages.body.items[0].id },
      });
      expect(again.body.lastReadSeq).toBe(last.seq);
    });
  });

  describe('agent messages and notes', () => {
    it('is idempotent by clientMessageId: 201 then 200 with the same message, one row', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const body = { clientMessageId: 'c-1', text: 'Hello, how can I help?' };
      const first = await t.request('POST', `/api/v1/conversations/${id}/messages`, { ...as(agent), body });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        conversationId: id,
        seq: 2,
        kind: 'message',
        sender: { type: 'agent', id: agent.userId, name: 'Ada' },
        text: 'Hello, how can I help?',
        clientMessageId: 'c-1',
      });
      const resend = await t.request('POST', `/api/v1/conversations/${id}/messages`, { ...as(agent), body });
      expect(resend.status).toBe(200);
      expect(resend.body.id).toBe(first.body.id);
      const rows = await t.sql(
        'SELECT id FROM conversation_messages WHERE conversation_id = $1 AND client_message_id = $2',
        [id, 'c-1'],
      );
      expect(rows).toHaveLength(1);
      const conversation = await t.request('GET', `/api/v1/conversations/${id}`, as(agent));
      expect(conversation.body.firstReplyAt).toEqual(expect.any(String));
      expect(conversation.body.waitingSince).toBeNull();
      expect(conversation.body.unreadCount).toBe(0); // replying moves the sender's read marker to their message
      const created = await outboxData(t, 'message.created');
      expect(created.filter((e) => e.message.id === first.body.id)).toHaveLength(1);
    });

    it('writes private notes as kind note (listed for agents), without answering the visitor', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const note = await t.request('POST', `/api/v1/conversations/${id}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'n-1', text: 'VIP customer', private: true },
      });
      expect(note.status).toBe(201);
      expect(note.body.kind).toBe('note');
      const history = await t.request('GET', `/api/v1/conversations/${id}/messages`, as(viewer));
      expect(history.body.items.map((m: { kind: string }) => m.kind)).toEqual(['message', 'note']);
      const conversation = await t.request('GET', `/api/v1/conversations/${id}`, as(agent));
      expect(conversation.body.firstReplyAt).toBeNull();
      expect(conversation.body.lastMessage.text).toBe('Hello, I need help');
    });

    it('expands a canned response at the start of the text', async () => {
      const canned = await t.request('POST', '/api/v1/canned-responses', {
        ...as(admin),
        body: { shortCode: 'Thanks', content: 'Thank you for your patience.' },
      });
      expect(canned.status).toBe(201);
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const sent = await t.request('POST', `/api/v1/conversations/${id}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'x', text: '/thanks See you!' },
      });
      expect(sent.body.text).toBe('Thank you for your patience. See you!');
      expect(sent.body.content).toEqual({
        text: 'Thank you for your patience. See you!',
        cannedResponseId: canned.body.id,
      });
      const unknown = await t.request('POST', `/api/v1/conversations/${id}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'y', text: '/nope as is' },
      });
      expect(unknown.body.text).toBe('/nope as is');
    });

    it('refuses a message while the bot has the conversation (409), but takes a note', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId, status: 'pending' });
      const message = await t.request('POST', `/api/v1/conversations/${id}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'p', text: 'hi' },
      });
      expect(message.status).toBe(409);
      expect(message.body.code).toBe('conversation.invalid_state');
      const note = await t.request('POST', `/api/v1/conversations/${id}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'p', text: 'watching', private: true },
      });
      expect(note.status).toBe(201);
    });
  });

  describe('actions', () => {
    it('assigns to a member agent with an activity line and conversation.assigned; a non-member is 400', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const assigned = await t.request('POST', `/api/v1/conversations/${id}/assign`, {
        ...as(admin),
        body: { assigneeId: agent.userId },
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body.assignee).toEqual({ id: agent.userId, name: 'Ada' });
      const history = await t.request('GET', `/api/v1/conversations/${id}/messages`, as(agent));
      const line = history.body.items[history.body.items.length - 1];
      expect(line).toMatchObject({
        kind: 'activity',
        sender: { type: 'system' },
        text: 'Ada Admin assigned the conversation to Ada',
      });
      const events = (await outboxData(t, 'conversation.assigned')).filter((e) => e.conversationId === id);
      expect(events).toEqual([
        {
          conversationId: id,
          assigneeId: agent.userId,
          previousAssigneeId: null,
          departmentId: null,
          byUserId: admin.userId,
        },
      ]);

      for (const assigneeId of [viewer.userId, other.userId]) {
        const refused = await t.request('POST', `/api/v1/conversations/${id}/assign`, {
          ...as(admin),
          body: { assigneeId },
        });
        expect(refused.status).toBe(400);
        expect(refused.body.code).toBe('conversation.invalid_assignee');
      }
      const unassigned = await t.request('POST', `/api/v1/conversations/${id}/assign`, {
        ...as(agent),
        body: { assigneeId: null },
      });
      expect(unassigned.body.assignee).toBeNull();
      const after = await t.request('GET', `/api/v1/conversations/${id}/messages`, as(agent));
      expect(after.body.items[after.body.items.length - 1].text).toBe('Ada unassigned the conversation');
    });

    it('moves through statuses with activity lines and events; a bot-owned one is 409', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const resolved = await t.request('POST', `/api/v1/conversations/${id}/resolve`, as(agent));
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
      const snoozeResolved = await t.request('POST', `/api/v1/conversations/${id}/snooze`, {
        ...as(agent),
        body: { until: new Date(Date.now() + 3_600_000).toISOString() },
      });
      expect(snoozeResolved.status).toBe(409);
      const reopened = await t.request('POST', `/api/v1/conversations/${id}/reopen`, as(agent));
      expect(reopened.body).toMatchObject({ status: 'open', resolvedAt: null });
      const past = await t.request('POST', `/api/v1/conversations/${id}/snooze`, {
        ...as(agent),
        body: { until: new Date(Date.now() - 1000).toISOString() },
      });
      expect(past.status).toBe(400);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const snoozed = await t.request('POST', `/api/v1/conversations/${id}/status`, {
        ...as(agent),
        body: { status: 'snoozed', snoozedUntil: until },
      });
      expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: until });
      const again = await t.request('POST', `/api/v1/conversations/${id}/status`, {
        ...as(agent),
        body: { status: 'open' },
      });
      expect(again.body.status).toBe('open');

      const lines = (await t.request('GET', `/api/v1/conversations/${id}/messages`, as(agent))).body.items
        .filter((m: { kind: string }) => m.kind === 'activity')
        .map((m: { text: string }) => m.text);
      expect(lines).toEqual([
        'Ada resolved the conversation',
        'Ada reopened the conversation',
        `Ada snoozed the conversation until ${until}`,
        'Ada reopened the conversation',
      ]);
      const changes = (await outboxData(t, 'conversation.status_changed')).filter((e) => e.conversationId === id);
      expect(changes.map((e) => `${e.previousStatus}>${e.status}`)).toEqual([
        'open>resolved',
        'resolved>open',
        'open>snoozed',
        'snoozed>open',
      ]);
      expect((await outboxData(t, 'conversation.resolved')).filter((e) => e.conversationId === id)).toEqual([
        { conversationId: id, byUserId: agent.userId },
      ]);

      const pending = await insertConversation(t, { organizationId: admin.organizationId, status: 'pending' });
      const refused = await t.request('POST', `/api/v1/conversations/${pending}/resolve`, as(agent));
      expect(refused.status).toBe(409);
    });

    it('reopens a snooze when it is due (delayed job, and the sweep)', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const snoozed = await t.request('POST', `/api/v1/conversations/${id}/snooze`, {
        ...as(agent),
        body: { until: new Date(Date.now() + 1_200).toISOString() },
      });
      expect(snoozed.body.status).toBe('snoozed');
      await eventually(async () => {
        const [row] = await t.sql<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [id]);
        return row?.status === 'open' ? true : undefined;
      });
      const lines = (await t.request('GET', `/api/v1/conversations/${id}/messages`, as(agent))).body.items.map(
        (m: { text: string }) => m.text,
      );
      expect(lines[lines.length - 1]).toBe('The snooze ended: the conversation is open again');

      // The sweep catches up a due snooze whose job never ran, and is idempotent.
      const late = await insertConversation(t, { organizationId: admin.organizationId, status: 'snoozed' });
      await t.sql(`UPDATE conversations SET snoozed_until = now() - interval '1 minute' WHERE id = $1`, [late]);
      const service = t.app.get(ConversationsService);
      expect(await service.reopenDueSnoozes()).toBeGreaterThanOrEqual(1);
      expect(await service.reopenIfDue(asOrganizationId(admin.organizationId), late)).toBe(false);
      const [row] = await t.sql<{ status: string; last_seq: number }>(
        'SELECT status, last_seq FROM conversations WHERE id = $1',
        [late],
      );
      expect(row).toEqual({ status: 'open', last_seq: 2 });
    });

    it('sets priority, normalized labels and department with conversation.updated', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const updated = await t.request('PATCH', `/api/v1/conversations/${id}`, {
        ...as(agent),
        body: { priority: 'high', labels: ['Billing', 'billing', 'VIP'], departmentId },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        priority: 'high',
        labels: ['billing', 'vip'],
        department: { id: departmentId, name: 'Support' },
      });
      const events = (await outboxData(t, 'conversation.updated')).filter((e) => e.conversationId === id);
      expect(events).toEqual([
        {
          conversationId: id,
          changes: { priority: 'high', labels: ['billing', 'vip'], departmentId },
          byUserId: agent.userId,
        },
      ]);
      for (const body of [
        { labels: Array.from({ length: 21 }, (_, i) => `l${i}`) },
        { labels: ['x'.repeat(51)] },
        { labels: ['has space'] },
        { priority: 'asap' },
        { departmentId: other.organizationId },
      ]) {
        const res = await t.request('PATCH', `/api/v1/conversations/${id}`, { ...as(agent), body });
        expect(res.status).toBe(400);
      }
    });

    it('hands back only a conversation that came from a bot session (409 now; the session side lands separately)', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const res = await t.request('POST', `/api/v1/conversations/${id}/handback`, { ...as(agent), body: {} });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conversation.no_bot_session');
    });

    it('lets viewers read but not act (403)', async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      expect((await t.request('GET', `/api/v1/conversations/${id}`, as(viewer))).status).toBe(200);
      const attempts: [string, string, unknown][] = [
        ['POST', 'messages', { clientMessageId: 'v', text: 'hi' }],
        ['POST', 'assign', { assigneeId: agent.userId }],
        ['POST', 'status', { status: 'resolved' }],
        ['POST', 'resolve', undefined],
        ['POST', 'reopen', undefined],
        ['POST', 'snooze', { until: new Date(Date.now() + 60_000).toISOString() }],
        ['POST', 'handback', {}],
        ['PATCH', '', { priority: 'low' }],
      ];
      for (const [method, action, body] of attempts) {
        const res = await t.request(method, `/api/v1/conversations/${id}${action ? `/${action}` : ''}`, {
          ...as(viewer),
          body,
        });
        expect(`${method} ${action} ${res.status}`).toBe(`${method} ${action} 403`);
      }
    });

    it("answers 404 on every id route for another organization's conversation", async () => {
      const id = await insertConversation(t, { organizationId: admin.organizationId });
      const [message] = await t.sql<{ id: string }>('SELECT id FROM conversation_messages WHERE conversation_id = $1', [
        id,
      ]);
      const routes: [string, string, unknown][] = [
        ['GET', '', undefined],
        ['GET', '/messages', undefined],
        ['POST', '/messages', { clientMessageId: 'o', text: 'hi' }],
        ['POST', '/read', { messageId: message!.id }],
        ['POST', '/assign', { assigneeId: null }],
        ['POST', '/status', { status: 'resolved' }],
        ['POST', '/resolve', undefined],
        ['POST', '/reopen', undefined],
        ['POST', '/snooze', { until: new Date(Date.now() + 60_000).toISOString() }],
        ['PATCH', '', { priority: 'low' }],
        ['POST', '/handback', {}],
      ];
      for (const [method, suffix, body] of routes) {
        const res = await t.request(method, `/api/v1/conversations/${id}${suffix}`, { ...as(other), body });
        expect(`${method} ${suffix} ${res.status}`).toBe(`${method} ${suffix} 404`);
      }
      const [row] = await t.sql<{ status: string; last_seq: number }>(
        'SELECT status, last_seq FROM conversations WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ status: 'open', last_seq: 1 });
    });
  });

  describe('canned responses', () => {
    it('CRUD for admins, read for agents, case-insensitive unique short codes (409), prefix search', async () => {
      const create = (shortCode: string, who = admin) =>
        t.request('POST', '/api/v1/canned-responses', {
          ...as(who),
          body: { shortCode, content: `About ${shortCode}` },
        });
      const refund = await create('refund');
      expect(refund.status).toBe(201);
      expect(refund.body).toMatchObject({ shortCode: 'refund', content: 'About refund', createdById: admin.userId });
      await create('refund-late');
      await create('hello');
      expect((await create('REFUND')).status).toBe(409);
      expect((await create('agentcode', agent)).status).toBe(403);

      const search = await t.request('GET', '/api/v1/canned-responses?search=REF', as(agent));
      expect(search.status).toBe(200);
      expect(search.body.items.map((r: { shortCode: string }) => r.shortCode).sort()).toEqual([
        'refund',
        'refund-late',
      ]);
      const literal = await t.request('GET', '/api/v1/canned-responses?search=re_', as(agent));
      expect(literal.body.items).toEqual([]);

      const renamed = await t.request('PATCH', `/api/v1/canned-responses/${refund.body.id}`, {
        ...as(admin),
        body: { shortCode: 'Hello' },
      });
      expect(renamed.status).toBe(409);
      const changed = await t.request('PATCH', `/api/v1/canned-responses/${refund.body.id}`, {
        ...as(admin),
        body: { content: 'New text' },
      });
      expect(changed.body.content).toBe('New text');
      expect((await t.request('GET', `/api/v1/canned-responses/${refund.body.id}`, as(other))).status).toBe(404);
      expect((await t.request('DELETE', `/api/v1/canned-responses/${refund.body.id}`, as(agent))).status).toBe(403);
      expect((await t.request('DELETE', `/api/v1/canned-responses/${refund.body.id}`, as(admin))).status).toBe(204);
      expect((await t.request('GET', `/api/v1/canned-responses/${refund.body.id}`, as(agent))).status).toBe(404);
    });
  });
});
