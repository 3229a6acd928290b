import type { AiUsage } from '@/integrations/openai';
import { asOrganizationId } from '@/access/organization-id';
import { conversationTransition, sessionEvents, type SessionRef } from './session-events';
import type { TurnOutcome } from './turn-runner';

const outcome = (patch: Partial<TurnOutcome> = {}): TurnOutcome => ({
  state: {} as TurnOutcome['state'],
  messages: [],
  awaiting: null,
  actions: [],
  log: [],
  status: 'awaiting_input',
  handoff: undefined,
  aiUsage: [],
  error: undefined,
  ...patch,
});
const live: SessionRef = { id: 's1', organizationId: asOrganizationId('o1'), chatbotId: 'c1', preview: false };
const preview: SessionRef = { ...live, preview: true };
const empty = { variables: {}, answers: {} };
const usage: AiUsage = {
  provider: 'openai',
  operation: 'chat',
  model: 'gpt-4o-mini',
  promptTokens: 3,
  completionTokens: 2,
  totalTokens: 5,
  durationMs: 12,
  outcome: 'ok',
  connectionId: 'conn-1',
  audioSeconds: null,
  characters: null,
};
const handoff = { kind: 'handoff', awaitsResult: false, departmentId: 'd1' } as TurnOutcome['handoff'];

describe('sessionEvents', () => {
  it('a start emits session.started, plus result.updated only when something was stored', () => {
    const started = { versionNumber: 2, origin: null };
    const quiet = sessionEvents(live, outcome(), {
      started,
      turn: 1,
      status: 'active',
      previousResult: undefined,
      result: empty,
    });
    expect(quiet.map((e) => e.type)).toEqual(['session.started', 'conversation.created']);
    expect(quiet[0]).toMatchObject({
      organizationId: asOrganizationId('o1'),
      data: { chatbotId: 'c1', sessionId: 's1', versionNumber: 2 },
    });
    const prefilled = sessionEvents(live, outcome(), {
      started,
      turn: 1,
      status: 'active',
      previousResult: undefined,
      result: { variables: { Name: 'Ada' }, answers: {} },
    });
    expect(prefilled.map((e) => e.type)).toEqual(['session.started', 'result.updated', 'conversation.created']);
  });

  it('a turn that changes nothing emits nothing; key order and undefined values are no change', () => {
    const events = sessionEvents(live, outcome(), {
      turn: 3,
      status: 'active',
      previousResult: { answers: { b: 1, a: 2 }, variables: {} },
      result: { variables: { gone: undefined }, answers: { a: 2, b: 1 } },
    });
    expect(events).toEqual([]);
  });

  it('handoff, usage and completion of a live session', () => {
    const events = sessionEvents(live, outcome({ handoff, aiUsage: [usage] }), {
      turn: 4,
      status: 'completed',
      previousResult: empty,
      result: empty,
    });
    expect(events.map((e) => e.type)).toEqual([
      'ai.usage_recorded',
      'session.handoff_requested',
      'session.completed',
      'conversation.status_changed',
      'conversation.resolved',
    ]);
    expect(events[0]!.data).toEqual({ chatbotId: 'c1', sessionId: 's1', preview: false, ...usage });
    expect(events[1]!.data).toEqual({ chatbotId: 'c1', sessionId: 's1', departmentId: 'd1', message: null });
    expect(events[3]!.data).toMatchObject({ conversationId: 's1', status: 'resolved', previousStatus: 'pending' });
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
  });

  it('a handoff opens the conversation for humans; a hand-back gives it to the bot again', () => {
    const handedOff = sessionEvents(live, outcome({ handoff }), {
      turn: 3,
      status: 'handoff',
      previousStatus: 'active',
      previousResult: empty,
      result: empty,
    });
    expect(handedOff.map((e) => e.type)).toEqual([
      'session.handoff_requested',
      'conversation.status_changed',
      'conversation.bot_handoff',
    ]);
    expect(handedOff[2]!.data).toEqual({
      conversationId: 's1',
      sessionId: 's1',
      chatbotId: 'c1',
      departmentId: 'd1',
      message: null,
      contact: null,
    });
    const handedBack = sessionEvents(live, outcome(), {
      turn: 4,
      status: 'active',
      previousStatus: 'handoff',
      handedBackBy: 'u1',
      previousAssigneeId: 'u2',
      previousResult: empty,
      result: empty,
    });
    expect(handedBack.map((e) => [e.type, e.data])).toEqual([
      [
        'conversation.status_changed',
        { conversationId: 's1', status: 'pending', previousStatus: 'open', byUserId: 'u1', snoozedUntil: null },
      ],
      [
        'conversation.assigned',
        { conversationId: 's1', assigneeId: null, previousAssigneeId: 'u2', departmentId: null, byUserId: 'u1' },
      ],
    ]);
  });

  it('names the conversation transition of each session status change', () => {
    expect(conversationTransition(undefined, 'active')).toBeNull();
    expect(conversationTransition('active', 'handoff')).toBe('open');
    expect(conversationTransition('handoff', 'handoff')).toBeNull();
    expect(conversationTransition('active', 'completed')).toBe('resolved');
    expect(conversationTransition('active', 'failed')).toBe('resolved');
    expect(conversationTransition('handoff', 'active')).toBe('pending');
    expect(conversationTransition('active', 'active')).toBeNull();
  });

  it('a preview emits only its AI usage, flagged', () => {
    const events = sessionEvents(preview, outcome({ handoff, aiUsage: [usage] }), {
      started: { versionNumber: null, origin: null },
      turn: 1,
      status: 'completed',
      previousResult: undefined,
      result: { variables: {}, answers: { q: 'x' } },
    });
    expect(events.map((e) => [e.type, (e.data as { preview?: boolean }).preview])).toEqual([
      ['ai.usage_recorded', true],
    ]);
  });
});
