import type { AnyDomainEvent } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import { limitsFrom } from './billing-limits';
import { usageDeltas, warningsOf } from './usage-meter';

const ORG_A = '00000000-0000-7000-8000-00000000000a';
const ORG_B = '00000000-0000-7000-8000-00000000000b';

const message = (org: string, kind: 'message' | 'note' | 'activity') =>
  domainEvent('message.created', org, {
    conversationId: 'c',
    message: {
      id: 'm',
      conversationId: 'c',
      seq: 1,
      sender: { type: 'visitor' },
      kind,
      content: {},
      text: null,
      clientMessageId: null,
      status: 'sent',
      createdAt: new Date().toISOString(),
    },
  });

const ai = (org: string, totalTokens: number, operation = 'chat', audioSeconds: number | null = null) =>
  domainEvent('ai.usage_recorded', org, {
    chatbotId: null,
    sessionId: null,
    preview: false,
    provider: 'openai',
    operation,
    model: 'm',
    promptTokens: totalTokens,
    completionTokens: 0,
    totalTokens,
    durationMs: 1,
    outcome: 'ok',
    connectionId: null,
    audioSeconds,
    characters: null,
  });

const started = (org: string) =>
  domainEvent('session.started', org, { chatbotId: 'b', sessionId: 's', versionNumber: 1, origin: null });

describe('usageDeltas', () => {
  it('sums a batch into one delta per organization and metric, sorted by both', () => {
    const events: AnyDomainEvent[] = [
      started(ORG_B),
      message(ORG_A, 'message'),
      message(ORG_A, 'note'),
      message(ORG_A, 'activity'),
      started(ORG_A),
      started(ORG_A),
      message(ORG_A, 'message'),
      ai(ORG_B, 120),
      ai(ORG_B, 30, 'transcription', 61.2),
      ai(ORG_B, 0, 'transcription', null),
      domainEvent('chatbot.published', ORG_A, {
        chatbotId: 'b',
        version: 1,
        rolledBackFrom: null,
        publishedByUserId: null,
      }),
    ];
    expect(usageDeltas(events)).toEqual([
      { organizationId: ORG_A, metric: 'messages', amount: 2 },
      { organizationId: ORG_A, metric: 'sessions', amount: 2 },
      { organizationId: ORG_B, metric: 'ai_tokens', amount: 150 },
      { organizationId: ORG_B, metric: 'sessions', amount: 1 },
      { organizationId: ORG_B, metric: 'transcription_seconds', amount: 62 },
    ]);
  });

  it('counts nothing for a batch without billable events', () => {
    expect(usageDeltas([message(ORG_A, 'note')])).toEqual([]);
  });
});

describe('warningsOf', () => {
  const limits = limitsFrom({ sessions: 10, transcription_minutes: 2, ai_tokens: null });
  const periodStart = new Date('2026-12-01T00:00:00Z');
  const counter = (
    metric: 'sessions' | 'transcription_seconds' | 'ai_tokens' | 'webhook_deliveries',
    used: number,
  ) => ({
    organizationId: ORG_A,
    periodStart,
    metric,
    used,
    plan: 'free' as const,
    limits,
  });

  it('asks for the thresholds the totals reached, in the limit unit', () => {
    expect(warningsOf([counter('sessions', 8), counter('transcription_seconds', 61)])).toEqual([
      { organizationId: ORG_A, periodStart, limit: 'sessions', threshold: 80, used: 8, max: 10 },
      { organizationId: ORG_A, periodStart, limit: 'transcription_minutes', threshold: 80, used: 2, max: 2 },
      { organizationId: ORG_A, periodStart, limit: 'transcription_minutes', threshold: 100, used: 2, max: 2 },
    ]);
  });

  it('never warns about unlimited or unlimitable metrics', () => {
    expect(warningsOf([counter('ai_tokens', 10 ** 9), counter('webhook_deliveries', 10 ** 6)])).toEqual([]);
  });
});
