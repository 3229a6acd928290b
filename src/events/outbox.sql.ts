import type { EntityManager } from 'typeorm';
import { newId } from '@/database/base.entity';
import type { AnyDomainEvent, DomainEvent, DomainEvents, EventType, OrganizationOf } from './event-catalogue';

/**
 * Writing events to the outbox (`outbox_events`), inside the caller's transaction or statement.
 * A trigger on the table notifies channel `outbox` (delivered on commit) to wake the dispatchers.
 */

/** A new event: a UUIDv7 id and the time it occurred. */
export function domainEvent<T extends EventType>(
  type: T,
  organizationId: OrganizationOf<T>,
  data: DomainEvents[T],
  occurredAt: Date = new Date(),
): DomainEvent<T> {
  return { id: newId(), type, occurredAt: occurredAt.toISOString(), organizationId, data };
}

/** The rows of `events` as one JSON parameter, for `outboxInsertCte` and `insertOutboxEvents`. */
export const outboxRowsParam = (events: readonly AnyDomainEvent[] | readonly DomainEvent[]): string =>
  JSON.stringify(
    events.map((e) => ({
      id: e.id,
      type: e.type,
      organization_id: e.organizationId,
      occurred_at: e.occurredAt,
      data: e.data,
    })),
  );

const SELECT_ROWS = (param: string): string =>
  `SELECT e.id, e.type, e.organization_id, e.occurred_at, e.data
     FROM jsonb_to_recordset(${param}::jsonb)
       AS e(id uuid, type text, organization_id uuid, occurred_at timestamptz, data jsonb)`;

/**
 * A data-modifying CTE for a caller's statement: inserts the events of `param` (see
 * `outboxRowsParam`) only when the CTE `gate` returned a row, e.g.
 * `WITH updated AS (UPDATE ... RETURNING id), ${outboxInsertCte('updated', '$14')} INSERT ...`.
 * An optimistic update that matched nothing therefore writes no events.
 */
export const outboxInsertCte = (gate: string, param: string, name = 'outbox'): string =>
  `${name} AS (
     INSERT INTO outbox_events (id, type, organization_id, occurred_at, data)
     ${SELECT_ROWS(param)} WHERE EXISTS (SELECT 1 FROM ${gate}))`;

/** Inserts events within the caller's transaction (one statement, whatever their number). */
export async function insertOutboxEvents(
  em: EntityManager,
  events: readonly AnyDomainEvent[] | readonly DomainEvent[],
): Promise<void> {
  if (events.length === 0) return;
  if (!em.queryRunner?.isTransactionActive) {
    throw new Error('Outbox events are written inside the transaction of the change they describe');
  }
  await em.query(`INSERT INTO outbox_events (id, type, organization_id, occurred_at, data) ${SELECT_ROWS('$1')}`, [
    outboxRowsParam(events),
  ]);
}
