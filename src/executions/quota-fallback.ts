import type { OrganizationId } from '@/access/organization-id';
import { isQuotaRefusal, type Quotas, type UsageLimit } from '@/billing/billing.contracts';
import type { ChatTurn } from './chat-view';
import { newId } from '@/database/base.entity';

/** The block id of the "unavailable" message (it comes from no block of the flow). */
export const UNAVAILABLE_BLOCK_ID = 'billing.unavailable';

/**
 * The turn a visitor gets instead of an error while the organization is over a plan's limit: the
 * organization's unavailable message as the bot's only message, nothing awaited. The session (if
 * any) is left as it was, so the visitor can go on once the limit allows.
 */
export const unavailableTurn = (sessionId: string, text: string): ChatTurn => ({
  sessionId,
  status: 'active',
  messages: [{ id: newId(), type: 'text', markdown: text, blockId: UNAVAILABLE_BLOCK_ID }],
  input: null,
  actions: [],
  progress: null,
});

/** The organization's unavailable message when `limit` refuses one more; undefined when it allows. */
export async function quotaRefusalText(
  quotas: Quotas,
  organizationId: OrganizationId,
  limit: UsageLimit,
): Promise<string | undefined> {
  try {
    await quotas.assertAvailable(organizationId, limit);
    return undefined;
  } catch (error) {
    if (isQuotaRefusal(error)) return error.unavailableMessage;
    throw error;
  }
}
