import { type AnyDomainEvent, eventCatalogue, type EventType, eventTypes } from '@/events/event-catalogue';
import { registerOpenApiSchema } from '@/common/openapi/schema-registry';

/** Events a webhook can subscribe to: the organization's (`tenant: true`), not user-level ones. */
export type WebhookEventType = {
  [T in EventType]: (typeof eventCatalogue)[T]['tenant'] extends true ? T : never;
}[EventType];

export const webhookEventTypes = eventTypes.filter((type) => eventCatalogue[type].tenant) as WebhookEventType[];

export const PING_EVENT_TYPE = 'ping';

/** An OpenAPI 3.0 schema object (plain JSON). */
type SchemaObject = Readonly<Record<string, unknown>>;

/** The JSON body of a delivery: the event's envelope, its secret fields removed. */
export interface WebhookPayload {
  readonly id: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly organizationId: string;
  readonly data: Record<string, unknown>;
}

export function webhookPayloadOf(event: AnyDomainEvent & { organizationId: string }): WebhookPayload {
  const secret = eventCatalogue[event.type].secret as readonly string[];
  const data: Record<string, unknown> = { ...(event.data as unknown as Record<string, unknown>) };
  for (const field of secret) delete data[field];
  return { id: event.id, type: event.type, occurredAt: event.occurredAt, organizationId: event.organizationId, data };
}

export function pingPayload(id: string, organizationId: string, subscriptionId: string): WebhookPayload {
  return {
    id,
    type: PING_EVENT_TYPE,
    occurredAt: new Date().toISOString(),
    organizationId,
    data: { subscriptionId, message: 'Parley webhook test' },
  };
}

// Small schema builders: every property listed is required (payloads always carry every key).
const str = (format?: string): SchemaObject => ({ type: 'string', ...(format ? { format } : {}) });
const uuid = (): SchemaObject => str('uuid');
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
const int = (): SchemaObject => ({ type: 'integer' });
const bool = (): SchemaObject => ({ type: 'boolean' });
const anyObject = (): SchemaObject => ({ type: 'object', additionalProperties: true });
const obj = (properties: Record<string, SchemaObject>, optional: readonly string[] = []): SchemaObject => {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  // OpenAPI 3.0: `required` may not be empty.
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
};

/**
 * The `data` of each webhook-able event (secret fields left out: they are never sent). A typed map:
 * a new tenant event without a schema here does not compile.
 */
const dataSchemas = {
  'session.started': obj({
    chatbotId: uuid(),
    sessionId: uuid(),
    versionNumber: nullable(int()),
    origin: nullable(str()),
  }),
  'session.completed': obj({ chatbotId: uuid(), sessionId: uuid(), turn: int() }),
  'session.handoff_requested': obj({
    chatbotId: uuid(),
    sessionId: uuid(),
    departmentId: nullable(uuid()),
    message: nullable(str()),
  }),
  'ai.usage_recorded': obj({
    chatbotId: nullable(uuid()),
    sessionId: nullable(uuid()),
    preview: bool(),
    provider: { type: 'string', enum: ['openai'] },
    operation: { type: 'string', enum: ['chat', 'transcription', 'speech', 'response'] },
    model: str(),
    promptTokens: int(),
    completionTokens: int(),
    totalTokens: int(),
    durationMs: int(),
    outcome: { type: 'string', enum: ['ok', 'error'] },
    connectionId: nullable(uuid()),
    audioSeconds: nullable({ type: 'number' }),
    characters: nullable(int()),
  }),
  'result.updated': obj({
    chatbotId: uuid(),
    sessionId: uuid(),
    completed: bool(),
    result: obj({ variables: anyObject(), answers: anyObject() }),
  }),
  'conversation.created': obj({
    conversationId: uuid(),
    channel: str(),
    chatbotId: nullable(uuid()),
    sessionId: nullable(uuid()),
    contactId: nullable(uuid()),
  }),
  'conversation.bot_handoff': obj({
    conversationId: uuid(),
    sessionId: nullable(uuid()),
    chatbotId: nullable(uuid()),
    departmentId: nullable(uuid()),
    message: nullable(str()),
    contact: nullable(
      obj({ name: nullable(str()), email: nullable(str()), phone: nullable(str()), attributes: anyObject() }),
    ),
  }),
  'conversation.assigned': obj({
    conversationId: uuid(),
    assigneeId: nullable(uuid()),
    previousAssigneeId: nullable(uuid()),
    departmentId: nullable(uuid()),
    byUserId: nullable(uuid()),
  }),
  'conversation.status_changed': obj({
    conversationId: uuid(),
    status: str(),
    previousStatus: str(),
    byUserId: nullable(uuid()),
    snoozedUntil: nullable(str('date-time')),
  }),
  'conversation.resolved': obj({ conversationId: uuid(), byUserId: nullable(uuid()) }),
  'conversation.updated': obj({
    conversationId: uuid(),
    changes: obj({ priority: str(), labels: { type: 'array', items: str() }, departmentId: nullable(uuid()) }, [
      'priority',
      'labels',
      'departmentId',
    ]),
    byUserId: nullable(uuid()),
  }),
  'message.created': obj({
    conversationId: uuid(),
    message: obj(
      {
        id: uuid(),
        conversationId: uuid(),
        seq: int(),
        sender: obj({ type: { type: 'string', enum: ['bot', 'visitor', 'agent', 'system'] }, id: str(), name: str() }, [
          'id',
          'name',
        ]),
        kind: { type: 'string', enum: ['message', 'note', 'activity'] },
        content: {},
        text: nullable(str()),
        clientMessageId: nullable(str()),
        status: { type: 'string', enum: ['sent', 'delivered', 'read', 'failed'] },
        createdAt: str('date-time'),
      },
      ['content'],
    ),
  }),
  'chatbot.published': obj({
    chatbotId: uuid(),
    version: int(),
    rolledBackFrom: nullable(int()),
    publishedByUserId: nullable(uuid()),
  }),
  // `token` is secret: never sent.
  'invitation.created': obj({
    invitationId: uuid(),
    organizationName: str(),
    email: str('email'),
    role: str(),
    expiresAt: str('date-time'),
  }),
  'webhook.subscription_disabled': obj({
    subscriptionId: uuid(),
    url: str('uri'),
    reason: str(),
    consecutiveFailures: int(),
    disabledAt: str('date-time'),
  }),
  'billing.quota_warning': obj({
    limit: str(),
    threshold: { type: 'integer', enum: [80, 100] },
    used: { type: 'number' },
    max: { type: 'number' },
    periodStart: str('date-time'),
  }),
  'billing.subscription_changed': obj({
    plan: str(),
    previousPlan: str(),
    status: { type: 'string', enum: ['trialing', 'active', 'past_due', 'canceled'] },
    previousStatus: { type: 'string', enum: ['trialing', 'active', 'past_due', 'canceled'] },
    currentPeriodEnd: str('date-time'),
    byUserId: nullable(uuid()),
  }),
} satisfies Record<WebhookEventType, SchemaObject>;

const pingData = obj({ subscriptionId: uuid(), message: str() });

/** `session.started` → `SessionStartedWebhookPayload`. */
export const payloadSchemaName = (type: string): string =>
  `${type
    .split(/[._]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}WebhookPayload`;

const envelope = (type: string, data: SchemaObject): SchemaObject => ({
  type: 'object',
  description: `The body of a \`${type}\` delivery (signed: see the Parley-Signature header).`,
  properties: {
    id: { type: 'string', format: 'uuid', description: 'The event id (the same in every delivery of the event)' },
    type: { type: 'string', enum: [type] },
    occurredAt: { type: 'string', format: 'date-time' },
    organizationId: { type: 'string', format: 'uuid' },
    data,
  },
  required: ['id', 'type', 'occurredAt', 'organizationId', 'data'],
});

/** Registers one OpenAPI component per event type (and `ping`); returns the `$ref` of each. */
export const payloadSchemaRefs: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.entries(dataSchemas), [PING_EVENT_TYPE, pingData] as const].map(([type, data]) => [
    type,
    registerOpenApiSchema(payloadSchemaName(type), () => ({ ...envelope(type, data) })),
  ]),
);
