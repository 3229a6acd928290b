import type { AnyDomainEvent, DomainEvent } from '@/events/event-catalogue';

/** Where a notification goes besides its event (the webhook channel, see docs/notifications.md). */
export const notificationChannels = ['in_app', 'email'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

interface NotificationTypeDescription {
  /** What the preferences page shows. */
  readonly label: string;
  /** The value of each channel while the user has not chosen. */
  readonly defaults: { readonly [C in NotificationChannel]: boolean };
}

/**
 * Every notification type (the `type` of a notification row), with its defaults. In-app is on for
 * every type; email is on for what needs the person (assignment, a mention, the organization's
 * quotas, plan and webhooks), off for department handoffs (every agent of a department gets each
 * one: noisy). Invitation and password-reset emails are not notification types: they have no
 * in-app copy and ignore preferences (see `accountEmails`).
 */
export const notificationTypes = {
  'conversation.assigned': {
    label: 'A conversation is assigned to you',
    defaults: { in_app: true, email: true },
  },
  'conversation.handoff_waiting': {
    label: 'A conversation handed over by a bot waits in your department',
    defaults: { in_app: true, email: false },
  },
  'note.mention': { label: 'Someone mentions you in a private note', defaults: { in_app: true, email: true } },
  'billing.quota_warning': {
    label: 'The organization nears or reaches a plan limit (admins)',
    defaults: { in_app: true, email: true },
  },
  'billing.subscription_changed': {
    label: "The organization's plan or subscription status changed (admins)",
    defaults: { in_app: true, email: true },
  },
  'webhook.subscription_disabled': {
    label: 'A webhook subscription was disabled after failing deliveries (admins)',
    defaults: { in_app: true, email: true },
  },
} as const satisfies Record<string, NotificationTypeDescription>;

export type NotificationType = keyof typeof notificationTypes;
export const notificationTypeNames = Object.keys(notificationTypes) as NotificationType[];

/** The value of a channel of a type for someone who has not chosen. */
export const defaultPreference = (type: NotificationType, channel: NotificationChannel): boolean =>
  notificationTypes[type].defaults[channel];

/** The stored choice, else the default. */
export const effectivePreference = (
  type: NotificationType,
  channel: NotificationChannel,
  stored: boolean | null | undefined,
): boolean => stored ?? defaultPreference(type, channel);

/** Who a notification is for, among the members of the event's organization. */
export type Audience =
  /** These users (when members). */
  | { readonly kind: 'users'; readonly userIds: readonly string[] }
  /** Agents and admins of a department (its members), or of the organization when null. */
  | { readonly kind: 'agents'; readonly departmentId: string | null }
  /** The organization's admins. */
  | { readonly kind: 'admins' };

/** What an event asks of the notifications pipeline: a type, an audience, and what the text needs. */
export interface NotificationPlan {
  readonly type: NotificationType;
  readonly audience: Audience;
  /** Never notified (the person who did it: self-assignment, a mention of yourself). */
  readonly exceptUserId: string | null;
  /** Whose name the text mentions (looked up with the recipients). */
  readonly actorId: string | null;
}

/** The events that make notification rows (the `notifications` subscriber takes these, and the account emails). */
export const notifyingEvents = [
  'conversation.assigned',
  'conversation.bot_handoff',
  'message.created',
  'billing.quota_warning',
  'billing.subscription_changed',
  'webhook.subscription_disabled',
] as const;

export type NotifyingEventType = (typeof notifyingEvents)[number];
export type NotifyingEvent = { [T in NotifyingEventType]: DomainEvent<T> }[NotifyingEventType];

export const isNotifying = (event: AnyDomainEvent): event is NotifyingEvent =>
  (notifyingEvents as readonly string[]).includes(event.type);

/** Events that are emails to an address rather than notifications of members (no row, no preferences). */
export const accountEmails = ['invitation.created', 'auth.password_reset_requested'] as const;

/** Ids a note mentions (`content.mentions`), as the agents' message endpoints store them. */
export function mentionsOf(content: unknown): string[] {
  if (typeof content !== 'object' || content === null) return [];
  const mentions = (content as { mentions?: unknown }).mentions;
  return Array.isArray(mentions) ? mentions.filter((m): m is string => typeof m === 'string') : [];
}

/** Whether `message.created` is an agent's note that mentions someone (the subscriber's `when`). */
const isMentioningNote = (event: DomainEvent<'message.created'>): boolean =>
  event.data.message.sender.type === 'agent' &&
  event.data.message.kind === 'note' &&
  mentionsOf(event.data.message.content).length > 0;

/** What `event` notifies, or null (an unassignment, a message without mentions, an unrelated event). */
export function planFor(event: AnyDomainEvent): NotificationPlan | null {
  if (!isNotifying(event)) return null;
  switch (event.type) {
    case 'conversation.assigned': {
      const { assigneeId, byUserId } = event.data;
      if (!assigneeId) return null;
      return {
        type: 'conversation.assigned',
        audience: { kind: 'users', userIds: [assigneeId] },
        exceptUserId: byUserId,
        actorId: byUserId,
      };
    }
    case 'conversation.bot_handoff':
      return {
        type: 'conversation.handoff_waiting',
        audience: { kind: 'agents', departmentId: event.data.departmentId },
        exceptUserId: null,
        actorId: null,
      };
    case 'message.created': {
      if (!isMentioningNote(event)) return null;
      const senderId = event.data.message.sender.id ?? null;
      return {
        type: 'note.mention',
        audience: { kind: 'users', userIds: [...new Set(mentionsOf(event.data.message.content))] },
        exceptUserId: senderId,
        actorId: null,
      };
    }
    case 'billing.quota_warning':
    case 'billing.subscription_changed':
    case 'webhook.subscription_disabled':
      return { type: event.type, audience: { kind: 'admins' }, exceptUserId: null, actorId: null };
  }
}

/**
 * Whether `event` can notify anyone (the `notifications` subscriber's `when`: no job for a message
 * without mentions, an unassignment, a self-assignment or a note that mentions only its author).
 */
export function notifies(event: AnyDomainEvent): boolean {
  if ((accountEmails as readonly string[]).includes(event.type)) return true;
  const plan = planFor(event);
  if (!plan) return false;
  return plan.audience.kind !== 'users' || plan.audience.userIds.some((id) => id !== plan.exceptUserId);
}

/** What the recipients' lookup found besides them. */
export interface ContentContext {
  /** `DASHBOARD_URL`, no trailing slash. */
  readonly dashboardUrl: string;
  readonly actorName: string | null;
  readonly departmentName: string | null;
}

/** The stored text and links of a notification (the same for every recipient of one event). */
export interface NotificationContent {
  readonly title: string;
  readonly body: string;
  /** Ids and dashboard links (`url`); what the dashboard needs to open the thing. */
  readonly data: Readonly<Record<string, string | number | null>>;
  /** Extra values for the email templates of the type. */
  readonly details: Readonly<Record<string, string | number | null>>;
}

const EXCERPT_LENGTH = 200;

/** The first `EXCERPT_LENGTH` characters of a text, on one line. */
export const excerpt = (text: string | null): string => {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_LENGTH ? `${flat.slice(0, EXCERPT_LENGTH - 1)}…` : flat;
};

/** `ai_budget_usd` is the monthly AI budget; other limits are plan limits named by their key. */
export const limitLabel = (limit: string): string =>
  limit === 'ai_budget_usd' ? 'monthly AI budget' : limit.replace(/[_.]+/g, ' ');

const formatAmount = (limit: string, value: number): string =>
  limit === 'ai_budget_usd' ? `$${value.toFixed(2)}` : value.toLocaleString('en-US');

/** Title, body and links of the notification `plan` made from `event`. */
export function contentFor(event: NotifyingEvent, context: ContentContext): NotificationContent {
  const base = context.dashboardUrl;
  switch (event.type) {
    case 'conversation.assigned': {
      const { conversationId } = event.data;
      return {
        title: 'A conversation was assigned to you',
        body: context.actorName
          ? `${context.actorName} assigned a conversation to you.`
          : 'A conversation was assigned to you automatically.',
        data: { conversationId, url: `${base}/conversations/${conversationId}` },
        details: {},
      };
    }
    case 'conversation.bot_handoff': {
      const { conversationId, chatbotId, departmentId, message } = event.data;
      const where = context.departmentName ? `in ${context.departmentName}` : 'for your team';
      const visitor = event.data.contact?.name;
      return {
        title: `A conversation is waiting ${where}`,
        body: `A bot handed over a conversation${visitor ? ` with ${visitor}` : ''}${message ? `: ${excerpt(message)}` : '.'}`,
        data: { conversationId, chatbotId, departmentId, url: `${base}/conversations/${conversationId}` },
        details: {},
      };
    }
    case 'message.created': {
      const { conversationId, message } = event.data;
      const author = message.sender.name ?? 'Someone';
      return {
        title: `${author} mentioned you in a note`,
        body: excerpt(message.text),
        data: { conversationId, messageId: message.id, url: `${base}/conversations/${conversationId}` },
        details: { author },
      };
    }
    case 'billing.quota_warning': {
      const { limit, threshold, used, max } = event.data;
      const label = limitLabel(limit);
      const percent = max > 0 ? Math.round((used / max) * 100) : 100;
      return {
        title: threshold >= 100 ? `You reached your ${label}` : `You used ${threshold}% of your ${label}`,
        body:
          `Your organization has used ${formatAmount(limit, used)} of ${formatAmount(limit, max)} ` +
          `(${percent}%) of its ${label} this period.`,
        data: { limit, threshold, used, max, url: `${base}/settings/billing` },
        details: { label, percent },
      };
    }
    case 'billing.subscription_changed': {
      const { plan, previousPlan, status, previousStatus } = event.data;
      return {
        title: plan === previousPlan ? `Your subscription is now ${status}` : `Your plan changed to ${plan}`,
        body:
          plan === previousPlan
            ? `The subscription of your ${plan} plan went from ${previousStatus} to ${status}.`
            : `Your organization moved from the ${previousPlan} plan to the ${plan} plan (status ${status}).`,
        data: { plan, previousPlan, status, url: `${base}/settings/billing` },
        details: {},
      };
    }
    case 'webhook.subscription_disabled': {
      const { subscriptionId, url, reason, consecutiveFailures } = event.data;
      return {
        title: 'A webhook was disabled',
        body: `Deliveries to ${url} failed ${consecutiveFailures} times in a row, so the subscription was disabled: ${reason}`,
        data: { subscriptionId, webhookUrl: url, url: `${base}/settings/webhooks/${subscriptionId}` },
        details: { reason },
      };
    }
  }
}
