import { asOrganizationId } from '@/access/organization-id';
import { sessionEvents, type SessionRef } from './session-events';
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
const usage = { model: 'gpt-4o-mini', promptTokens: 3, completionTokens: 2, totalTokens: 5 };
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
    expect(quiet.map((e) => e.type)).toEqual(['session.started']);
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
    expect(prefilled.map((e) => e.type)).toEqual(['session.started', 'result.updated']);
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
    expect(events.map((e) => e.type)).toEqual(['ai.usage_recorded', 'session.handoff_requested', 'session.completed']);
    expect(events[0]!.data).toMatchObject({ preview: false, totalTokens: 5 });
    expect(events[1]!.data).toEqual({ chatbotId: 'c1', sessionId: 's1', departmentId: 'd1', message: null });
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
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
