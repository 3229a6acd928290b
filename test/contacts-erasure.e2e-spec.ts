import { publishChatbot } from './support/chatbots';
import { eventually } from './support/conversations';
import { addMember, register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
}

/**
 * Erasure removes a contact's personal data everywhere it lives: a visitor tells a bot their name,
 * email and phone (variables, results, transcripts, turn logs), is handed to an agent (the handoff
 * event carries the contact, agent and visitor messages repeat it), consents are recorded; after
 * `DELETE /contacts/{id}` no text or jsonb column of any table holds any of the values.
 */
describe('contact erasure', () => {
  let t: TestApp;
  let admin: Account;
  let agent: Account;
  const NAME = 'Zelda Quuxington';
  const EMAIL = 'zelda.quuxington@example.com';
  const PHONE = '+14155550177';
  const SECRET = 'my-secret-locker-code-4242';

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { organizationName: 'Erasure Org' });
    agent = await addMember(t, admin, 'agent');
  });
  afterAll(() => t.close());

  /** Every (table.column, row count) whose text holds one of the values, over every text/jsonb/array column. */
  async function occurrences(values: readonly string[]): Promise<string[]> {
    const columns = await t.sql<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      for (const value of values) {
        const [row] = await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table_name}" WHERE position(lower($1) IN lower("${column_name}"::text)) > 0`,
          [value],
        );
        if (row!.n > 0) found.push(`${table_name}.${column_name} ∋ ${value} (${row!.n})`);
      }
    }
    return found;
  }

  it('leaves nothing of the contact in any table, and keeps an audit row without personal data', async () => {
    const flow = {
      schemaVersion: 1,
      events: [{ id: 'start', type: 'start' }],
      variables: [
        { id: 'n', name: 'Name', saveInResults: true },
        { id: 'e', name: 'Email', saveInResults: true },
        { id: 'p', name: 'Phone', saveInResults: true },
        { id: 's', name: 'locker', saveInResults: true },
      ],
      groups: [
        {
          id: 'g',
          blocks: [
            { id: 'n-in', type: 'textInput', options: { variableId: 'n' } },
            { id: 'hi', type: 'text', options: { text: 'Thanks {{Name}}! Your email?' } },
            { id: 'e-in', type: 'emailInput', options: { variableId: 'e' } },
            { id: 'p-in', type: 'textInput', options: { variableId: 'p' } },
            { id: 's-in', type: 'textInput', options: { variableId: 's' } },
            { id: 'h', type: 'handoff', options: { message: 'One moment, {{Name}}…' } },
          ],
        },
      ],
      edges: [{ id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g' } }],
    };
    const bot = await publishChatbot(t, admin, { name: 'erasure desk', flow });
    const s = (await t.request<Turn>('POST', `/api/v1/bots/${bot.publicId}/sessions`, { body: {} })).body;
    const say = (id: string, text: string) =>
      t.request<Turn>('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
        token: s.sessionToken,
        body: { clientMessageId: id, text },
      });
    await say('a', NAME);
    await say('b', EMAIL);
    await say('c', PHONE);
    expect((await say('d', SECRET)).body.status).toBe('handoff');
    const contactId = await eventually(async () => {
      const [row] = await t.sql<{ contact_id: string | null }>('SELECT contact_id FROM conversations WHERE id = $1', [
        s.sessionId,
      ]);
      return row?.contact_id ?? undefined;
    });
    const [session] = await t.sql<{ contact_id: string | null }>('SELECT contact_id FROM chat_sessions WHERE id = $1', [
      s.sessionId,
    ]);
    expect(session!.contact_id).toBe(contactId);
    // An agent answers by name; the visitor writes again; consent is recorded.
    const sent = await t.request('POST', `/api/v1/conversations/${s.sessionId}/messages`, {
      token: agent.accessToken,
      body: { clientMessageId: 'agent-1', text: `Hello ${NAME}, I will call ${PHONE}` },
    });
    expect(sent.status).toBe(201);
    await say('e', `Please write to ${EMAIL}`);
    const consent = await t.request('POST', `/api/v1/contacts/${contactId}/consents`, {
      token: agent.accessToken,
      body: { channel: 'email', status: 'opt_in', source: 'chat', evidence: `said yes as ${NAME}` },
    });
    expect(consent.status).toBe(201);
    const contact = await t.request('GET', `/api/v1/contacts/${contactId}`, { token: admin.accessToken });
    expect(contact.body).toMatchObject({
      name: NAME,
      email: EMAIL,
      phone: PHONE,
      source: 'chat',
      conversationCount: 1,
    });

    const values = [NAME, EMAIL, PHONE, SECRET, 'Zelda'];
    expect((await occurrences(values)).length).toBeGreaterThan(5);

    const erased = await t.request('DELETE', `/api/v1/contacts/${contactId}`, {
      token: admin.accessToken,
      body: { reason: 'GDPR art. 17 request' },
    });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      contactId,
      reason: 'GDPR art. 17 request',
      removed: { contacts: 1, chat_sessions: 1, contact_consents: 1 },
    });
    expect(erased.body.removed.conversation_messages).toBeGreaterThan(4);

    expect(await occurrences(values)).toEqual([]);
    const audit = await t.sql<{ contact_id: string; erased_by: string; reason: string }>(
      'SELECT contact_id, erased_by, reason FROM contact_erasures WHERE organization_id = $1',
      [admin.organizationId],
    );
    expect(audit).toEqual([{ contact_id: contactId, erased_by: admin.userId, reason: 'GDPR art. 17 request' }]);
    // The conversation stays (reports add up), without a contact; the session is gone.
    expect(await t.sql('SELECT contact_id FROM conversations WHERE id = $1', [s.sessionId])).toEqual([
      { contact_id: null },
    ]);
    expect((await t.request('GET', `/api/v1/contacts/${contactId}`, { token: admin.accessToken })).status).toBe(404);
    const more = await say('f', 'still there?');
    expect(more.status).toBeGreaterThanOrEqual(400);
  });
});
