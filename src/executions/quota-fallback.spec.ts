import { asOrganizationId } from '@/access/organization-id';
import type { Quotas } from '@/billing/billing.contracts';
import { QuotaExceeded } from '@/billing/billing.exception';
import { quotaRefusalText, UNAVAILABLE_BLOCK_ID, unavailableTurn } from './quota-fallback';

const ORG = asOrganizationId('00000000-0000-7000-8000-00000000000a');
const quotas = (assertAvailable: Quotas['assertAvailable']): Quotas => ({ assertAvailable });

describe('quota fallback', () => {
  it("answers the refusal's unavailable message, nothing when allowed, and rethrows other errors", async () => {
    await expect(
      quotaRefusalText(
        quotas(() => Promise.resolve()),
        ORG,
        'sessions',
      ),
    ).resolves.toBeUndefined();
    const refuse = () => Promise.reject(new QuotaExceeded('sessions', 5, 5, 'free', 'Closed.'));
    await expect(quotaRefusalText(quotas(refuse), ORG, 'sessions')).resolves.toBe('Closed.');
    const broken = () => Promise.reject(new Error('database down'));
    await expect(quotaRefusalText(quotas(broken), ORG, 'sessions')).rejects.toThrow('database down');
  });

  it('is a bot turn with the message alone and nothing awaited', () => {
    expect(unavailableTurn('s1', 'Closed.')).toEqual({
      sessionId: 's1',
      status: 'active',
      messages: [{ id: expect.any(String), type: 'text', markdown: 'Closed.', blockId: UNAVAILABLE_BLOCK_ID }],
      input: null,
      actions: [],
      progress: null,
    });
  });
});
