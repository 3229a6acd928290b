import type { AnyDomainEvent } from '@/events/event-catalogue';
import type { MailMessage } from '@/integrations/mail/mail-message';
import type { InboundMessage, InboundStatus, OutboundItem } from '@/integrations/whatsapp/whatsapp-messages';

/**
 * Every payload says whose work it is: `organizationId` is the organization of tenant work (a
 * string, branded with `asOrganizationId` by the processor before it queries), or `null` for
 * platform-wide system work, which the comment of its job says. The constraint at the bottom
 * makes a payload without it fail to compile.
 */
interface Scoped {
  readonly organizationId: string | null;
}

/** The job of an event subscriber: one per (subscriber, event), with job id `<subscriber>-<eventId>`. */
export interface EventJob {
  readonly organizationId: string | null;
  readonly event: AnyDomainEvent;
}

/**
 * Every queue and job of Parley, with its payload type. Add a queue here, then a processor that
 * extends `TypedWorkerHost<'queue'>`: the compiler makes it handle every job of its queue, and
 * the boot check makes sure each queue has exactly one processor in worker processes.
 *
 * Payloads of tenant work carry `organizationId`.
 */
export interface QueueJobs {
  /** Housekeeping of the platform itself. */
  system: {
    /** Round trip through a worker; used by operators and tests to see that workers run. Platform-wide. */
    ping: { organizationId: null; sentAt: string; echo?: string };
  };
  /** Chat sessions: follow-ups without a visitor request, and housekeeping. */
  executions: {
    /** The visitor did not answer within the idle timeout: run the flow's `idle` event. */
    idle: { organizationId: string; sessionId: string; turn: number };
    /**
     * Delete sessions (and their logs and results) idle for longer than the retention. Platform-wide:
     * one run covers every organization.
     */
    'prune-sessions': { organizationId: null };
  };
  /** Live chat: assignment after a handoff, the end of snoozes. */
  chat: {
    /** Subscriber `chat-assignment`: assign a handed-over conversation (`conversation.bot_handoff`). */
    'assign-handoff': EventJob;
    /** A snooze ends: reopen the conversation if it is still snoozed and due (delayed job). */
    unsnooze: { organizationId: string; conversationId: string };
    /** Reopen every due snooze (a repeating job; catches up missed delayed jobs). Platform-wide. */
    'reopen-snoozed': { organizationId: null };
  };
  /** Outbound mail (src/integrations/mail), sent through `MailTransport` with retries. */
  mail: {
    /** One email (send-email blocks, notifications); `organizationId` null for platform mail. */
    send: {
      organizationId: string | null;
      message: MailMessage;
      /** Sent through this `smtp` connection of the organization instead of `SMTP_URL`. */
      connectionId?: string;
    };
  };
  /** Contacts CSV imports (`src/contacts/imports`). */
  imports: {
    /** Validate, stage and merge one uploaded CSV file (job id = import id; resumes or restarts on retry). */
    import: { organizationId: string; importId: string };
  };
  /** Outbound webhooks (src/integrations/webhooks). */
  webhooks: {
    /** Subscriber `webhooks`: one delivery per matching subscription of the event's organization. */
    fanout: EventJob;
    /** One HTTP delivery (job id = delivery id); retried with the webhook backoff. */
    deliver: { organizationId: string; deliveryId: string };
  };
  /** WhatsApp Cloud API channels (src/integrations/whatsapp). */
  whatsapp: {
    /** One message or status of a webhook notification (job id from Meta's id: a duplicate is one job). */
    inbound:
      | { organizationId: string; channelId: string; kind: 'message'; message: InboundMessage }
      | { organizationId: string; channelId: string; kind: 'status'; status: InboundStatus };
    /** WhatsApp messages of one bot turn, sent in order, each once (retried with backoff on 429/5xx). */
    send: { organizationId: string; conversationId: string; items: OutboundItem[] };
    /** Subscriber `whatsapp-agent-messages`: an agent's message in a WhatsApp conversation goes out. */
    'agent-message': EventJob;
    /** Subscriber `whatsapp-hand-backs`: after an agent hands back, the bot's turn goes out. */
    'bot-turn': EventJob;
    /** Pull the business account's message templates from the Graph API. */
    'sync-templates': { organizationId: string; channelId: string };
    /** Read the number's verified name and quality rating from the Graph API. */
    'refresh-number': { organizationId: string; channelId: string };
  };
  /** Notifications (src/notifications): in-app rows, socket pushes and emails. */
  notifications: {
    /** Subscriber `notifications`: the notifications (and account emails) of one event. */
    notify: EventJob;
    /** Delete read notifications older than `NOTIFICATION_RETENTION_DAYS` (daily). Platform-wide. */
    prune: { organizationId: null };
  };
  /** Billing (src/billing). */
  billing: {
    /** Move due subscriptions to their next period, end trials and cancellations (a repeating job). Platform-wide. */
    rollover: { organizationId: null };
  };
  /** Built-in subscribers of domain events (see `src/events/subscribers.ts`). */
  events: {
    /** Counts the event (`parley_domain_events_total`) and logs its envelope (never its data). */
    record: EventJob;
  };
}

/** Fails to compile when a payload has no `organizationId` (see `Scoped`). */
export const queueJobsAreScoped: QueueJobs extends { [Q in keyof QueueJobs]: Record<keyof QueueJobs[Q], Scoped> }
  ? true
  : never = true;

export type QueueName = keyof QueueJobs;
export type JobName<Q extends QueueName> = keyof QueueJobs[Q] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = QueueJobs[Q][J];

/** Runtime list of queues and job names, kept in step with `QueueJobs` by the `satisfies` below. */
export const queueRegistry = {
  system: ['ping'],
  executions: ['idle', 'prune-sessions'],
  chat: ['assign-handoff', 'unsnooze', 'reopen-snoozed'],
  mail: ['send'],
  whatsapp: ['inbound', 'send', 'agent-message', 'bot-turn', 'sync-templates', 'refresh-number'],
  events: ['record'],
  imports: ['import'],
  webhooks: ['fanout', 'deliver'],
  notifications: ['notify', 'prune'],
  billing: ['rollover'],
} as const satisfies { readonly [Q in QueueName]: readonly JobName<Q>[] };

export const queueNames = Object.keys(queueRegistry) as QueueName[];
