import type { AnyDomainEvent, DomainEvent, DomainEvents, EventType } from '@/events/event-catalogue';
import {
  contentFor,
  defaultPreference,
  effectivePreference,
  excerpt,
  limitLabel,
  mentionsOf,
  type NotifyingEvent,
  notificationTypeNames,
  notifies,
  planFor,
} from './notification-types';

const event = <T extends EventType>(type: T, data: DomainEvents[T], organizationId: string | null = 'org-1') =>
  ({ id: 'evt-1', type, occurredAt: '2026-12-02T00:00:00.000Z', organizationId, data }) as DomainEvent<T> &
    AnyDomainEvent;

const context = { dashboardUrl: 'https://dash.example', actorName: null, departmentName: null };

const note = (mentions: unknown, overrides: Partial<DomainEvents['message.created']['message']> = {}) =>
  event('message.created', {
    conversationId: 'c-1',
    message: {
      id: 'm-1',
      conversationId: 'c-1',
      seq: 3,
      sender: { type: 'agent', id: 'author', name: 'Ann' },
      kind: 'note',
      content: { text: 'look', mentions },
      text: 'look',
      clientMessageId: 'x',
      status: 'sent',
      createdAt: '2026-12-02T00:00:00.000Z',
      ...overrides,
    },
  });

const assigned = (assigneeId: string | null, byUserId: string | null) =>
  event('conversation.assigned', {
    conversationId: 'c-1',
    assigneeId,
    previousAssigneeId: null,
    departmentId: null,
    byUserId,
  });

describe('notification types', () => {
  it('defaults in-app on for every type, email off only for handoffs; a stored choice wins', () => {
    for (const type of notificationTypeNames) expect(defaultPreference(type, 'in_app')).toBe(true);
    expect(notificationTypeNames.filter((type) => !defaultPreference(type, 'email'))).toEqual([
      'conversation.handoff_waiting',
    ]);
    expect(effectivePreference('note.mention', 'email', null)).toBe(true);
    expect(effectivePreference('note.mention', 'email', false)).toBe(false);
    expect(effectivePreference('conversation.handoff_waiting', 'email', true)).toBe(true);
  });

  it('plans assignments for the assignee, never an unassignment', () => {
    expect(planFor(assigned('agent', 'boss'))).toEqual({
      type: 'conversation.assigned',
      audience: { kind: 'users', userIds: ['agent'] },
      exceptUserId: 'boss',
      actorId: 'boss',
    });
    expect(planFor(assigned(null, 'boss'))).toBeNull();
    expect(notifies(assigned('agent', 'boss'))).toBe(true);
    expect(notifies(assigned('agent', null))).toBe(true);
    expect(notifies(assigned('agent', 'agent'))).toBe(false);
    expect(notifies(assigned(null, null))).toBe(false);
  });

  it('plans mentions of agent notes only, without their author', () => {
    expect(planFor(note(['a', 'b', 'a', 'author']))).toMatchObject({
      type: 'note.mention',
      audience: { kind: 'users', userIds: ['a', 'b', 'author'] },
      exceptUserId: 'author',
    });
    expect(notifies(note(['author']))).toBe(false);
    expect(notifies(note([]))).toBe(false);
    expect(notifies(note(['a'], { kind: 'message' }))).toBe(false);
    expect(notifies(note(['a'], { sender: { type: 'visitor' } }))).toBe(false);
    expect(mentionsOf(null)).toEqual([]);
    expect(mentionsOf({ mentions: 'a' })).toEqual([]);
    expect(mentionsOf({ mentions: ['a', 3] })).toEqual(['a']);
  });

  it('plans handoffs for a department (or everyone) and organization events for admins', () => {
    const handoff = event('conversation.bot_handoff', {
      conversationId: 'c-1',
      sessionId: null,
      chatbotId: 'bot',
      departmentId: 'd-1',
      message: null,
      contact: null,
    });
    expect(planFor(handoff)?.audience).toEqual({ kind: 'agents', departmentId: 'd-1' });
    const disabled = event('webhook.subscription_disabled', {
      subscriptionId: 's',
      url: 'https://x',
      reason: 'r',
      consecutiveFailures: 5,
      disabledAt: '2026-12-02T00:00:00.000Z',
    });
    expect(planFor(disabled)?.audience).toEqual({ kind: 'admins' });
    expect(
      planFor(
        event('chatbot.published', { chatbotId: 'b', version: 1, rolledBackFrom: null, publishedByUserId: null }),
      ),
    ).toBeNull();
    const reset = event(
      'auth.password_reset_requested',
      { userId: 'u', email: 'a@example.com', name: 'A', token: 'pwr_x', expiresAt: '2026-12-02T01:00:00.000Z' },
      null,
    );
    expect(planFor(reset)).toBeNull();
    expect(notifies(reset)).toBe(true);
  });

  it('writes the text and links of each type', () => {
    const url = (e: NotifyingEvent, extra = {}) => contentFor(e, { ...context, ...extra });
    expect(url(assigned('agent', 'boss') as NotifyingEvent, { actorName: 'Boss' })).toMatchObject({
      body: 'Boss assigned a conversation to you.',
      data: { conversationId: 'c-1', url: 'https://dash.example/conversations/c-1' },
    });
    const handoff = event('conversation.bot_handoff', {
      conversationId: 'c-1',
      sessionId: null,
      chatbotId: null,
      departmentId: null,
      message: null,
      contact: null,
    });
    expect(url(handoff)).toMatchObject({
      title: 'A conversation is waiting for your team',
      body: 'A bot handed over a conversation.',
    });
    expect(url(note(['a']) as NotifyingEvent)).toMatchObject({ title: 'Ann mentioned you in a note', body: 'look' });
    expect(url(note(['a'], { sender: { type: 'agent' } }) as NotifyingEvent).title).toBe(
      'Someone mentioned you in a note',
    );
    const quota = (limit: string, threshold: 80 | 100, used: number, max: number) =>
      url(event('billing.quota_warning', { limit, threshold, used, max, periodStart: '2026-12-01T00:00:00.000Z' }));
    expect(quota('ai_budget_usd', 100, 50.5, 50)).toMatchObject({
      title: 'You reached your monthly AI budget',
      body: 'Your organization has used $50.50 of $50.00 (101%) of its monthly AI budget this period.',
    });
    expect(quota('chat_sessions', 80, 8000, 10000).body).toBe(
      'Your organization has used 8,000 of 10,000 (80%) of its chat sessions this period.',
    );
    expect(quota('x', 100, 0, 0).body).toContain('(100%)');
    const changed = (plan: string, previousPlan: string) =>
      url(
        event('billing.subscription_changed', {
          plan,
          previousPlan,
          status: 'active',
          previousStatus: 'trialing',
          currentPeriodEnd: '2027-01-01T00:00:00.000Z',
          byUserId: null,
        }),
      );
    expect(changed('starter', 'free')).toMatchObject({
      title: 'Your plan changed to starter',
      data: { url: 'https://dash.example/settings/billing' },
    });
    expect(changed('starter', 'starter').title).toBe('Your subscription is now active');
  });

  it('cuts excerpts and names limits', () => {
    expect(excerpt(null)).toBe('');
    expect(excerpt('  a \n b ')).toBe('a b');
    const long = excerpt('x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    expect(limitLabel('ai_budget_usd')).toBe('monthly AI budget');
    expect(limitLabel('chat_sessions')).toBe('chat sessions');
  });
});
