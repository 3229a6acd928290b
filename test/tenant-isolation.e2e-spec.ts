import type { OpenAPIV3 } from 'openapi-types';
import { uploadImport, waitForImport } from './support/contact-imports';
import { insertConversation } from './support/conversations';
import { isPublic } from './support/fuzz-actors';
import { addMember, register, type Account } from './support/identity';
import { operationsOf, pathParams, requestBodyOf } from './support/openapi-walker';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Walks every operation of the OpenAPI document that takes an id and calls it as another
 * organization's admin with every id owned by the first organization: the answer is always 403 or
 * 404 and never contains the first organization's data. Later features' routes are covered as soon
 * as they are documented; seed their resources in `seedOrganizationA` so real ids are tried.
 */
describe('tenant isolation across every documented route with an id', () => {
  let t: TestApp;
  let a: Account;
  let b: Account;
  let secrets: string[];
  let ids: string[];
  let importId: string;
  let notificationId: string;

  async function seedOrganizationA(): Promise<{ ids: string[]; secrets: string[] }> {
    const agent = await addMember(t, a, 'agent');
    const department = await t.request('POST', '/api/v1/departments', {
      token: a.accessToken,
      body: { name: 'Secret Department A' },
    });
    await t.request('PUT', `/api/v1/departments/${department.body.id}/members/${agent.userId}`, {
      token: a.accessToken,
    });
    const invitation = await t.request('POST', '/api/v1/invitations', {
      token: a.accessToken,
      body: { email: 'pending.invitee.a@example.com', role: 'viewer' },
    });
    const apiKey = await t.request('POST', '/api/v1/api-keys', {
      token: a.accessToken,
      body: { name: 'Key A', role: 'agent' },
    });
    const chatbot = await t.request('POST', '/api/v1/chatbots', {
      token: a.accessToken,
      body: { name: 'Secret Bot A', templateId: 'lead-capture' },
    });
    expect(chatbot.status).toBe(201);
    const published = await t.request('POST', `/api/v1/chatbots/${chatbot.body.id}/publish`, {
      token: a.accessToken,
      body: {},
    });
    expect(published.status).toBe(201);
    const template = await t.request('POST', '/api/v1/templates', {
      token: a.accessToken,
      body: { name: 'Secret Template A', chatbotId: chatbot.body.id },
    });
    expect(template.status).toBe(201);
    const session = await t.request('POST', `/api/v1/bots/${chatbot.body.publicId}/sessions`, { body: {} });
    expect(session.status).toBe(201);
    await t.request('POST', `/api/v1/sessions/${session.body.sessionId}/messages`, {
      token: session.body.sessionToken,
      body: { clientMessageId: 'a1', text: 'Secret Visitor A' },
    });
    const conversation = await insertConversation(t, {
      organizationId: a.organizationId,
      chatbotId: chatbot.body.id,
      departmentId: department.body.id,
      assigneeId: agent.userId,
      labels: ['secret-label-a'],
      contact: { name: 'Secret Contact A', email: 'secret.contact.a@example.com' },
      messages: [{ senderType: 'visitor', text: 'Secret Conversation Message A' }],
    });
    const [message] = await t.sql<{ id: string }>('SELECT id FROM conversation_messages WHERE conversation_id = $1', [
      conversation,
    ]);
    const whatsapp = await t.request('POST', '/api/v1/channels/whatsapp', {
      token: a.accessToken,
      body: {
        phoneNumberId: '900000000000777',
        businessAccountId: '900000000000778',
        accessToken: 'secret-whatsapp-token-a',
        appSecret: 'secret-whatsapp-app-secret-a',
        verifyToken: 'secret-whatsapp-verify-a',
        chatbotId: chatbot.body.id,
        displayName: 'Secret WhatsApp A',
      },
    });
    expect(whatsapp.status).toBe(201);
    const canned = await t.request('POST', '/api/v1/canned-responses', {
      token: a.accessToken,
      body: { shortCode: 'secret-a', content: 'Secret Canned A' },
    });
    expect(canned.status).toBe(201);
    const connection = await t.request('POST', '/api/v1/connections', {
      token: a.accessToken,
      body: {
        name: 'Secret Connection A',
        type: 'bearer',
        settings: { testUrl: 'https://secret-connection-a.example/ping' },
        secrets: { token: 'secret-connection-token-a' },
      },
    });
    expect(connection.status).toBe(201);
    const attribute = await t.request('POST', '/api/v1/contact-attributes', {
      token: a.accessToken,
      body: { key: 'secret_attr_a', label: 'Secret Attribute A', type: 'text' },
    });
    expect(attribute.status).toBe(201);
    const tag = await t.request('POST', '/api/v1/tags', { token: a.accessToken, body: { name: 'Secret Tag A' } });
    expect(tag.status).toBe(201);
    const contact = await t.request('POST', '/api/v1/contacts', {
      token: a.accessToken,
      body: {
        name: 'Secret Profile A',
        email: 'secret.profile.a@example.com',
        attributes: { secret_attr_a: 'Secret Value A' },
        tagIds: [tag.body.id],
      },
    });
    expect(contact.status).toBe(201);
    const segment = await t.request('POST', '/api/v1/segments', {
      token: a.accessToken,
      body: { name: 'Secret Segment A', filter: { tags: [tag.body.id] } },
    });
    expect(segment.status).toBe(201);
    const contactImport = await uploadImport(
      t,
      a.accessToken,
      'email,name\nsecret.import.a@example.com,Secret Imported Contact A\nbroken,Secret Rejected Row A\n',
    );
    expect(contactImport.status).toBe(202);
    const webhook = await t.request('POST', '/api/v1/webhooks', {
      token: a.accessToken,
      body: { url: 'https://secret-hook-a.example.com/in', eventTypes: ['*'], description: 'Secret Webhook A' },
    });
    expect(webhook.status).toBe(201);
    const ping = await t.request('POST', `/api/v1/webhooks/${webhook.body.id}/test`, { token: a.accessToken });
    expect(ping.status).toBe(202);
    // Finished before the walk (its contact is counted below; a foreign cancel must not touch it).
    expect((await waitForImport(t, a.accessToken, contactImport.body.id)).last.status).toBe('completed');
    importId = contactImport.body.id;
    const [notification] = await t.sql<{ id: string }>(
      `INSERT INTO notifications (id, organization_id, user_id, type, title, body, data, source_event_id)
       VALUES (gen_random_uuid(), $1, $2, 'conversation.assigned', 'Secret Notification A', 'Secret Notification Body A',
               '{}', gen_random_uuid())
       RETURNING id`,
      [a.organizationId, a.userId],
    );
    notificationId = notification!.id;
    return {
      ids: [
        contact.body.id,
        tag.body.id,
        segment.body.id,
        attribute.body.id,
        connection.body.id,
        webhook.body.id,
        ping.body.id,
        conversation,
        message!.id,
        canned.body.id,
        a.organizationId,
        a.userId,
        agent.userId,
        department.body.id,
        invitation.body.id,
        apiKey.body.id,
        chatbot.body.id,
        template.body.id,
        session.body.sessionId,
        contactImport.body.id,
        whatsapp.body.id,
        notificationId,
      ],
      secrets: [
        'Secret Department A',
        'pending.invitee.a@example.com',
        'Key A',
        agent.email,
        a.email,
        'Organization A',
        'Secret Bot A',
        'Secret Template A',
        chatbot.body.publicId,
        'Secret Visitor A',
        'Secret Contact A',
        'secret-label-a',
        'Secret Conversation Message A',
        'Secret Canned A',
        'Secret Attribute A',
        'Secret Tag A',
        'Secret Profile A',
        'secret.profile.a@example.com',
        'Secret Value A',
        'Secret Segment A',
        'Secret Connection A',
        'secret-connection-a.example',
        'secret-connection-token-a',
        'secret.import.a@example.com',
        'Secret Rejected Row A',
        'secret-hook-a.example.com',
        'Secret Webhook A',
        webhook.body.secret,
        'Secret WhatsApp A',
        '900000000000777',
        'secret-whatsapp-token-a',
        'secret-whatsapp-app-secret-a',
        'secret-whatsapp-verify-a',
        'Secret Notification A',
        'Secret Notification Body A',
      ],
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await register(t, { organizationName: 'Organization A' });
    b = await register(t, { organizationName: 'Organization B' });
    ({ ids, secrets } = await seedOrganizationA());
  });
  afterAll(() => t.close());

  it('answers 403/404 without foreign data, and changes nothing', async () => {
    const document = (await t.request<OpenAPIV3.Document>('GET', '/docs-json')).body;
    const withIds = operationsOf(document).filter((op) => pathParams(op.path).length > 0);
    const integerParams = new Set(
      withIds.flatMap((op) =>
        ((op.operation.parameters ?? []) as OpenAPIV3.ParameterObject[])
          .filter((p) => p.in === 'path' && (p.schema as OpenAPIV3.SchemaObject | undefined)?.type === 'number')
          .map((p) => `${op.path}:${p.name}`),
      ),
    );
    expect(withIds.length).toBeGreaterThanOrEqual(10);

    const failures: string[] = [];
    for (const op of withIds) {
      const params = pathParams(op.path);
      // Integer parameters (version numbers) get 1; id parameters get every id of A (the same id
      // everywhere, then each id paired with A's user).
      const value = (name: string, id: string) => (integerParams.has(`${op.path}:${name}`) ? '1' : id);
      const combos = ids.flatMap((id) => [
        params.map((name) => value(name, id)),
        params.map((name, i) => value(name, i === 0 ? id : a.userId)),
      ]);
      for (const combo of combos) {
        const path = params.reduce((p, name, i) => p.replace(`{${name}}`, combo[i]!), op.path);
        const res = await t.request(op.method, path, {
          token: b.accessToken,
          body: requestBodyOf(document, op.operation),
        });
        const leaked = secrets.filter((s) => res.text.includes(s));
        // A public route has no tenant: its capability check (a webhook's signature) may also say 401.
        const refusals = isPublic(op.operation) ? [401, 403, 404] : [403, 404];
        if (!refusals.includes(res.status) || leaked.length > 0) {
          failures.push(
            `${op.method} ${path} → ${res.status} ${leaked.length ? `leaked ${leaked.join(', ')}` : res.text.slice(0, 200)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);

    // Organization A is untouched.
    const members = await t.request('GET', '/api/v1/members', { token: a.accessToken });
    expect(members.body.items.map((m: { role: string }) => m.role).sort()).toEqual(['agent', 'org_admin']);
    const departments = await t.request('GET', '/api/v1/departments', { token: a.accessToken });
    expect(departments.body.items).toEqual([expect.objectContaining({ name: 'Secret Department A', memberCount: 1 })]);
    const invitations = await t.request('GET', '/api/v1/invitations', { token: a.accessToken });
    expect(
      invitations.body.items.find((i: { email: string }) => i.email === 'pending.invitee.a@example.com').status,
    ).toBe('pending');
    const keys = await t.request('GET', '/api/v1/api-keys', { token: a.accessToken });
    expect(keys.body.items[0].revokedAt).toBeNull();
    const conversations = await t.request('GET', '/api/v1/conversations', { token: a.accessToken });
    // The seeded conversation, and the bot session's own (same id as the session), both untouched.
    expect(conversations.body.items).toHaveLength(2);
    expect(conversations.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'open', priority: 'none', labels: ['secret-label-a'], lastSeq: 1 }),
      ]),
    );
    const canned = await t.request('GET', '/api/v1/canned-responses', { token: a.accessToken });
    expect(canned.body.items).toEqual([expect.objectContaining({ shortCode: 'secret-a', content: 'Secret Canned A' })]);
    const contacts = await t.request('GET', '/api/v1/contacts', { token: a.accessToken });
    // The seeded profile, the seeded conversation's contact and the imported one, all untouched.
    expect(contacts.body.items).toHaveLength(3);
    expect(contacts.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Secret Profile A',
          attributes: { secret_attr_a: 'Secret Value A' },
          tagIds: [expect.any(String)],
        }),
        expect.objectContaining({ name: 'Secret Contact A', conversationCount: 1 }),
        expect.objectContaining({ name: 'Secret Imported Contact A', email: 'secret.import.a@example.com' }),
      ]),
    );
    const contactImport = await t.request('GET', `/api/v1/contacts/imports/${importId}`, { token: a.accessToken });
    expect(contactImport.body).toMatchObject({
      status: 'completed',
      cancelRequested: false,
      counts: { created: 1, failed: 1 },
    });
    const segments = await t.request('GET', '/api/v1/segments', { token: a.accessToken });
    expect(segments.body.items).toEqual([expect.objectContaining({ name: 'Secret Segment A' })]);
    const connections = await t.request('GET', '/api/v1/connections', { token: a.accessToken });
    expect(connections.body.items).toEqual([
      expect.objectContaining({ name: 'Secret Connection A', lastTestedAt: null }),
    ]);
    const webhooks = await t.request('GET', '/api/v1/webhooks', { token: a.accessToken });
    expect(webhooks.body.items).toEqual([
      expect.objectContaining({ url: 'https://secret-hook-a.example.com/in', eventTypes: ['*'], active: true }),
    ]);
    const notifications = await t.request('GET', '/api/v1/notifications', { token: a.accessToken });
    expect(notifications.body.items).toEqual([
      expect.objectContaining({ id: notificationId, title: 'Secret Notification A', readAt: null }),
    ]);
    const subscription = await t.request('GET', '/api/v1/billing/subscription', { token: a.accessToken });
    expect(subscription.body).toMatchObject({ plan: 'professional', status: 'trialing', cancelAtPeriodEnd: false });
    const billingSettings = await t.request('GET', '/api/v1/billing/settings', { token: a.accessToken });
    expect(billingSettings.body.unavailableMessage).toMatch(/unavailable right now/);
    const channels = await t.request('GET', '/api/v1/channels/whatsapp', { token: a.accessToken });
    expect(channels.body.items).toEqual([expect.objectContaining({ displayName: 'Secret WhatsApp A' })]);
    const bots = await t.request('GET', '/api/v1/chatbots', { token: a.accessToken });
    expect(bots.body.items).toEqual([
      expect.objectContaining({ name: 'Secret Bot A', status: 'published', latestVersion: 1, draftRevision: 1 }),
    ]);
    // Every route × every id of A, one request at a time: about 50 s on a busy 2-core machine.
  }, 180_000);
});

describe('role matrix', () => {
  let t: TestApp;
  let admin: Account;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await register(t);
  });
  afterAll(() => t.close());

  it('viewers cannot write, agents cannot manage members, admins can', async () => {
    const viewer = await addMember(t, admin, 'viewer');
    const agent = await addMember(t, admin, 'agent');
    const cases: { method: string; path: string; body?: unknown; min: 'viewer' | 'agent' | 'org_admin' }[] = [
      { method: 'GET', path: '/api/v1/members', min: 'viewer' },
      { method: 'GET', path: '/api/v1/departments', min: 'viewer' },
      { method: 'GET', path: '/api/v1/organizations/current', min: 'viewer' },
      { method: 'POST', path: '/api/v1/departments', body: { name: `D ${Math.random()}` }, min: 'org_admin' },
      { method: 'PATCH', path: '/api/v1/organizations/current', body: { name: 'Renamed' }, min: 'org_admin' },
      {
        method: 'POST',
        path: '/api/v1/invitations',
        body: { email: 'x.matrix@example.com', role: 'viewer' },
        min: 'org_admin',
      },
      { method: 'PATCH', path: `/api/v1/members/${viewer.userId}`, body: { role: 'viewer' }, min: 'org_admin' },
      { method: 'GET', path: '/api/v1/api-keys', min: 'org_admin' },
      { method: 'GET', path: '/api/v1/billing/usage', min: 'viewer' },
      { method: 'GET', path: '/api/v1/billing/subscription', min: 'viewer' },
      { method: 'PUT', path: '/api/v1/billing/subscription', body: { plan: 'professional' }, min: 'org_admin' },
      { method: 'PATCH', path: '/api/v1/billing/settings', body: { unavailableMessage: 'Closed.' }, min: 'org_admin' },
      { method: 'GET', path: '/api/v1/billing/budget', min: 'viewer' },
      { method: 'PUT', path: '/api/v1/billing/budget', body: { monthlyBudgetUsd: 25 }, min: 'org_admin' },
      { method: 'GET', path: '/api/v1/billing/costs', min: 'org_admin' },
      { method: 'GET', path: '/api/v1/billing/costs.csv', min: 'org_admin' },
    ];
    const rank = { viewer: 0, agent: 1, org_admin: 2 } as const;
    const actors = [
      ['viewer', viewer],
      ['agent', agent],
      ['org_admin', admin],
    ] as const;
    const got: string[] = [];
    const want: string[] = [];
    for (const c of cases) {
      for (const [role, actor] of actors) {
        const res = await t.request(c.method, c.path, { token: actor.accessToken, body: c.body });
        got.push(`${role} ${c.method} ${c.path}: ${res.status < 300 ? 'allowed' : res.status}`);
        want.push(`${role} ${c.method} ${c.path}: ${rank[role] >= rank[c.min] ? 'allowed' : 403}`);
      }
    }
    expect(got).toEqual(want);
  });
});
