import { createHmac } from 'node:crypto';
import { payloadSchemaName, webhookEventTypes, webhookPayloadOf } from './webhook-events';
import { retryDelayMs, RetryDeliveryError, verdictOf, webhookBackoffStrategy } from './webhook-retry';
import { newWebhookSecret, signatureHeader } from './webhook-signature';

describe('webhook retries', () => {
  it('retries network errors, 408, 429 and 5xx, and nothing else', () => {
    expect(verdictOf(undefined, true)).toEqual({ kind: 'retry' });
    expect(verdictOf(undefined, false)).toEqual({ kind: 'give_up' });
    expect(verdictOf(200, false)).toEqual({ kind: 'succeeded' });
    expect(verdictOf(204, false)).toEqual({ kind: 'succeeded' });
    expect(verdictOf(408, false)).toEqual({ kind: 'retry' });
    expect(verdictOf(429, false, 3000)).toEqual({ kind: 'retry', retryAfterMs: 3000 });
    expect(verdictOf(503, false)).toEqual({ kind: 'retry' });
    for (const status of [301, 400, 401, 404, 410, 422]) expect(verdictOf(status, false)).toEqual({ kind: 'give_up' });
  });

  it('backs off exponentially with jitter in the upper half, capped, and honours Retry-After up to the cap', () => {
    const settings = { baseMs: 1000, maxMs: 10_000 };
    expect(retryDelayMs(1, settings, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, settings, undefined, () => 0.999_999)).toBe(1000);
    expect(retryDelayMs(3, settings, undefined, () => 0)).toBe(2000);
    expect(retryDelayMs(10, settings, undefined, () => 1)).toBe(10_000);
    expect(retryDelayMs(1000, settings, undefined, () => 1)).toBe(10_000);
    expect(retryDelayMs(1, settings, 4000)).toBe(4000);
    expect(retryDelayMs(1, settings, 3_600_000)).toBe(10_000);
    expect(webhookBackoffStrategy(1, 'webhook', new RetryDeliveryError('x', 1234))).toBe(1234);
  });
});

describe('webhook signatures', () => {
  it('signs "t.body" with every secret, newest first', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const header = signatureHeader([a, b], 1_700_000_000, '{"x":1}');
    const hmac = (secret: string) => createHmac('sha256', secret).update('1700000000.{"x":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${hmac(a)},v1=${hmac(b)}`);
  });
});

describe('webhook payloads', () => {
  it('are the event envelope without the secret fields of the catalogue', () => {
    const payload = webhookPayloadOf({
      id: 'e1',
      type: 'invitation.created',
      occurredAt: '2026-01-01T00:00:00.000Z',
      organizationId: 'o1',
      data: {
        invitationId: 'i1',
        organizationName: 'Org',
        email: 'a@example.com',
        role: 'viewer',
        token: 'secret-token',
        expiresAt: '2026-01-08T00:00:00.000Z',
      },
    });
    expect(payload).toEqual({
      id: 'e1',
      type: 'invitation.created',
      occurredAt: '2026-01-01T00:00:00.000Z',
      organizationId: 'o1',
      data: {
        invitationId: 'i1',
        organizationName: 'Org',
        email: 'a@example.com',
        role: 'viewer',
        expiresAt: '2026-01-08T00:00:00.000Z',
      },
    });
  });

  it('can be subscribed to for every organization event, never for user-level ones', () => {
    expect(webhookEventTypes).toContain('conversation.created');
    expect(webhookEventTypes).toContain('webhook.subscription_disabled');
    expect(webhookEventTypes).not.toContain('auth.password_reset_requested');
    expect(payloadSchemaName('conversation.bot_handoff')).toBe('ConversationBotHandoffWebhookPayload');
  });
});
