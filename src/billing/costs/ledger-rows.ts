import { asOrganizationId } from '@/access/organization-id';
import type { AnyDomainEvent, DomainEvent } from '@/events/event-catalogue';
import type { LedgerRow } from './costs.repository';
import { type PriceTable, priceCall } from './prices';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: unknown): string | null => (typeof value === 'string' && UUID.test(value) ? value : null);
const text = (value: unknown, max: number, fallback: string): string =>
  typeof value === 'string' && value !== '' ? value.slice(0, max) : fallback;
const whole = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(0, Math.round(value)), 2 ** 53 - 1) : 0;
const measure = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.min(value, 1e9) : null;

/**
 * What a call was made for: a visitor's session, a preview in the builder, else the operation
 * itself (`transcription` jobs, imports…).
 */
export function sourceOf(data: { preview: boolean; sessionId: string | null; operation: string }): string {
  if (data.preview) return 'preview';
  if (data.sessionId !== null) return 'session';
  return text(data.operation, 32, 'other');
}

/**
 * The ledger rows of a batch: one per `ai.usage_recorded` event, priced with `table`. Whatever an
 * event carries, a row is well-formed (ids that are not UUIDs become null, lengths are capped): a
 * row the database refused would hold up the whole outbox.
 */
export function ledgerRows(events: readonly AnyDomainEvent[], table: PriceTable): LedgerRow[] {
  return events
    .filter((e): e is DomainEvent<'ai.usage_recorded'> => e.type === 'ai.usage_recorded')
    .flatMap((event) => {
      const organizationId = uuidOrNull(event.organizationId);
      if (organizationId === null) return [];
      const d = event.data;
      const model = text(d.model, 200, 'unknown');
      const outcome = d.outcome === 'error' ? 'error' : 'ok';
      const call = {
        operation: typeof d.operation === 'string' ? d.operation : '',
        model,
        promptTokens: whole(d.promptTokens),
        completionTokens: whole(d.completionTokens),
        audioSeconds: measure(d.audioSeconds),
        characters: measure(d.characters) === null ? null : whole(d.characters),
        outcome,
      } as const;
      const { costUsd, priced } = priceCall(table, call);
      return [
        {
          id: event.id,
          organization_id: asOrganizationId(organizationId),
          occurred_at: event.occurredAt,
          chatbot_id: uuidOrNull(d.chatbotId),
          session_id: uuidOrNull(d.sessionId),
          source: sourceOf({
            preview: d.preview === true,
            sessionId: uuidOrNull(d.sessionId),
            operation: call.operation,
          }),
          provider: text(d.provider, 32, 'openai'),
          operation: text(call.operation, 32, 'other'),
          model,
          prompt_tokens: call.promptTokens,
          completion_tokens: call.completionTokens,
          audio_seconds: call.audioSeconds,
          characters: call.characters,
          cost_usd: costUsd,
          priced,
          outcome,
          connection_id: typeof d.connectionId === 'string' ? d.connectionId.slice(0, 200) : null,
        },
      ];
    });
}
