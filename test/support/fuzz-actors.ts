import type { OpenAPIV3 } from 'openapi-types';
import { uploadImport } from './contact-imports';
import { insertConversation } from './conversations';
import { addMember, register, type Account } from './identity';
import type { ParamResolver } from './fuzz-cases';
import type { TestApp } from './test-app';

/** Who calls: no credentials, each organization role, an API key, a platform admin, a chat visitor. */
export interface Actor {
  readonly role: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Real resources of one organization, so hostile requests get past 404 into validation and services. */
export interface FuzzWorld {
  readonly actors: readonly Actor[];
  readonly resolve: ParamResolver;
}

const expectStatus = (what: string, res: { status: number; text: string }, status: number): void => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
};

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * Seeds an organization with every kind of resource the API has (chatbot with a published
 * version, a session with its token, a Typebot session, template, department, invitation, API
 * keys, members, a contact with a tag, a segment and an attribute definition, a WhatsApp channel)
 * and returns the actors and a resolver of path parameters to those resources.
 */
export async function seedFuzzWorld(t: TestApp): Promise<FuzzWorld> {
  const admin = await register(t, { organizationName: 'Fuzz Org' });
  const [viewer, agent, victim] = [
    await addMember(t, admin, 'viewer'),
    await addMember(t, admin, 'agent'),
    await addMember(t, admin, 'agent'),
  ];
  const superAdmin: Account = await register(t, { organizationName: 'Fuzz Platform' });
  await t.sql('UPDATE users SET super_admin = true WHERE id = $1', [superAdmin.userId]);
  const bystander = await register(t, { organizationName: 'Fuzz Bystander' });
  const as = { token: admin.accessToken };

  const apiKey = await t.request('POST', '/api/v1/api-keys', { ...as, body: { name: 'Fuzz key', role: 'org_admin' } });
  expectStatus('api key', apiKey, 201);
  const spareKey = await t.request('POST', '/api/v1/api-keys', { ...as, body: { name: 'Spare key', role: 'viewer' } });
  expectStatus('spare api key', spareKey, 201);
  const department = await t.request('POST', '/api/v1/departments', { ...as, body: { name: 'Fuzz Dept' } });
  expectStatus('department', department, 201);
  const invitation = await t.request('POST', '/api/v1/invitations', {
    ...as,
    body: { email: 'fuzz.invitee@example.com', role: 'viewer' },
  });
  expectStatus('invitation', invitation, 201);
  const chatbot = await t.request('POST', '/api/v1/chatbots', {
    ...as,
    body: { name: 'Fuzz Bot', templateId: 'lead-capture' },
  });
  expectStatus('chatbot', chatbot, 201);
  expectStatus(
    'publish',
    await t.request('POST', `/api/v1/chatbots/${chatbot.body.id}/publish`, { ...as, body: {} }),
    201,
  );
  const template = await t.request('POST', '/api/v1/templates', {
    ...as,
    body: { name: 'Fuzz Template', chatbotId: chatbot.body.id },
  });
  expectStatus('template', template, 201);
  const session = await t.request('POST', `/api/v1/bots/${chatbot.body.publicId}/sessions`, { body: {} });
  expectStatus('session', session, 201);
  const typebot = await t.request('POST', `/api/v1/typebots/${chatbot.body.publicId}/startChat`, { body: {} });
  expectStatus('typebot session', typebot, 200);

  const conversation = await insertConversation(t, {
    organizationId: admin.organizationId,
    chatbotId: chatbot.body.id,
    departmentId: department.body.id,
    contact: { name: 'Fuzz Contact', email: 'fuzz.contact@example.com' },
  });
  const canned = await t.request('POST', '/api/v1/canned-responses', {
    ...as,
    body: { shortCode: 'fuzz', content: 'Fuzz canned response' },
  });
  expectStatus('canned response', canned, 201);
  const attribute = await t.request('POST', '/api/v1/contact-attributes', {
    ...as,
    body: { key: 'fuzz_plan', label: 'Fuzz plan', type: 'list', options: ['a', 'b'] },
  });
  expectStatus('contact attribute', attribute, 201);
  const tag = await t.request('POST', '/api/v1/tags', { ...as, body: { name: 'Fuzz tag' } });
  expectStatus('tag', tag, 201);
  const contact = await t.request('POST', '/api/v1/contacts', {
    ...as,
    body: { name: 'Fuzz Profile', email: 'fuzz.profile@example.com', tagIds: [tag.body.id] },
  });
  expectStatus('contact', contact, 201);
  const segment = await t.request('POST', '/api/v1/segments', {
    ...as,
    body: { name: 'Fuzz segment', filter: { tags: [tag.body.id] } },
  });
  expectStatus('segment', segment, 201);
  const connection = await t.request('POST', '/api/v1/connections', {
    ...as,
    body: { name: 'Fuzz Connection', type: 'bearer', secrets: { token: 'fuzz-token' } },
  });
  expectStatus('connection', connection, 201);
  const contactImport = await uploadImport(t, admin.accessToken, 'email,name\nfuzz.import@example.com,Fuzz Import\n');
  expectStatus('contact import', contactImport, 202);
  const webhook = await t.request('POST', '/api/v1/webhooks', {
    ...as,
    body: { url: 'https://fuzz-hooks.example.com/in', eventTypes: ['chatbot.published'] },
  });
  expectStatus('webhook', webhook, 201);
  const webhookDelivery = await t.request('POST', `/api/v1/webhooks/${webhook.body.id}/test`, as);
  expectStatus('webhook delivery', webhookDelivery, 202);

  const whatsapp = await t.request('POST', '/api/v1/channels/whatsapp', {
    ...as,
    body: {
      phoneNumberId: '900000000000001',
      businessAccountId: '900000000000002',
      accessToken: 'fuzz-access-token',
      appSecret: 'fuzz-app-secret',
      verifyToken: 'fuzz-verify-token',
      chatbotId: chatbot.body.id,
    },
  });
  expectStatus('whatsapp channel', whatsapp, 201);

  const [notification] = await t.sql<{ id: string }>(
    `INSERT INTO notifications (id, organization_id, user_id, type, title, body, data, source_event_id)
     VALUES (gen_random_uuid(), $1, $2, 'conversation.assigned', 'Fuzz notification', 'Fuzz body', '{}', gen_random_uuid())
     RETURNING id`,
    [admin.organizationId, admin.userId],
  );

  const actors: Actor[] = [
    { role: 'anonymous', headers: {} },
    { role: 'visitor', headers: bearer(session.body.sessionToken) },
    { role: 'viewer', headers: bearer(viewer.accessToken) },
    { role: 'agent', headers: bearer(agent.accessToken) },
    { role: 'org_admin', headers: bearer(admin.accessToken) },
    { role: 'api_key', headers: bearer(apiKey.body.key) },
    { role: 'super_admin', headers: bearer(superAdmin.accessToken) },
  ];

  /** A path parameter's value: the seeded resource the segment before it names. */
  const resolve: ParamResolver = (path, param) => {
    const segments = path.split('/');
    const at = segments.indexOf(`{${param}}`);
    const parent = segments[at - 1];
    if (path.endsWith('/continueChat')) return typebot.body.sessionId;
    switch (parent ?? '') {
      case 'chatbots':
        return chatbot.body.id;
      case 'versions':
        return '1';
      case 'results':
        return session.body.sessionId;
      case 'sessions':
        return session.body.sessionId;
      case 'bots':
      case 'typebots':
      case 'widget':
        return chatbot.body.publicId;
      case 'departments':
        return department.body.id;
      case 'members':
        return victim.userId;
      case 'invitations':
        return invitation.body.id;
      case 'api-keys':
        return spareKey.body.id;
      case 'templates':
        return template.body.id;
      case 'organizations':
        return bystander.organizationId;
      case 'conversations':
        return conversation;
      case 'canned-responses':
        return canned.body.id;
      case 'connections':
        return connection.body.id;
      case 'agents':
        return agent.userId;
      case 'files':
        // Signed storage links (`GET /files/*`): a path nobody stored.
        return 'fuzz/missing.txt';
      case 'contacts':
        return contact.body.id;
      case 'tags':
        return tag.body.id;
      case 'segments':
        return segment.body.id;
      case 'contact-attributes':
        return attribute.body.id;
      case 'imports':
        return contactImport.body.id;
      case 'webhooks':
        return webhook.body.id;
      case 'deliveries':
        return webhookDelivery.body.id;
      case 'whatsapp':
        return whatsapp.body.id;
      case 'notifications':
        return notification!.id;
      case 'plans':
        // A plan nobody in the fuzz world is on (super admins may edit it).
        return 'starter';
      default:
        throw new Error(`fuzz: no seeded resource for {${param}} in ${path}; add one in seedFuzzWorld`);
    }
  };
  return { actors, resolve };
}

/** Whether an operation is public (no credentials at all, or a visitor's session token). */
export const isPublic = (operation: OpenAPIV3.OperationObject): boolean =>
  Array.isArray(operation.security) && operation.security.length === 0;
