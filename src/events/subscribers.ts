import { accountEmails, notifies, notifyingEvents } from '@/notifications/notification-types';
import type { EventJob, JobName, JobPayload, QueueName } from '@/queue/queue.registry';
import { type AnyDomainEvent, eventCatalogue, type EventType, eventTypes } from './event-catalogue';

/** The jobs of queue `Q` whose payload is an `EventJob`. */
type EventJobName<Q extends QueueName> = {
  [J in JobName<Q>]: JobPayload<Q, J> extends EventJob ? J : never;
}[JobName<Q>];

/**
 * A subscriber: the events it wants and the job the dispatcher enqueues for each, with job id
 * `<name>-<eventId>` so that a redelivered event does no double work.
 */
export type EventSubscriber = {
  [Q in QueueName]: {
    /** Unique; part of the job ids, so never renamed while events are in flight. */
    readonly name: string;
    readonly events: readonly EventType[];
    readonly queue: Q;
    readonly job: EventJobName<Q>;
    /**
     * Narrows `events` further on the event itself (pure, cheap: run by the dispatcher for every
     * event of those types): no job at all for an event it refuses, e.g. bot bubbles for a
     * subscriber of agents' messages.
     */
    readonly when?: (event: AnyDomainEvent) => boolean;
  };
}[QueueName];

/**
 * Every subscriber of domain events. Webhooks, live-chat fan-out, usage metering and notifications
 * are added here, each with a queue and job of its own (`queue.registry.ts`) and its processor.
 */
export const eventSubscribers = [
  // Every event but the per-message one: messages are counted where they are stored
  // (`parley_messages_total`, src/chat/message-metrics.ts), not by a job per chat bubble.
  { name: 'metrics', events: eventTypes.filter((type) => type !== 'message.created'), queue: 'events', job: 'record' },
  { name: 'chat-assignment', events: ['conversation.bot_handoff'], queue: 'chat', job: 'assign-handoff' },
  // Outbound webhooks: every organization event (user-level ones, `tenant: false`, are not webhook-able).
  {
    name: 'webhooks',
    events: eventTypes.filter((type) => eventCatalogue[type].tenant),
    queue: 'webhooks',
    job: 'fanout',
  },
  // Agents' messages of WhatsApp conversations go out through the Graph API (filtered in the job).
  {
    name: 'whatsapp-agent-messages',
    events: ['message.created'],
    queue: 'whatsapp',
    job: 'agent-message',
    when: (event) =>
      event.type === 'message.created' &&
      event.data.message.sender.type === 'agent' &&
      event.data.message.kind === 'message',
  },
  // A hand-back runs the bot outside an inbound message: its turn goes out from here.
  { name: 'whatsapp-hand-backs', events: ['conversation.status_changed'], queue: 'whatsapp', job: 'bot-turn' },
  // Notifications and account emails: no job for what notifies nobody (messages without mentions…).
  {
    name: 'notifications',
    events: [...notifyingEvents, ...accountEmails],
    queue: 'notifications',
    job: 'notify',
    when: notifies,
  },
] as const satisfies readonly EventSubscriber[];

const byType = new Map<EventType, readonly EventSubscriber[]>(
  eventTypes.map((type) => [type, eventSubscribers.filter((s) => (s.events as readonly EventType[]).includes(type))]),
);

/** The subscribers that get a job for `event`. */
export const subscribersOf = (event: AnyDomainEvent): readonly EventSubscriber[] =>
  (byType.get(event.type) ?? []).filter((s) => s.when?.(event) ?? true);

export const subscriberJobId = (subscriber: string, eventId: string): string => `${subscriber}-${eventId}`;
