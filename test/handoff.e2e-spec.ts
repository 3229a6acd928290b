import { asOrganizationId } from '@/access/organization-id';
import { ConversationStore } from '@/chat/conversation-store.service';
import { newId } from '@/database/base.entity';
import { SessionsService } from '@/executions/sessions.service';
import { publishChatbot } from './support/chatbots';
import { handoffFlow } from './support/flows';
import { register, type Account } from './support/identity';
import { outboxData } from './support/outbox';
import { startTestApp, type TestApp } from './support/test-app';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  code?: string;
  messages: { id: string; type: string; markdown?: string }[];
  input: { type: string; blockId: string } | null;
}

const texts = (turn: Pick<Turn, 'messages'>) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

describe('bot-to-human handoff and back, in one message history', () => {
  let t: TestApp;
  let admin: Account;
  let publicId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { name: 'Ada' });
    publicId = (await publishChatbot(t, admin, { name: 'desk', flow: handoffFlow() })).publicId;
  });
  afterAll(() => t.close());

  const start = async (): Promise<Turn> => {
    const res = await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} });
    expect(res.status).toBe(201);
    return res.body;
  };
  const say = (s: Turn, clientMessageId: string, text: string) =>
    t.request<Turn>('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
      token: s.sessionToken,
      body: { clientMessageId, text },
    });
  const history = (id: string) =>
    t.sql<{ seq: number; sender_type: string; kind: string; text: string | null; turn: number | null }>(
      'SELECT seq, sender_type, kind, text, turn FROM conversation_messages WHERE conversation_id = $1 ORDER BY seq',
      [id],
    );
  const conversation = async (id: string) =>
    (
      await t.sql<{ status: string; last_seq: number; waiting_since: Date | null; first_reply_at: Date | null }>(
        'SELECT status, last_seq, waiting_since, first_reply_at FROM conversations WHERE id = $1',
        [id],
      )
    )[0];
  const org = () => asOrganizationId(admin.organizationId);
  const handBack = (s: Turn, groupId?: string) =>
    t.app
      .get(SessionsService)
      .handBack(org(), s.sessionId, { byUserId: admin.userId, byName: 'Ada', ...(groupId ? { groupId } : {}) });

  it('stores the bot, the visitor, the agent and activity lines in one numbered history', async () => {
    const s = await start();
    expect(texts(s)).toEqual(['Hi! What do you need?']);
    expect(await conversation(s.sessionId)).toMatchObject({ status: 'pending', last_seq: 1 });
    // The chat API's message ids are the history's.
    expect((await history(s.sessionId)).map((m) => m.seq)).toEqual([1]);
    const [stored] = await t.sql<{ id: string }>('SELECT id FROM conversation_messages WHERE conversation_id = $1', [
      s.sessionId,
    ]);
    expect(s.messages[0]!.id).toBe(stored!.id);

    const handedOff = await say(s, 'm1', 'I want a human');
    expect(handedOff.body).toMatchObject({ status: 'handoff', input: null });
    expect(texts(handedOff.body)).toEqual(['Connecting you to a human…']);
    const open = await conversation(s.sessionId);
    expect(open).toMatchObject({ status: 'open', last_seq: 3, first_reply_at: null });
    expect(open!.waiting_since).not.toBeNull();
    expect((await outboxData(t, 'conversation.bot_handoff')).filter((e) => e.conversationId === s.sessionId)).toEqual([
      {
        conversationId: s.sessionId,
        sessionId: s.sessionId,
        chatbotId: expect.any(String),
        departmentId: null,
        message: 'Connecting you to a human…',
        contact: null,
      },
    ]);

    // While a human owns it, the visitor's messages wait for the agent; a resend is stored once.
    const toAgent = await say(s, 'm2', 'hello?');
    expect(toAgent.status).toBe(200);
    expect(toAgent.body).toMatchObject({ status: 'handoff', messages: [], input: null });
    const again = await say(s, 'm2', 'hello?');
    expect(again.body).toEqual(toAgent.body);
    const agentReply = await t.app.get(ConversationStore).append(
      org(),
      s.sessionId,
      [
        {
          id: newId(),
          sender: { type: 'agent', id: admin.userId },
          kind: 'message',
          content: { text: 'Hi, Ada here' },
          text: 'Hi, Ada here',
        },
      ],
      'agent',
    );
    expect(agentReply.messages[0]).toMatchObject({ seq: 5, sender: { type: 'agent', id: admin.userId } });
    const answered = await conversation(s.sessionId);
    expect(answered).toMatchObject({ waiting_since: null });
    expect(answered!.first_reply_at).not.toBeNull();

    // Delivery status: an agent reading up to the visitor's message marks it (and earlier ones) read.
    const [visitorLine] = await t.sql<{ id: string }>(
      `SELECT id FROM conversation_messages WHERE conversation_id = $1 AND seq = 4`,
      [s.sessionId],
    );
    const read = await t.request('POST', `/api/v1/conversations/${s.sessionId}/read`, {
      token: admin.accessToken,
      body: { messageId: visitorLine!.id },
    });
    expect(read.status).toBe(200);
    expect(
      await t.sql(
        `SELECT seq, status FROM conversation_messages WHERE conversation_id = $1 AND sender_type = 'visitor' ORDER BY seq`,
        [s.sessionId],
      ),
    ).toEqual([
      { seq: 2, status: 'read' },
      { seq: 4, status: 'read' },
    ]);

    // The visitor catches up over REST (resume, or what came after a message they have).
    const resumed = await t.request('GET', `/api/v1/sessions/${s.sessionId}`, { token: s.sessionToken });
    expect(resumed.body.transcript.map((e: { role: string; seq: number }) => [e.seq, e.role])).toEqual([
      [1, 'bot'],
      [2, 'visitor'],
      [3, 'bot'],
      [4, 'visitor'],
      [5, 'agent'],
    ]);
    expect(resumed.body.transcript[4]).toMatchObject({ name: 'Ada', content: { text: 'Hi, Ada here' } });
    const missed = await t.request(
      'GET',
      `/api/v1/sessions/${s.sessionId}/messages?after=${handedOff.body.messages[0]!.id}`,
      {
        token: s.sessionToken,
      },
    );
    expect(missed.status).toBe(200);
    expect(missed.body.map((m: { seq: number; text: string }) => [m.seq, m.text])).toEqual([
      [4, 'hello?'],
      [5, 'Hi, Ada here'],
    ]);

    // Hand-back: the bot resumes after the handoff block; the conversation is the bot's again.
    const back = await handBack(s);
    expect(back).toMatchObject({ status: 'active', input: { blockId: 'more-in' } });
    expect(texts(back)).toEqual(['Back with the bot. Anything else?']);
    expect(await conversation(s.sessionId)).toMatchObject({ status: 'pending', last_seq: 7, waiting_since: null });
    const done = await say(s, 'm3', 'no thanks');
    expect(done.body.status).toBe('completed');
    expect(texts(done.body)).toEqual(['Bye! (no thanks)']);
    expect(await conversation(s.sessionId)).toMatchObject({ status: 'resolved', last_seq: 9 });
    expect((await history(s.sessionId)).map((m) => [m.seq, m.sender_type, m.kind, m.text])).toEqual([
      [1, 'bot', 'message', 'Hi! What do you need?'],
      [2, 'visitor', 'message', 'I want a human'],
      [3, 'bot', 'message', 'Connecting you to a human…'],
      [4, 'visitor', 'message', 'hello?'],
      [5, 'agent', 'message', 'Hi, Ada here'],
      [6, 'system', 'activity', 'Ada handed the conversation back to the bot'],
      [7, 'bot', 'message', 'Back with the bot. Anything else?'],
      [8, 'visitor', 'message', 'no thanks'],
      [9, 'bot', 'message', 'Bye! (no thanks)'],
    ]);
    const changes = (await outboxData(t, 'conversation.status_changed')).filter(
      (e) => e.conversationId === s.sessionId,
    );
    expect(changes.map((e) => [e.previousStatus, e.status, e.byUserId])).toEqual([
      ['pending', 'open', null],
      ['open', 'pending', admin.userId],
      ['pending', 'resolved', null],
    ]);
  });

  it('an agent hands back over REST; viewers and other tenants cannot', async () => {
    const s = await start();
    await say(s, 'm1', 'human please');
    const route = `/api/v1/conversations/${s.sessionId}/handback`;
    const other = await register(t);
    expect((await t.request('POST', route, { token: other.accessToken, body: {} })).status).toBe(404);
    const back = await t.request('POST', route, { token: admin.accessToken, body: { groupId: 'survey' } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: s.sessionId, status: 'pending', assignee: null });
    const lines = await history(s.sessionId);
    expect(lines.slice(-2).map((m) => [m.sender_type, m.kind, m.text])).toEqual([
      ['system', 'activity', 'Ada handed the conversation back to the bot'],
      ['bot', 'message', 'How did we do?'],
    ]);
    expect((await t.request('POST', route, { token: admin.accessToken, body: {} })).status).toBe(409);
    const next = await say(s, 'm2', '5');
    expect(next.body.status).toBe('completed'); // the survey was the last thing the bot had to say
  });

  it('hands back at a chosen group, and refuses what cannot be handed back', async () => {
    const s = await start();
    await expect(handBack(s)).rejects.toMatchObject({ code: 'conversation.not_handed_off' });
    await say(s, 'm1', 'human please');
    await expect(handBack(s, 'nope')).rejects.toMatchObject({ code: 'session.invalid_input' });
    expect(await conversation(s.sessionId)).toMatchObject({ status: 'open' });
    const survey = await handBack(s, 'survey');
    expect(texts(survey)).toEqual(['How did we do?']);
    expect(survey.input).toMatchObject({ blockId: 'score-in' });
    // Another tenant's id is not found.
    const other = await register(t);
    await expect(
      t.app.get(SessionsService).handBack(asOrganizationId(other.organizationId), s.sessionId, {
        byUserId: other.userId,
        byName: 'Eve',
      }),
    ).rejects.toMatchObject({ code: 'conversation.not_handed_off' });
  });

  it('a visitor writing to a resolved human conversation reopens it', async () => {
    const s = await start();
    await say(s, 'm1', 'human');
    await t.sql(
      `UPDATE conversations SET status = 'resolved', resolved_at = now(), waiting_since = NULL WHERE id = $1`,
      [s.sessionId],
    );
    expect((await say(s, 'm2', 'one more thing')).status).toBe(200);
    const reopened = await conversation(s.sessionId);
    expect(reopened!.status).toBe('open');
    expect(reopened!.waiting_since).not.toBeNull();
  });

  it('does not announce or queue previews, and keeps their history', async () => {
    const bot = await t.request('POST', '/api/v1/chatbots', {
      token: admin.accessToken,
      body: { name: 'draft desk', flow: handoffFlow() },
    });
    const preview = await t.request<Turn>('POST', `/api/v1/chatbots/${bot.body.id}/preview/sessions`, {
      token: admin.accessToken,
      body: {},
    });
    expect(preview.status).toBe(201);
    const row = await t.sql<{ preview: boolean }>('SELECT preview FROM conversations WHERE id = $1', [
      preview.body.sessionId,
    ]);
    expect(row).toEqual([{ preview: true }]);
    const announced = await t.sql(`SELECT 1 FROM outbox_events WHERE data->>'conversationId' = $1`, [
      preview.body.sessionId,
    ]);
    expect(announced).toEqual([]);
  });

  it("keeps Typebot's embed talking: a text input while a human owns the chat, agents' messages on the next call", async () => {
    const started = await t.request('POST', `/api/v1/typebots/${publicId}/startChat`, { body: {} });
    expect(started.status).toBe(200);
    const token = started.body.sessionId as string;
    const conversationId = started.body.resultId as string;
    const cont = (body: Record<string, unknown>) =>
      t.request('POST', `/api/v1/sessions/${token}/continueChat`, { body });
    const richText = (res: { body: { messages: { content: { richText?: unknown } }[] } }) =>
      res.body.messages.map((m) => JSON.stringify(m.content.richText ?? m.content));
    const handedOff = await cont({ message: { type: 'text', text: 'a human please' } });
    expect(handedOff.status).toBe(200);
    expect(richText(handedOff).join(' ')).toContain('Connecting you to a human');
    expect(handedOff.body.input).toMatchObject({ id: 'parley-live-chat', type: 'text input' });
    await t.app.get(ConversationStore).append(
      org(),
      conversationId,
      [
        {
          id: newId(),
          sender: { type: 'agent', id: admin.userId },
          kind: 'message',
          content: { text: 'Ada here' },
          text: 'Ada here',
        },
      ],
      'agent',
    );
    const poll = await cont({});
    expect(poll.status).toBe(200);
    expect(richText(poll).join(' ')).toContain('Ada here');
    expect(poll.body.input).toMatchObject({ id: 'parley-live-chat' });
    const written = await cont({ message: { type: 'text', text: 'thanks!' } });
    expect(written.status).toBe(200);
    expect(written.body.messages).toEqual([]); // Ada's message was shown once
    expect((await history(conversationId)).at(-1)).toMatchObject({ sender_type: 'visitor', text: 'thanks!' });
  });

  it('makes or matches the contact from what the visitor told the bot, by email (any case) or phone', async () => {
    const leadFlow = {
      schemaVersion: 1,
      events: [{ id: 'start', type: 'start' }],
      variables: [
        { id: 'n', name: 'Name' },
        { id: 'e', name: 'Email' },
        { id: 'p', name: 'plan', saveInResults: true },
      ],
      groups: [
        {
          id: 'g',
          blocks: [
            { id: 'n-in', type: 'textInput', options: { variableId: 'n' } },
            { id: 'e-in', type: 'emailInput', options: { variableId: 'e' } },
            { id: 'p-in', type: 'textInput', options: { variableId: 'p' } },
            { id: 'h', type: 'handoff', options: { message: 'One moment…' } },
          ],
        },
      ],
      edges: [{ id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g' } }],
    };
    const lead = await publishChatbot(t, admin, { name: 'lead desk', flow: leadFlow });
    const visit = async (name: string, email: string) => {
      const s = (await t.request<Turn>('POST', `/api/v1/bots/${lead.publicId}/sessions`, { body: {} })).body;
      await say(s, 'a', name);
      await say(s, 'b', email);
      expect((await say(s, 'c', 'pro')).body.status).toBe('handoff');
      return s.sessionId;
    };
    const contactOf = async (conversationId: string) => {
      for (let i = 0; i < 100; i++) {
        const [row] = await t.sql<{ contact_id: string | null }>('SELECT contact_id FROM conversations WHERE id = $1', [
          conversationId,
        ]);
        if (row?.contact_id) return row.contact_id;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no contact linked to ${conversationId}`);
    };
    const first = await contactOf(await visit('Grace Hopper', 'Grace@Example.com'));
    const second = await contactOf(await visit('G. Hopper', 'grace@example.com'));
    expect(second).toBe(first);
    expect(await t.sql('SELECT name, email, phone, attributes FROM contacts WHERE id = $1', [first])).toEqual([
      { name: 'Grace Hopper', email: 'grace@example.com', phone: null, attributes: { plan: 'pro' } },
    ]);
    const listed = await t.request('GET', '/api/v1/conversations?status=open', { token: admin.accessToken });
    expect(listed.body.items.filter((c: { contact: { id: string } | null }) => c.contact?.id === first)).toHaveLength(
      2,
    );
  });
});
