import type { AnyDomainEvent, DomainEvents } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import { asOrganizationId } from '@/access/organization-id';
import { warningEvents } from './cost-ledger.consumer';
import { ledgerRows, sourceOf } from './ledger-rows';
import { BUILT_IN_PRICES } from './prices';

const ORG = '0190f5a0-0000-7000-8000-000000000001';
const BOT = '0190f5a0-0000-7000-8000-000000000002';
const SESSION = '0190f5a0-0000-7000-8000-000000000003';

const usage = (data: Partial<DomainEvents['ai.usage_recorded']> = {}, organizationId = ORG): AnyDomainEvent =>
  domainEvent(
    'ai.usage_recorded',
    organizationId,
    {
      chatbotId: BOT,
      sessionId: SESSION,
      preview: false,
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o-mini',
      promptTokens: 1000,
      completionTokens: 500,
      totalTokens: 1500,
      durationMs: 12,
      outcome: 'ok',
      connectionId: null,
      audioSeconds: null,
      characters: null,
      ...data,
    },
    new Date('2026-12-02T10:00:00Z'),
  );

describe('ledgerRows', () => {
  it('turns each ai.usage_recorded event into a priced row with the event id, skipping other events', () => {
    const event = usage();
    const other = domainEvent('chatbot.published', ORG, { chatbotId: BOT, version: 1 } as never);
    expect(ledgerRows([event, other], BUILT_IN_PRICES)).toEqual([
      {
        id: event.id,
        organization_id: ORG,
        occurred_at: '2026-12-02T10:00:00.000Z',
        chatbot_id: BOT,
        session_id: SESSION,
        source: 'session',
        provider: 'openai',
        operation: 'chat',
        model: 'gpt-4o-mini',
        prompt_tokens: 1000,
        completion_tokens: 500,
        audio_seconds: null,
        characters: null,
        cost_usd: '0.000450000',
        priced: true,
        outcome: 'ok',
        connection_id: null,
      },
    ]);
  });

  it('keeps a row well-formed whatever the event carries', () => {
    const [row] = ledgerRows(
      [
        usage({
          chatbotId: 'not-a-uuid',
          sessionId: null,
          model: 'x'.repeat(300),
          promptTokens: -5,
          completionTokens: Number.NaN,
          audioSeconds: Number.POSITIVE_INFINITY,
          characters: 12.6,
          outcome: 'weird' as never,
          connectionId: 'c'.repeat(300),
        }),
        usage({}, 'not-an-org'),
      ],
      BUILT_IN_PRICES,
    );
    expect(row).toMatchObject({
      chatbot_id: null,
      session_id: null,
      source: 'chat',
      prompt_tokens: 0,
      completion_tokens: 0,
      audio_seconds: null,
      characters: 13,
      outcome: 'ok',
      priced: false,
    });
    expect(row!.model).toHaveLength(200);
    expect(row!.connection_id).toHaveLength(200);
    expect(ledgerRows([usage({}, 'not-an-org')], BUILT_IN_PRICES)).toEqual([]);
  });

  it('names the source: preview, session, else the operation', () => {
    expect(sourceOf({ preview: true, sessionId: SESSION, operation: 'chat' })).toBe('preview');
    expect(sourceOf({ preview: false, sessionId: SESSION, operation: 'transcription' })).toBe('session');
    expect(sourceOf({ preview: false, sessionId: null, operation: 'transcription' })).toBe('transcription');
    expect(sourceOf({ preview: false, sessionId: null, operation: '' })).toBe('other');
  });
});

describe('warningEvents', () => {
  const org = asOrganizationId(ORG);
  const row = (threshold: 80 | 100, used: string, organization = org, period = '2026-12-01') => ({
    organization_id: organization,
    period_start: period,
    threshold,
    used_usd: used,
    budget_usd: '20.00',
  });

  it('publishes the highest threshold an organization reached in the batch', () => {
    const second = asOrganizationId('0190f5a0-0000-7000-8000-000000000009');
    const events = warningEvents([row(80, '20.130000000'), row(100, '20.130000000'), row(80, '16.5', second)]);
    expect(events.map((e) => [e.type, e.organizationId, e.data])).toEqual([
      [
        'billing.quota_warning',
        ORG,
        { limit: 'ai_budget_usd', threshold: 100, used: 20.13, max: 20, periodStart: '2026-12-01T00:00:00.000Z' },
      ],
      [
        'billing.quota_warning',
        second,
        { limit: 'ai_budget_usd', threshold: 80, used: 16.5, max: 20, periodStart: '2026-12-01T00:00:00.000Z' },
      ],
    ]);
    expect(warningEvents([])).toEqual([]);
  });
});
