/**
 * Every domain event of Parley, with its payload (`data`) type. Add an event here, emit it through
 * the outbox in the transaction (or statement) of the change it describes, and subscribe to it in
 * `subscribers.ts`. Events are delivered at least once to each subscriber; order is not promised.
 *
 * Fields listed under `secret` in `eventCatalogue` carry credentials (a token the notification must
 * email): they stay in the outbox row until it is pruned (dispatched + `OUTBOX_RETENTION_HOURS`)
 * and in the subscriber's job until BullMQ removes it; never log them.
 */
export interface DomainEvents {
  /** A visitor started a session with a published bot (previews emit no session events). */
  'session.started': {
    chatbotId: string;
    sessionId: string;
    versionNumber: number | null;
    origin: string | null;
  };
  /** A session's flow reached its end (status `completed`). */
  'session.completed': { chatbotId: string; sessionId: string; turn: number };
  /** A bot handed the conversation to a human (never from previews); live chat takes it from here. */
  'session.handoff_requested': {
    chatbotId: string;
    sessionId: string;
    departmentId: string | null;
    message: string | null;
  };
  /**
   * An AI call, for metering: every call that reached the provider, failed ones too (tokens 0),
   * previews too (they cost money), flagged. `chatbotId`/`sessionId` are null for calls outside a
   * visitor turn (transcription jobs); `connectionId` null: the installation's key paid.
   */
  'ai.usage_recorded': {
    chatbotId: string | null;
    sessionId: string | null;
    preview: boolean;
    provider: 'openai';
    /** `chat`, `transcription`, `speech` or `response`. */
    operation: string;
    model: string;
    promptTokens: number;
    completionTokens: number;
    totalTokens: number;
    durationMs: number;
    outcome: 'ok' | 'error';
    connectionId: string | null;
    /** Seconds of audio transcribed as the provider reported them (null: not reported, or not a transcription). */
    audioSeconds: number | null;
    /** Characters turned into speech (null for other operations). */
    characters: number | null;
  };
  /** The stored result of a session (answers, saved variables) changed (previews have no results). */
  'result.updated': {
    chatbotId: string;
    sessionId: string;
    completed: boolean;
    result: { variables: Record<string, unknown>; answers: Record<string, unknown> };
  };
  /** A conversation began: a bot session's (same id), or an inbound one without a bot. */
  'conversation.created': {
    conversationId: string;
    channel: string;
    chatbotId: string | null;
    sessionId: string | null;
    contactId: string | null;
  };
  /**
   * A bot handed the conversation to humans: it is `open`, waiting in `departmentId`'s queue (null:
   * anyone). `contact`: what the visitor told the bot (name, email, phone variables; saved variables
   * as attributes), matched to or made into the conversation's contact.
   */
  'conversation.bot_handoff': {
    conversationId: string;
    sessionId: string | null;
    chatbotId: string | null;
    departmentId: string | null;
    message: string | null;
    contact: {
      name: string | null;
      email: string | null;
      phone: string | null;
      attributes: Record<string, unknown>;
    } | null;
  };
  /** The conversation's assignee changed (`assigneeId` null: unassigned); `byUserId` null when automatic. */
  'conversation.assigned': {
    conversationId: string;
    assigneeId: string | null;
    previousAssigneeId: string | null;
    departmentId: string | null;
    byUserId: string | null;
  };
  /** The conversation's status changed (`byUserId` null: the bot, the visitor or the system). */
  'conversation.status_changed': {
    conversationId: string;
    status: string;
    previousStatus: string;
    byUserId: string | null;
    snoozedUntil: string | null;
  };
  /** The conversation was resolved (by an agent, or by the bot reaching its end). */
  'conversation.resolved': { conversationId: string; byUserId: string | null };
  /** Priority, labels or department changed. */
  'conversation.updated': {
    conversationId: string;
    changes: { priority?: string; labels?: string[]; departmentId?: string | null };
    byUserId: string | null;
  };
  /** A message was stored in a conversation (bot bubble, visitor reply, agent message or note, activity). */
  'message.created': {
    conversationId: string;
    message: {
      id: string;
      conversationId: string;
      seq: number;
      sender: { type: 'bot' | 'visitor' | 'agent' | 'system'; id?: string; name?: string };
      kind: 'message' | 'note' | 'activity';
      content: unknown;
      text: string | null;
      clientMessageId: string | null;
      status: 'sent' | 'delivered' | 'read' | 'failed';
      createdAt: string;
    };
  };
  /** A version of a chatbot went live: a publish, or a rollback (`rolledBackFrom`). */
  'chatbot.published': {
    chatbotId: string;
    version: number;
    rolledBackFrom: number | null;
    publishedByUserId: string | null;
  };
  /** Someone was invited into an organization; the notification emails `token` (secret). */
  'invitation.created': {
    invitationId: string;
    organizationName: string;
    email: string;
    role: string;
    token: string;
    expiresAt: string;
  };
  /**
   * A webhook subscription kept failing (`consecutiveFailures` dead letters in a row) and was
   * deactivated; the notifications module tells the organization's admins.
   */
  'webhook.subscription_disabled': {
    subscriptionId: string;
    url: string;
    reason: string;
    consecutiveFailures: number;
    disabledAt: string;
  };
  /**
   * The organization's usage of a plan limit (or its monthly AI budget, `limit: 'ai_budget_usd'`)
   * crossed `threshold` percent in the period starting `periodStart`: emitted once per period and
   * threshold (the notifications module tells the organization's admins).
   */
  'billing.quota_warning': {
    limit: string;
    threshold: 80 | 100;
    used: number;
    max: number;
    periodStart: string;
  };
  /** The organization's subscription changed plan or status (`byUserId` null: the rollover job or a payment provider). */
  'billing.subscription_changed': {
    plan: string;
    previousPlan: string;
    status: string;
    previousStatus: string;
    currentPeriodEnd: string;
    byUserId: string | null;
  };
  /**
   * A user asked to reset their password; the notification emails `token` (secret). Not tied to
   * one organization: the envelope's `organizationId` is null.
   */
  'auth.password_reset_requested': {
    userId: string;
    email: string;
    name: string;
    token: string;
    expiresAt: string;
  };
}

export type EventType = keyof DomainEvents;

/** What the outbox stores and subscribers receive. */
export interface DomainEvent<T extends EventType = EventType> {
  /** UUIDv7, so time-ordered; subscribers' job ids are derived from it. */
  readonly id: string;
  readonly type: T;
  /** ISO 8601. */
  readonly occurredAt: string;
  /** The tenant the event belongs to; null only for user-level events (password reset). */
  readonly organizationId: string | null;
  readonly data: DomainEvents[T];
}

/** Any one event, narrowed by `type`. */
export type AnyDomainEvent = { [T in EventType]: DomainEvent<T> }[EventType];

interface EventDescription<T extends EventType> {
  /** Payload fields that are credentials. */
  readonly secret: readonly (keyof DomainEvents[T] & string)[];
  /** Whether the event belongs to an organization (else `organizationId` is null). */
  readonly tenant: boolean;
}

/** Runtime list of the events, kept in step with `DomainEvents` by the `satisfies` below. */
export const eventCatalogue = {
  'session.started': { secret: [], tenant: true },
  'session.completed': { secret: [], tenant: true },
  'session.handoff_requested': { secret: [], tenant: true },
  'ai.usage_recorded': { secret: [], tenant: true },
  'result.updated': { secret: [], tenant: true },
  'conversation.created': { secret: [], tenant: true },
  'conversation.bot_handoff': { secret: [], tenant: true },
  'conversation.assigned': { secret: [], tenant: true },
  'conversation.status_changed': { secret: [], tenant: true },
  'conversation.resolved': { secret: [], tenant: true },
  'conversation.updated': { secret: [], tenant: true },
  'message.created': { secret: [], tenant: true },
  'chatbot.published': { secret: [], tenant: true },
  'invitation.created': { secret: ['token'], tenant: true },
  'webhook.subscription_disabled': { secret: [], tenant: true },
  'billing.quota_warning': { secret: [], tenant: true },
  'billing.subscription_changed': { secret: [], tenant: true },
  'auth.password_reset_requested': { secret: ['token'], tenant: false },
} as const satisfies { readonly [T in EventType]: EventDescription<T> };

export const eventTypes = Object.keys(eventCatalogue) as EventType[];

/** The `organizationId` an event of type `T` takes: an id for tenant events, null for user-level ones. */
export type OrganizationOf<T extends EventType> = (typeof eventCatalogue)[T]['tenant'] extends true ? string : null;
