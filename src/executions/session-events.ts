import type { OrganizationId } from '@/access/organization-id';
import { isDeepStrictEqual } from 'node:util';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import type { SessionResult, SessionStatus } from './entities/chat-session.entity';
import type { TurnOutcome } from './turn-runner';
import type { VisitorContact } from './visitor-contact';
import type { BotTransition } from '@/chat/conversation-store.sql';

export interface SessionRef {
  readonly id: string;
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly preview: boolean;
}

/**
 * The conversation's status change a turn makes: a handoff opens it for humans, the flow's end
 * resolves it, a hand-back (the session was handed off) gives it back to the bot (`pending`).
 */
export function conversationTransition(before: SessionStatus | undefined, after: SessionStatus): BotTransition {
  if (after === 'handoff') return before === 'handoff' ? null : 'open';
  if (after === 'completed' || after === 'failed') return 'resolved';
  return before === 'handoff' ? 'pending' : null;
}

export interface TurnFacts {
  /** Set for the first turn (the session starts). */
  readonly started?: { readonly versionNumber: number | null; readonly origin: string | null };
  /** A start: the conversation's channel (default `web`) and contact. */
  readonly channel?: 'web' | 'whatsapp' | 'api';
  readonly contactId?: string | null;
  /** The turn number once saved. */
  readonly turn: number;
  readonly status: SessionStatus;
  /** The stored result before the turn (undefined at start: nothing stored yet). */
  readonly previousResult: SessionResult | undefined;
  readonly result: SessionResult;
  /** The session's status before the turn (undefined at start). */
  readonly previousStatus?: SessionStatus;
  /** The agent who handed the conversation back to the bot (hand-back turns). */
  readonly handedBackBy?: string;
  /** Hand-back: who had the conversation (it goes back to the bot unassigned). */
  readonly previousAssigneeId?: string | null;
  /** Handoff: what the visitor told the bot about themselves. */
  readonly contact?: VisitorContact | null;
}

const emptyResult: SessionResult = { variables: {}, answers: {} };

/**
 * The domain events of one turn, saved with it (so a turn that loses its optimistic save emits
 * nothing). Previews emit only `ai.usage_recorded` (flagged): they have no results, no live chat
 * and no visitor, but their AI calls cost money.
 */
export function sessionEvents(session: SessionRef, outcome: TurnOutcome, facts: TurnFacts): AnyDomainEvent[] {
  const org = session.organizationId;
  const ids = { chatbotId: session.chatbotId, sessionId: session.id };
  const now = new Date();
  const events: AnyDomainEvent[] = [];
  if (facts.started && !session.preview) {
    events.push(domainEvent('session.started', org, { ...ids, ...facts.started }, now));
  }
  for (const usage of outcome.aiUsage) {
    events.push(domainEvent('ai.usage_recorded', org, { ...ids, preview: session.preview, ...usage }, now));
  }
  if (session.preview) return events;
  // Compared as stored (JSON): an undefined variable is no change.
  if (!isDeepStrictEqual(facts.previousResult ?? emptyResult, JSON.parse(JSON.stringify(facts.result)))) {
    const completed = facts.status !== 'active';
    events.push(domainEvent('result.updated', org, { ...ids, completed, result: facts.result }, now));
  }
  if (outcome.handoff) {
    const { departmentId, message } = outcome.handoff;
    events.push(
      domainEvent(
        'session.handoff_requested',
        org,
        { ...ids, departmentId: departmentId ?? null, message: message ?? null },
        now,
      ),
    );
  }
  if (facts.status === 'completed') {
    events.push(domainEvent('session.completed', org, { ...ids, turn: facts.turn }, now));
  }
  events.push(...conversationEvents(session, outcome, facts, now));
  return events;
}

/** The conversation's events of a bot turn (its id is the session's). */
function conversationEvents(session: SessionRef, outcome: TurnOutcome, facts: TurnFacts, now: Date): AnyDomainEvent[] {
  const org = session.organizationId;
  const conversationId = session.id;
  const events: AnyDomainEvent[] = [];
  if (facts.started) {
    events.push(
      domainEvent(
        'conversation.created',
        org,
        {
          conversationId,
          channel: facts.channel ?? 'web',
          chatbotId: session.chatbotId,
          sessionId: session.id,
          contactId: facts.contactId ?? null,
        },
        now,
      ),
    );
  }
  const transition = conversationTransition(facts.previousStatus, facts.status);
  if (!transition) return events;
  const byUserId = facts.handedBackBy ?? null;
  const previousStatus = facts.previousStatus === 'handoff' ? 'open' : 'pending';
  const status = { conversationId, status: transition, previousStatus, byUserId, snoozedUntil: null };
  events.push(domainEvent('conversation.status_changed', org, status, now));
  if (transition === 'open' && outcome.handoff) {
    const { departmentId, message } = outcome.handoff;
    const handoff = {
      conversationId,
      sessionId: session.id,
      chatbotId: session.chatbotId,
      departmentId: departmentId ?? null,
      message: message ?? null,
      contact: facts.contact ?? null,
    };
    events.push(domainEvent('conversation.bot_handoff', org, handoff, now));
  }
  if (transition === 'resolved') {
    events.push(domainEvent('conversation.resolved', org, { conversationId, byUserId }, now));
  }
  if (transition === 'pending' && facts.previousAssigneeId) {
    const unassigned = {
      conversationId,
      assigneeId: null,
      previousAssigneeId: facts.previousAssigneeId,
      departmentId: null,
      byUserId,
    };
    events.push(domainEvent('conversation.assigned', org, unassigned, now));
  }
  return events;
}
