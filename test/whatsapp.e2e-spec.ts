import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { eventually } from './support/conversations';
import { publishChatbot } from './support/chatbots';
import {
  FakeWhatsApp,
  interactiveNotification,
  newWamid,
  signed,
  statusNotification,
  textNotification,
} from './support/fake-whatsapp';
import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';
import { Quotas } from '@/billing/billing.contracts';
import type { QuotaService } from '@/billing/quota.service';

const ACCESS_TOKEN = 'EAAG-test-access-token';
const APP_SECRET = 'test-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-please';

/**
 * Greets, asks for a topic with two buttons, then asks for details (text) and hands over to a human;
 * after a hand-back, asks for a rating among four choices (a list) and says goodbye.
 */
const supportFlow = {
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'v-topic', name: 'topic' },
    { id: 'v-details', name: 'details' },
    { id: 'v-rating', name: 'rating' },
  ],
  groups: [
    {
      id: 'g-hello',
      blocks: [
        { id: 'hello', type: 'text', options: { text: 'Hello! I am the **Parley** bot.' } },
        { id: 'ask-topic', type: 'text', options: { text: 'What brings you here?' } },
        {
          id: 'topic',
          type: 'choiceInput',
          options: { variableId: 'v-topic' },
          items: [
            { id: 'sales', label: 'Sales' },
            { id: 'support', label: 'Technical support please' },
          ],
        },
      ],
    },
    {
      id: 'g-details',
      blocks: [
        { id: 'ask-details', type: 'text', options: { text: 'You picked {{topic}}. Tell us more.' } },
        { id: 'details', type: 'textInput', options: { variableId: 'v-details' } },
      ],
    },
    {
      id: 'g-human',
      blocks: [
        { id: 'handoff', type: 'handoff', options: { message: 'Connecting you to a human…' } },
        { id: 'back', type: 'text', options: { text: 'Back with the bot. How did we do?' } },
        {
          id: 'rating',
          type: 'choiceInput',
          options: { variableId: 'v-rating' },
          items: [
            { id: 'great', label: 'Great' },
            { id: 'good', label: 'Good' },
            { id: 'okay', label: 'Okay' },
            { id: 'bad', label: 'Bad' },
          ],
        },
        { id: 'bye', type: 'text', options: { text: 'Bye! ({{rating}})' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g-hello' } },
    { id: 'e1', from: { blockId: 'topic' }, to: { groupId: 'g-details' } },
    { id: 'e2', from: { blockId: 'details' }, to: { groupId: 'g-human' } },
  ],
};

describe('WhatsApp Cloud API channel', () => {
  let t: TestApp;
  let graph: FakeWhatsApp;
  let admin: Account;
  let viewer: Account;
  let agent: Account;
  let other: Account;
  let channelId: string;
  let chatbotId: string;
  const phoneNumberId = '106540352242922';
  let users = 0;
  /** A new WhatsApp user (a new conversation). */
  const newUser = () => ({ waId: `1555020${String(++users).padStart(4, '0')}`, name: `User ${users}` });

  const as = (who: Account) => ({ token: who.accessToken });
  const post = (payload: unknown, id = channelId, secret = APP_SECRET) =>
    t.request('POST', `/api/v1/channels/whatsapp/${id}/webhook`, signed(payload, secret));
  const sentTo = (waId: string) => graph.sent.filter((m) => m.to === waId);
  const messagesOf = (conversationId: string) =>
    t.sql<{ sender_type: string; text: string | null; status: string; content: any; id: string }>(
      'SELECT id, sender_type, text, status, content FROM conversation_messages WHERE conversation_id = $1 ORDER BY seq',
      [conversationId],
    );
  /** `eventually` for a check of what the stand-in recorded (no I/O). */
  const stub = <T>(check: () => T | undefined, timeoutMs?: number) =>
    eventually(() => Promise.resolve(check()), timeoutMs);
  /** Waits until the whatsapp queue's job `jobId` has completed. */
  const completed = (jobId: string) =>
    eventually(async () => {
      const job = await t.app.get<Queue>(getQueueToken('whatsapp')).getJob(jobId);
      return (await job?.getState()) === 'completed' ? true : undefined;
    });
  const conversationOf = async (waId: string) =>
    (
      await t.sql<{ conversation_id: string }>(
        'SELECT conversation_id FROM whatsapp_conversations WHERE wa_id = $1 ORDER BY created_at DESC LIMIT 1',
        [waId],
      )
    )[0]?.conversation_id;

  beforeAll(async () => {
    graph = new FakeWhatsApp({ accessToken: ACCESS_TOKEN });
    const graphUrl = await graph.start();
    t = await startTestApp({ WHATSAPP_GRAPH_URL: graphUrl, WHATSAPP_GRAPH_VERSION: graph.version });
    admin = await register(t, { organizationName: 'WhatsApp Org' });
    viewer = await addMember(t, admin, 'viewer');
    agent = await addMember(t, admin, 'agent');
    other = await register(t, { organizationName: 'Other Org' });
    chatbotId = (await publishChatbot(t, admin, { name: 'WA Bot', flow: supportFlow })).id;
    const created = await t.request('POST', '/api/v1/channels/whatsapp', {
      ...as(admin),
      body: {
        phoneNumberId,
        businessAccountId: '102290129340398',
        accessToken: ACCESS_TOKEN,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        chatbotId,
      },
    });
    expect(created.status).toBe(201);
    channelId = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
  });

  describe('channels', () => {
    it('never returns secrets, seals them at rest, and reads the verified name and quality rating', async () => {
      const res = await t.request('GET', `/api/v1/channels/whatsapp/${channelId}`, as(viewer));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: channelId,
        phoneNumberId,
        chatbotId,
        hasAccessToken: true,
        hasAppSecret: true,
        hasVerifyToken: true,
        webhookUrl: expect.stringMatching(new RegExp(`/api/v1/channels/whatsapp/${channelId}/webhook$`)),
      });
      for (const secret of [ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN]) expect(res.text).not.toContain(secret);
      const [row] = await t.sql<{ access_token_sealed: string; app_secret_sealed: string }>(
        'SELECT access_token_sealed, app_secret_sealed FROM whatsapp_channels WHERE id = $1',
        [channelId],
      );
      expect(row!.access_token_sealed).toMatch(/^v1\./);
      expect(row!.access_token_sealed).not.toContain(ACCESS_TOKEN);
      expect(row!.app_secret_sealed).not.toContain(APP_SECRET);
      const refreshed = await eventually(async () => {
        const r = await t.request('GET', `/api/v1/channels/whatsapp/${channelId}`, as(viewer));
        return r.body.qualityRating ? r.body : undefined;
      });
      expect(refreshed).toMatchObject({ displayName: 'Parley Test Shop', qualityRating: 'GREEN' });
      expect(
        graph.requests.find((r) => r.method === 'GET' && r.path === `/${graph.version}/${phoneNumberId}`),
      ).toBeDefined();
    });

    it('lets org admins write and viewers read; 400 names bad fields; 409 on a number already connected', async () => {
      const body = {
        phoneNumberId: '200000000000001',
        businessAccountId: '300000000000001',
        accessToken: 'x',
        appSecret: 'y',
        verifyToken: 'zzzzzzzz',
      };
      expect((await t.request('POST', '/api/v1/channels/whatsapp', { ...as(agent), body })).status).toBe(403);
      expect((await t.request('POST', '/api/v1/channels/whatsapp', { ...as(viewer), body })).status).toBe(403);
      const bad = await t.request('POST', '/api/v1/channels/whatsapp', {
        ...as(admin),
        body: { ...body, phoneNumberId: 'abc', verifyToken: 'short' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['phoneNumberId', 'verifyToken']);
      const made = await t.request('POST', '/api/v1/channels/whatsapp', { ...as(admin), body });
      expect(made.status).toBe(201);
      const again = await t.request('POST', '/api/v1/channels/whatsapp', { ...as(admin), body });
      expect([again.status, again.body.code]).toEqual([409, 'whatsapp.phone_number_taken']);
      const list = await t.request('GET', '/api/v1/channels/whatsapp', as(viewer));
      expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining([channelId, made.body.id]),
      );
      const patched = await t.request('PATCH', `/api/v1/channels/whatsapp/${made.body.id}`, {
        ...as(admin),
        body: { displayName: 'Second line' },
      });
      expect([patched.status, patched.body.displayName]).toEqual([200, 'Second line']);
      expect((await t.request('DELETE', `/api/v1/channels/whatsapp/${made.body.id}`, as(viewer))).status).toBe(403);
      expect((await t.request('DELETE', `/api/v1/channels/whatsapp/${made.body.id}`, as(admin))).status).toBe(204);
    });

    it("answers 404 for another organization's channel, and its chatbot is refused", async () => {
      for (const [method, path] of [
        ['GET', `/api/v1/channels/whatsapp/${channelId}`],
        ['PATCH', `/api/v1/channels/whatsapp/${channelId}`],
        ['DELETE', `/api/v1/channels/whatsapp/${channelId}`],
        ['GET', `/api/v1/channels/whatsapp/${channelId}/templates`],
        ['POST', `/api/v1/channels/whatsapp/${channelId}/templates/sync`],
      ] as const) {
        const res = await t.request(method, path, { ...as(other), body: method === 'PATCH' ? {} : undefined });
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      const res = await t.request('POST', '/api/v1/channels/whatsapp', {
        ...as(other),
        body: {
          phoneNumberId: '1',
          businessAccountId: '2',
          accessToken: 'x',
          appSecret: 'y',
          verifyToken: 'zzzzzzzz',
          chatbotId,
        },
      });
      expect([res.status, res.body.code]).toEqual([400, 'whatsapp.chatbot_not_found']);
    });
  });

  describe('webhook', () => {
    it("answers Meta's verification challenge with the right token, 403 with a wrong one", async () => {
      const path = `/api/v1/channels/whatsapp/${channelId}/webhook`;
      const ok = await t.request(
        'GET',
        `${path}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      );
      expect([ok.status, ok.text]).toEqual([200, '1158201444']);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      const wrong = await t.request('GET', `${path}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
      expect([wrong.status, wrong.body.code]).toEqual([403, 'whatsapp.verify_token_mismatch']);
      const unknown = await t.request(
        'GET',
        `/api/v1/channels/whatsapp/018f0000-0000-7000-8000-000000000000/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      );
      expect(unknown.status).toBe(404);
    });

    it('rejects a bad or missing signature with 401 and processes nothing', async () => {
      const user = newUser();
      const payload = textNotification(phoneNumberId, user, 'hi');
      const bad = await post(payload, channelId, 'not-the-secret');
      expect([bad.status, bad.body.code]).toEqual([401, 'whatsapp.signature_invalid']);
      const missing = await t.request('POST', `/api/v1/channels/whatsapp/${channelId}/webhook`, { body: payload });
      expect(missing.status).toBe(401);
      // Same bytes re-serialized differently: the signature is over the raw body.
      const { headers } = signed(payload, APP_SECRET);
      const reformatted = await t.request('POST', `/api/v1/channels/whatsapp/${channelId}/webhook`, {
        rawBody: JSON.stringify(payload, null, 2),
        headers,
      });
      expect(reformatted.status).toBe(401);
      const unknown = await post(payload, '018f0000-0000-7000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(await t.sql('SELECT 1 FROM whatsapp_inbound_messages')).toHaveLength(0);
    });
  });

  describe('a conversation with the bot', () => {
    const user = newUser();
    let conversationId: string;

    it("starts a bot session from an inbound text: the greeting and the buttons reach the Graph API in Meta's format", async () => {
      const started = performance.now();
      const res = await post(textNotification(phoneNumberId, user, 'Hi there'));
      const answeredMs = performance.now() - started;
      expect([res.status, res.body]).toEqual([200, { accepted: 1 }]);
      const sent = await stub(() => (sentTo(user.waId).length >= 2 ? sentTo(user.waId) : undefined));
      // Measured, not asserted: the webhook's answer, and the bot's answer reaching the Graph API.
      process.stdout.write(
        `whatsapp: webhook answered in ${answeredMs.toFixed(1)} ms; bot answer at the Graph API after ${(performance.now() - started).toFixed(0)} ms\n`,
      );
      expect(sent).toEqual([
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: user.waId,
          type: 'text',
          text: { body: 'Hello! I am the *Parley* bot.', preview_url: false },
        },
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: user.waId,
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: 'What brings you here?' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'sales', title: 'Sales' } },
                { type: 'reply', reply: { id: 'support', title: 'Technical support p…' } },
              ],
            },
          },
        },
      ]);
      const messagesRequest = graph.requests.find((r) => r.body?.to === user.waId)!;
      expect(messagesRequest.path).toBe(`/${graph.version}/${phoneNumberId}/messages`);
      expect(messagesRequest.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      conversationId = (await conversationOf(user.waId))!;
      const [conversation] = await t.sql<{ channel: string; contact_id: string; status: string }>(
        'SELECT channel, contact_id, status FROM conversations WHERE id = $1',
        [conversationId],
      );
      expect(conversation).toMatchObject({ channel: 'whatsapp', status: 'pending' });
      const [contact] = await t.sql('SELECT name, phone FROM contacts WHERE id = $1', [conversation!.contact_id]);
      expect(contact).toEqual({ name: user.name, phone: `+${user.waId}` });
      const messages = await messagesOf(conversationId);
      expect(messages.map((m) => [m.sender_type, m.text])).toEqual([
        ['visitor', 'Hi there'],
        ['bot', 'Hello! I am the **Parley** bot.'],
        ['bot', 'What brings you here?'],
      ]);
    });

    it('continues the flow with a button reply (mapped back to the choice)', async () => {
      await post(
        interactiveNotification(phoneNumberId, user, {
          kind: 'button_reply',
          id: 'support',
          title: 'Technical support p…',
        }),
      );
      const sent = await stub(() => (sentTo(user.waId).length >= 3 ? sentTo(user.waId) : undefined));
      expect(sent[2]).toMatchObject({
        type: 'text',
        text: { body: 'You picked Technical support please. Tell us more.' },
      });
    });

    it('marks a sent message delivered then read from status notifications, never backwards', async () => {
      const [outbound] = await t.sql<{ wamid: string; message_id: string }>(
        `SELECT wamid, message_id FROM whatsapp_outbound_messages WHERE conversation_id = $1 AND message_id IS NOT NULL
          ORDER BY created_at LIMIT 1`,
        [conversationId],
      );
      const status = async () =>
        (
          await t.sql<{ status: string }>('SELECT status FROM conversation_messages WHERE id = $1', [
            outbound!.message_id,
          ])
        )[0]!.status;
      await post(statusNotification(phoneNumberId, outbound!.wamid, 'delivered', user.waId));
      await eventually(async () => ((await status()) === 'delivered' ? true : undefined));
      await post(statusNotification(phoneNumberId, outbound!.wamid, 'read', user.waId));
      await eventually(async () => ((await status()) === 'read' ? true : undefined));
      const late = await post(statusNotification(phoneNumberId, outbound!.wamid, 'delivered', user.waId));
      expect(late.status).toBe(200);
      // A late `sent` (its own job, completed) changes nothing.
      await post(statusNotification(phoneNumberId, outbound!.wamid, 'sent', user.waId));
      await completed(`st-${channelId}-${outbound!.wamid}-sent`);
      expect(await status()).toBe('read');
    });

    it("hands over to a human: the user's messages reach the agent, the agent's REST message goes out via the Graph API", async () => {
      await post(textNotification(phoneNumberId, user, 'My router is broken'));
      await eventually(async () => {
        const [c] = await t.sql<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [conversationId]);
        return c?.status === 'open' ? true : undefined;
      });
      // The handoff block's message goes out like the bot's.
      await stub(() => sentTo(user.waId).find((m) => m.text?.body === 'Connecting you to a human…'));
      const before = sentTo(user.waId).length;
      await post(textNotification(phoneNumberId, user, 'Anyone there?'));
      await eventually(async () =>
        (await messagesOf(conversationId)).some((m) => m.text === 'Anyone there?') ? true : undefined,
      );
      const reply = await t.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'agent-1', text: 'Hi, I am Ada. Let me check.' },
      });
      expect(reply.status).toBe(201);
      const sent = await stub(() => sentTo(user.waId).find((m) => m.text?.body === 'Hi, I am Ada. Let me check.'));
      expect(sent).toMatchObject({ type: 'text', to: user.waId });
      // The user's messages while a human owns the conversation got no bot answer.
      expect(
        sentTo(user.waId)
          .slice(before)
          .map((m) => m.text?.body),
      ).toEqual(['Hi, I am Ada. Let me check.']);
      const note = await t.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'note-1', text: 'private note', private: true },
      });
      expect(note.status).toBe(201);
      // Notes get no WhatsApp job at all (the subscriber's `when`): once the note's event is
      // dispatched, nothing was sent and no job exists.
      await eventually(async () => {
        const rows = await t.sql<{ dispatched: boolean }>(
          `SELECT dispatched_at IS NOT NULL AS dispatched FROM outbox_events
            WHERE type = 'message.created' AND data->'message'->>'id' = $1`,
          [note.body.id],
        );
        return rows[0]?.dispatched ? true : undefined;
      });
      const queue = t.app.get<Queue>(getQueueToken('whatsapp'));
      expect(await queue.getJob(`whatsapp-agent-messages-${note.body.id}`)).toBeUndefined();
      expect(graph.requests.some((r) => r.body?.text?.body === 'private note')).toBe(false);
    });

    it('outside the 24-hour window an agent REST message is refused with 422 whatsapp.window_closed', async () => {
      await t.sql(
        "UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE conversation_id = $1",
        [conversationId],
      );
      const before = graph.requests.length;
      const late = await t.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'agent-late', text: 'Sorry for the wait' },
      });
      expect([late.status, late.body.code]).toEqual([422, 'whatsapp.window_closed']);
      // A resend of a message stored while the window was open is still answered (idempotent).
      const resend = await t.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'agent-1', text: 'Hi, I am Ada. Let me check.' },
      });
      expect(resend.status).toBe(200);
      // Notes are not WhatsApp messages.
      const note = await t.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
        ...as(agent),
        body: { clientMessageId: 'note-late', text: 'call them instead', private: true },
      });
      expect(note.status).toBe(201);
      expect(graph.requests.slice(before).filter((r) => r.path.endsWith('/messages'))).toEqual([]);
    });

    it("a hand-back runs the bot again and its turn goes out as a list (4 choices); the user's new message reopens the window", async () => {
      await post(textNotification(phoneNumberId, user, 'Still there?'));
      await eventually(async () =>
        (await messagesOf(conversationId)).some((m) => m.text === 'Still there?') ? true : undefined,
      );
      const back = await t.request('POST', `/api/v1/conversations/${conversationId}/handback`, {
        ...as(agent),
        body: {},
      });
      expect(back.status).toBe(200);
      const list = await stub(() =>
        sentTo(user.waId).find((m) => m.type === 'interactive' && m.interactive.type === 'list'),
      );
      expect(list.interactive).toEqual({
        type: 'list',
        body: { text: 'Back with the bot. How did we do?' },
        action: {
          button: 'Choose',
          sections: [
            {
              rows: [
                { id: 'great', title: 'Great' },
                { id: 'good', title: 'Good' },
                { id: 'okay', title: 'Okay' },
                { id: 'bad', title: 'Bad' },
              ],
            },
          ],
        },
      });
      await post(interactiveNotification(phoneNumberId, user, { kind: 'list_reply', id: 'good', title: 'Good' }));
      const bye = await stub(() => sentTo(user.waId).find((m) => m.text?.body === 'Bye! (Good)'));
      expect(bye).toBeDefined();
    });
  });

  it('outside the window, a bot turn after a hand-back fails with whatsapp.window_closed stored on its messages', async () => {
    const user = newUser();
    await post(textNotification(phoneNumberId, user, 'Hi'));
    await stub(() => (sentTo(user.waId).length >= 2 ? true : undefined));
    await post(interactiveNotification(phoneNumberId, user, { kind: 'button_reply', id: 'sales', title: 'Sales' }));
    await stub(() => (sentTo(user.waId).length >= 3 ? true : undefined));
    await post(textNotification(phoneNumberId, user, 'Prices please'));
    const conversationId = (await conversationOf(user.waId))!;
    await eventually(async () => {
      const [c] = await t.sql<{ status: string }>('SELECT status FROM conversations WHERE id = $1', [conversationId]);
      return c?.status === 'open' ? true : undefined;
    });
    await stub(() => sentTo(user.waId).find((m) => m.text?.body === 'Connecting you to a human…'));
    const sentBefore = sentTo(user.waId).length;
    await t.sql(
      "UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE conversation_id = $1",
      [conversationId],
    );
    expect(
      (await t.request('POST', `/api/v1/conversations/${conversationId}/handback`, { ...as(agent), body: {} })).status,
    ).toBe(200);
    const failed = await eventually(async () => {
      const [m] = await t.sql<{ status: string; content: any }>(
        `SELECT status, content FROM conversation_messages
          WHERE conversation_id = $1 AND sender_type = 'bot' AND text = 'Back with the bot. How did we do?'`,
        [conversationId],
      );
      return m?.status === 'failed' ? m : undefined;
    });
    expect(failed.content.deliveryError).toMatchObject({ code: 'whatsapp.window_closed' });
    const view = await t.request('GET', `/api/v1/conversations/${conversationId}/messages`, as(agent));
    expect(view.body.items.find((m: { text: string }) => m.text === 'Back with the bot. How did we do?')).toMatchObject(
      {
        status: 'failed',
        content: { deliveryError: { code: 'whatsapp.window_closed' } },
      },
    );
    expect(sentTo(user.waId)).toHaveLength(sentBefore);
  });

  it('processes a duplicate notification once, sent twice and concurrently', async () => {
    const user = newUser();
    const wamid = newWamid();
    const payload = textNotification(phoneNumberId, user, 'Hello once', wamid);
    const answers = await Promise.all([post(payload), post(payload), post(payload)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await completed(`in-${channelId}-${wamid}`);
    await stub(() => (sentTo(user.waId).length >= 2 ? true : undefined));
    expect((await post(payload)).status).toBe(200);
    // Even when the queue no longer knows the job (removed after completion), the stored id stops it.
    await (await t.app.get<Queue>(getQueueToken('whatsapp')).getJob(`in-${channelId}-${wamid}`))!.remove();
    expect((await post(payload)).status).toBe(200);
    await completed(`in-${channelId}-${wamid}`);
    const [inbound] = await t.sql<{ id: string }>('SELECT id FROM whatsapp_inbound_messages WHERE wamid = $1', [wamid]);
    await completed(`send-${inbound!.id}`);
    expect(sentTo(user.waId)).toHaveLength(2);
    expect(graph.requests.filter((r) => r.body?.to === user.waId)).toHaveLength(2);
    const conversations = await t.sql('SELECT conversation_id FROM whatsapp_conversations WHERE wa_id = $1', [
      user.waId,
    ]);
    expect(conversations).toHaveLength(1);
    const visitor = (await messagesOf((await conversationOf(user.waId))!)).filter((m) => m.sender_type === 'visitor');
    expect(visitor.map((m) => m.text)).toEqual(['Hello once']);
  });

  it('retries a Graph 500 and sends each message once', async () => {
    const user = newUser();
    graph.failNext({ status: 500 });
    await post(textNotification(phoneNumberId, user, 'Hi'));
    const sent = await stub(() => (sentTo(user.waId).length >= 2 ? sentTo(user.waId) : undefined), 15_000);
    expect(sent.map((m) => m.type)).toEqual(['text', 'interactive']);
    const attempts = graph.requests.filter((r) => r.body?.to === user.waId);
    expect(attempts).toHaveLength(3);
  });

  it("fails a message Meta refuses (131047 re-engagement) with Meta's reason, without retrying it", async () => {
    const user = newUser();
    graph.failNext({ status: 400, error: { code: 131047, message: 'Re-engagement message' } });
    await post(textNotification(phoneNumberId, user, 'Hi'));
    const failed = await eventually(async () => {
      const rows = await t.sql<{ status: string; error_code: string }>(
        `SELECT o.status, o.error_code FROM whatsapp_outbound_messages o
           JOIN whatsapp_conversations w ON w.conversation_id = o.conversation_id
          WHERE w.wa_id = $1 AND o.status = 'failed'`,
        [user.waId],
      );
      return rows[0];
    });
    expect(failed.error_code).toBe('whatsapp.reengagement_required');
    // The next message of the turn still went out.
    await stub(() => (sentTo(user.waId).length >= 1 ? true : undefined));
  });

  it('syncs templates from the Graph API (all pages) and lists them with filters', async () => {
    graph.templates = [
      {
        name: 'order_update',
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        id: '1001',
        components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} shipped.' }],
      },
      { name: 'order_update', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY', id: '1002', components: [] },
      {
        name: 'promo',
        language: 'en_US',
        status: 'PENDING',
        category: 'MARKETING',
        id: '1003',
        components: [{ type: 'HEADER', format: 'TEXT', text: 'Sale {{name}}' }],
      },
    ];
    const sync = await t.request('POST', `/api/v1/channels/whatsapp/${channelId}/templates/sync`, as(admin));
    expect([sync.status, sync.body]).toEqual([202, { queued: true }]);
    expect((await t.request('POST', `/api/v1/channels/whatsapp/${channelId}/templates/sync`, as(viewer))).status).toBe(
      403,
    );
    const all = await eventually(async () => {
      const r = await t.request('GET', `/api/v1/channels/whatsapp/${channelId}/templates`, as(viewer));
      return r.body.items?.length === 3 ? r.body : undefined;
    });
    expect(all.items.find((i: { metaId: string }) => i.metaId === '1001')).toMatchObject({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      variables: [{ component: 'BODY', names: ['1', '2'] }],
    });
    const approved = await t.request(
      'GET',
      `/api/v1/channels/whatsapp/${channelId}/templates?status=APPROVED&language=en_US`,
      as(viewer),
    );
    expect(approved.body.items.map((i: { metaId: string }) => i.metaId)).toEqual(['1001']);
    const page = await t.request('GET', `/api/v1/channels/whatsapp/${channelId}/templates?limit=2`, as(viewer));
    expect(page.body.items).toHaveLength(2);
    const next = await t.request(
      'GET',
      `/api/v1/channels/whatsapp/${channelId}/templates?limit=2&cursor=${page.body.nextCursor}`,
      as(viewer),
    );
    expect(next.body).toMatchObject({ items: [expect.anything()], nextCursor: null });
    expect(graph.requests.filter((r) => r.path.endsWith('/message_templates')).length).toBeGreaterThanOrEqual(2);
    const bad = await t.request('GET', `/api/v1/channels/whatsapp/${channelId}/templates?status=NOPE`, as(viewer));
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'status']);
  });

  it("over the plan's limits: a new conversation is not answered, a running one gets the unavailable message", async () => {
    const running = newUser();
    await post(textNotification(phoneNumberId, running, 'Hi'));
    await stub(() => (sentTo(running.waId).length >= 2 ? true : undefined));
    const quotas = t.app.get<Quotas, QuotaService>(Quotas, { strict: false });
    await t.sql(`UPDATE plans SET limits = limits || '{"sessions": 0, "messages": 0}' WHERE code = 'starter'`);
    await t.sql(`UPDATE subscriptions SET plan_code = 'starter' WHERE organization_id = $1`, [admin.organizationId]);
    quotas.forgetAll();
    try {
      const fresh = newUser();
      const wamid = newWamid();
      await post(textNotification(phoneNumberId, fresh, 'Anyone?', wamid));
      await completed(`in-${channelId}-${wamid}`);
      const [inbound] = await t.sql<{ processed_at: Date | null }>(
        'SELECT processed_at FROM whatsapp_inbound_messages WHERE wamid = $1',
        [wamid],
      );
      expect(inbound!.processed_at).not.toBeNull();
      expect(await conversationOf(fresh.waId)).toBeUndefined();

      await post(textNotification(phoneNumberId, running, 'Sales'));
      const sent = await stub(() => (sentTo(running.waId).length >= 3 ? sentTo(running.waId) : undefined));
      expect(sent[2]).toMatchObject({ type: 'text', text: { body: expect.stringMatching(/unavailable right now/) } });
      expect(sentTo(fresh.waId)).toEqual([]);
    } finally {
      await t.sql(`UPDATE subscriptions SET plan_code = 'professional' WHERE organization_id = $1`, [
        admin.organizationId,
      ]);
      quotas.forgetAll();
    }
  });
});
