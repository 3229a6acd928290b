import { asOrganizationId } from '@/access/organization-id';
import { newId } from '@/database/base.entity';
import { ContactsService } from '@/contacts/contacts.service';
import { SessionsService } from '@/executions/sessions.service';
import { createChatbot, publishChatbot } from './support/chatbots';
import { register, type Account } from './support/identity';
import { startTestApp, type TestApp } from './support/test-app';

interface Turn {
  sessionId: string;
  sessionToken: string;
  status: string;
  messages: { type: string; markdown?: string }[];
}

interface Step {
  blockId: string;
  kind: string;
  outcome: string;
  error?: string;
}

const texts = (turn: Pick<Turn, 'messages'>) => turn.messages.filter((m) => m.type === 'text').map((m) => m.markdown);

/** Asks for an email, saves it with an attribute, a lifecycle stage and a phone, then reads the contact back. */
const signupFlow = (phone: string) => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'email', name: 'Email' },
    { id: 'name', name: 'Name' },
  ],
  groups: [
    {
      id: 'ask',
      blocks: [
        { id: 'hello', type: 'text', options: { text: 'Hi {{contact.name}}! Your email?' } },
        { id: 'email-in', type: 'emailInput', options: { variableId: 'email' } },
        {
          id: 'save',
          type: 'updateContact',
          options: {
            fields: [
              { field: 'email', value: '{{Email}}' },
              { field: 'name', value: 'Visitor {{Email}}' },
              { field: 'attribute', attributeKey: 'plan', value: 'pro' },
              { field: 'lifecycleStage', value: 'customer' },
            ],
          },
        },
        { id: 'phone', type: 'updateContact', options: { fields: [{ field: 'phone', value: phone }] } },
        {
          id: 'saved',
          type: 'text',
          options: {
            text: 'Saved {{contact.email}} ({{contact.lifecycleStage}}, {{contact.plan}}) [{{contact.phone}}]',
          },
        },
        { id: 'name-in', type: 'textInput', options: { variableId: 'name' } },
      ],
    },
  ],
  edges: [{ id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } }],
});

describe('contacts in flows: {{contact.*}} and the updateContact block', () => {
  let t: TestApp;
  let admin: Account;
  let other: Account;
  let bot: { id: string; publicId: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t, { organizationName: 'Flow Contacts Org' });
    other = await register(t, { organizationName: 'Other Flow Contacts Org' });
    for (const account of [admin, other]) {
      const res = await t.request('POST', '/api/v1/contact-attributes', {
        token: account.accessToken,
        body: { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro'] },
      });
      expect(res.status).toBe(201);
    }
    bot = await publishChatbot(t, admin, { name: 'signup', flow: signupFlow('not a phone') });
  });
  afterAll(() => t.close());

  const start = async (publicId: string): Promise<Turn> => {
    const res = await t.request<Turn>('POST', `/api/v1/bots/${publicId}/sessions`, { body: {} });
    expect(res.status).toBe(201);
    return res.body;
  };
  const say = async (s: Turn, clientMessageId: string, text: string): Promise<Turn> => {
    const res = await t.request<Turn>('POST', `/api/v1/sessions/${s.sessionId}/messages`, {
      token: s.sessionToken,
      body: { clientMessageId, text },
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const steps = async (sessionId: string): Promise<Step[]> =>
    (
      await t.sql<{ steps: Step[] }>('SELECT steps FROM session_turn_logs WHERE session_id = $1 ORDER BY turn', [
        sessionId,
      ])
    )
      .flatMap((r) => r.steps)
      // An awaited effect's block is logged when it pauses and again with its outcome.
      .filter((step) => step.outcome !== 'awaiting_effect');
  const links = async (sessionId: string) =>
    (
      await t.sql<{ session_contact: string | null; conversation_contact: string | null }>(
        `SELECT s.contact_id AS session_contact, c.contact_id AS conversation_contact
           FROM chat_sessions s JOIN conversations c ON c.id = s.id WHERE s.id = $1`,
        [sessionId],
      )
    )[0];
  const contactsWith = (email: string) =>
    t.sql<{
      id: string;
      organization_id: string;
      name: string | null;
      email: string;
      phone: string | null;
      lifecycle_stage: string;
      attributes: Record<string, unknown>;
      source: string | null;
    }>(
      `SELECT id, organization_id, name, email, phone, lifecycle_stage, attributes, source
         FROM contacts WHERE lower(email) = lower($1)`,
      [email],
    );

  it('saves the email, an attribute and the lifecycle stage, links the contact, and logs a bad phone as an error', async () => {
    // Another organization already has a contact with this email: it is never touched.
    const foreign = await t.request('POST', '/api/v1/contacts', {
      token: other.accessToken,
      body: { name: 'Not yours', email: 'ada@example.com', attributes: { plan: 'free' } },
    });
    expect(foreign.status).toBe(201);

    // A turn without a contact reads none; a turn with one reads it once, however many templates use it.
    const reads = jest.spyOn(t.app.get(ContactsService), 'fieldsOf');
    const s = await start(bot.publicId);
    expect(texts(s)).toEqual(['Hi ! Your email?']);
    const saved = await say(s, 'm1', 'Ada@Example.com');
    expect(reads).not.toHaveBeenCalled();
    expect(texts(saved)).toEqual(['Saved Ada@example.com (customer, pro) []']);

    const rows = await contactsWith('ada@example.com');
    const mine = rows.find((r) => r.organization_id === admin.organizationId);
    expect(mine).toMatchObject({
      name: 'Visitor Ada@example.com',
      email: 'Ada@example.com',
      phone: null,
      lifecycle_stage: 'customer',
      attributes: { plan: 'pro' },
      source: 'chat',
    });
    expect(await links(s.sessionId)).toEqual({ session_contact: mine!.id, conversation_contact: mine!.id });
    expect(rows.find((r) => r.organization_id === other.organizationId)).toMatchObject({
      id: (foreign.body as { id: string }).id,
      name: 'Not yours',
      attributes: { plan: 'free' },
      lifecycle_stage: 'lead',
    });

    const log = await steps(s.sessionId);
    expect(log.find((step) => step.blockId === 'save')).toMatchObject({ kind: 'updateContact', outcome: 'ok' });
    expect(log.find((step) => step.blockId === 'phone')).toMatchObject({
      kind: 'updateContact',
      outcome: 'error',
      error: expect.stringContaining('phone must be a valid phone number') as unknown,
    });

    // A later turn of the same session reads the linked contact (loaded with the turn).
    const next = await say(s, 'm2', 'thanks');
    expect(next.status).toBe('completed');
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
  });

  it('matches the same contact from a second session (one per organization per email) and reads its fields', async () => {
    const s = await start(bot.publicId);
    await say(s, 'm1', 'ada@EXAMPLE.com');
    const rows = (await contactsWith('ada@example.com')).filter((r) => r.organization_id === admin.organizationId);
    expect(rows).toHaveLength(1);
    // A matched contact keeps its name (only empty fields are filled).
    expect(rows[0]!.name).toBe('Visitor Ada@example.com');
    expect((await links(s.sessionId))?.session_contact).toBe(rows[0]!.id);

    // A channel session (like WhatsApp's) with that contact reads its fields from the first message.
    const sessionId = newId();
    const turn = await t.app.get(SessionsService).startForChannel({
      organizationId: asOrganizationId(admin.organizationId),
      chatbotId: bot.id,
      channel: 'api',
      contactId: rows[0]!.id,
      sessionId,
    });
    expect(texts(turn)).toEqual(['Hi Visitor Ada@example.com! Your email?']);
  });

  it('writes no contact in a preview (skipped in preview)', async () => {
    const draft = await createChatbot(t, admin, { name: 'draft', flow: signupFlow('+33 6 12 34 56 78') });
    const preview = await t.request<Turn>('POST', `/api/v1/chatbots/${draft.id}/preview/sessions`, {
      token: admin.accessToken,
      body: {},
    });
    expect(preview.status).toBe(201);
    const answered = await say(preview.body, 'p1', 'preview.only@example.com');
    expect(texts(answered)).toEqual(['Saved  (, ) []']);
    expect(await contactsWith('preview.only@example.com')).toEqual([]);
    const log = await steps(preview.body.sessionId);
    expect(log.filter((step) => step.kind === 'updateContact').map((step) => step.error)).toEqual([
      'skipped in preview',
      'skipped in preview',
    ]);
  });

  it('sets a valid phone in E.164 on the linked contact', async () => {
    const phoneBot = await publishChatbot(t, admin, { name: 'phone', flow: signupFlow('+33 6 12 34 56 78') });
    const s = await start(phoneBot.publicId);
    const saved = await say(s, 'm1', 'grace@example.com');
    expect(texts(saved)).toEqual(['Saved grace@example.com (customer, pro) [+33612345678]']);
    const [row] = await contactsWith('grace@example.com');
    expect(row).toMatchObject({ organization_id: admin.organizationId, phone: '+33612345678' });
  });
});
