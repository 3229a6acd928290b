import type { OrganizationId } from '@/access/organization-id';
import { isDeepStrictEqual } from 'node:util';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import type { SessionResult, SessionStatus } from './entities/chat-session.entity';
import type { TurnOutcome } from './turn-runner';

export interface SessionRef {
  readonly id: string;
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly preview: boolean;
}

export interface TurnFacts {
  /** Set for the first turn (the session starts). */
  readonly started?: { readonly versionNumber: number | null; readonly origin: string | null };
  /** The turn number once saved. */
  readonly turn: number;
  readonly status: SessionStatus;
  /** The stored result before the turn (undefined at start: nothing stored yet). */
  readonly previousResult: SessionResult | undefined;
  readonly result: SessionResult;
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
  return events;
}
