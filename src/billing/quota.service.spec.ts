import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import type { AppConfig } from '@/config';
import type { EventsPublisher } from '@/events/events.publisher';
import { isQuotaRefusal } from './billing.contracts';
import { QuotaExceeded } from './billing.exception';
import { DEFAULT_UNAVAILABLE_MESSAGE, limitsFrom } from './billing-limits';
import type { BillingRepository, QuotaSnapshot } from './billing.repository';
import { QuotaService } from './quota.service';

const ORG = asOrganizationId('00000000-0000-7000-8000-00000000000a');
const periodStart = new Date('2026-12-01T00:00:00Z');

const snapshot = (used: QuotaSnapshot['used'], unavailableMessage: string | null = null): QuotaSnapshot => ({
  plan: 'free',
  limits: limitsFrom({ sessions: 10, messages: 100, chatbots: 5, transcription_minutes: 2, ai_tokens: null }),
  used,
  subscription: {
    organizationId: ORG,
    planCode: 'free',
    status: 'active',
    trialEndsAt: null,
    currentPeriodStart: periodStart,
    currentPeriodEnd: new Date('2027-01-01T00:00:00Z'),
    cancelAtPeriodEnd: false,
    provider: null,
    providerReference: null,
    unavailableMessage,
    createdAt: periodStart,
    updatedAt: periodStart,
  },
});

function setup(options: { enforce?: boolean; cacheMs?: number; snapshots?: (QuotaSnapshot | undefined)[] } = {}) {
  const snapshots = options.snapshots ?? [snapshot({ sessions: 3, messages: 99 })];
  const em = { query: jest.fn().mockResolvedValue([]) };
  const repo = {
    quotaSnapshot: jest.fn(() => Promise.resolve(snapshots.length > 1 ? snapshots.shift() : snapshots[0])),
    resourceCount: jest.fn().mockResolvedValue(3),
    transaction: jest.fn((work: (e: typeof em) => Promise<unknown>) => work(em)),
    insertWarnings: jest.fn((_em: unknown, warnings: unknown[]) => Promise.resolve(warnings)),
  };
  const events = { publishIn: jest.fn().mockResolvedValue(undefined) };
  const config = {
    billing: {
      enforceQuotas: options.enforce ?? true,
      quotaCacheMs: options.cacheMs ?? 1_000,
      defaultPlan: 'free',
      trialPlan: 'professional',
      trialDays: 14,
    },
  } as unknown as AppConfig;
  const quotas = new QuotaService(repo as unknown as BillingRepository, events as unknown as EventsPublisher, config);
  return { quotas, repo, events, em };
}

describe('QuotaService', () => {
  afterEach(() => jest.useRealTimers());

  it('allows everything without reading when quotas are not enforced', async () => {
    const { quotas, repo } = setup({ enforce: false });
    await expect(quotas.assertAvailable(ORG, 'messages', 1_000_000)).resolves.toBeUndefined();
    expect(repo.quotaSnapshot).not.toHaveBeenCalled();
  });

  it('serves period checks from one snapshot per organization while it is fresh, then reads again', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-02T00:00:00Z') });
    const { quotas, repo } = setup({ cacheMs: 1_000 });
    await Promise.all([quotas.assertAvailable(ORG, 'messages'), quotas.assertAvailable(ORG, 'sessions')]);
    await quotas.assertAvailable(ORG, 'messages');
    expect(repo.quotaSnapshot).toHaveBeenCalledTimes(1);
    jest.setSystemTime(new Date('2026-12-02T00:00:01.001Z'));
    await quotas.assertAvailable(ORG, 'messages');
    expect(repo.quotaSnapshot).toHaveBeenCalledTimes(2);
    quotas.forget(ORG);
    await quotas.assertAvailable(ORG, 'messages');
    quotas.forgetAll();
    await quotas.assertAvailable(ORG, 'messages');
    expect(repo.quotaSnapshot).toHaveBeenCalledTimes(4);
  });

  it('reads on every check with BILLING_QUOTA_CACHE_MS=0', async () => {
    const { quotas, repo } = setup({ cacheMs: 0 });
    await quotas.assertAvailable(ORG, 'messages');
    await quotas.assertAvailable(ORG, 'messages');
    expect(repo.quotaSnapshot).toHaveBeenCalledTimes(2);
  });

  it('refuses past a limit with a coded 402 naming it and carrying the unavailable message', async () => {
    const { quotas } = setup({ snapshots: [snapshot({ messages: 100 }, 'Closed.')] });
    const refusal = await quotas.assertAvailable(ORG, 'messages').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(QuotaExceeded);
    expect(isQuotaRefusal(refusal)).toBe(true);
    expect(refusal).toMatchObject({
      code: 'billing.quota_exceeded',
      status: 402,
      limit: 'messages',
      unavailableMessage: 'Closed.',
      extensions: { limit: 'messages', used: 100, max: 100, plan: 'free' },
    });
    expect((refusal as Error).message).toMatch(/100 messages this period/);
    await expect(quotas.assertAvailable(ORG, 'messages', 0)).resolves.toBeUndefined();
  });

  it('compares transcription minutes in minutes, and allows unlimited limits', async () => {
    const { quotas } = setup({ snapshots: [snapshot({ transcription_seconds: 61, ai_tokens: 10 ** 12 })] });
    await expect(quotas.assertAvailable(ORG, 'transcription_minutes')).rejects.toMatchObject({
      unavailableMessage: DEFAULT_UNAVAILABLE_MESSAGE,
      extensions: expect.objectContaining({ used: 2, max: 2 }),
    });
    await expect(quotas.assertAvailable(ORG, 'ai_tokens')).resolves.toBeUndefined();
    expect(isQuotaRefusal(new Error('other'))).toBe(false);
  });

  it('counts resource limits at each check and records the warning a creation reaches', async () => {
    const { quotas, repo, events } = setup();
    await quotas.assertAvailable(ORG, 'chatbots'); // 3 + 1 of 5: 80%
    expect(repo.resourceCount).toHaveBeenCalledWith(ORG, 'chatbots');
    expect(repo.insertWarnings).toHaveBeenCalledWith(expect.anything(), [
      { organizationId: ORG, periodStart, limit: 'chatbots', threshold: 80, used: 4, max: 5 },
    ]);
    expect(events.publishIn).toHaveBeenCalledWith(expect.anything(), [
      expect.objectContaining({ type: 'billing.quota_warning', organizationId: ORG }),
    ]);
    repo.resourceCount.mockResolvedValue(5);
    await expect(quotas.assertAvailable(ORG, 'chatbots')).rejects.toMatchObject({ limit: 'chatbots' });
    // A warning that cannot be recorded does not fail the creation.
    repo.resourceCount.mockResolvedValue(4);
    repo.insertWarnings.mockRejectedValueOnce(new Error('database down'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await expect(quotas.assertAvailable(ORG, 'chatbots')).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/database down/));
    warn.mockRestore();
  });

  it('opens the subscription of an organization that has none, and allows an unknown organization', async () => {
    const { quotas, em } = setup({ snapshots: [undefined, snapshot({ sessions: 10 })] });
    await expect(quotas.assertAvailable(ORG, 'sessions')).rejects.toMatchObject({ limit: 'sessions' });
    expect(em.query).toHaveBeenCalledWith(expect.stringContaining('INSERT INTO subscriptions'), expect.anything());
    const unknown = setup({ snapshots: [undefined] });
    await expect(unknown.quotas.assertAvailable(ORG, 'sessions')).resolves.toBeUndefined();
  });
});
