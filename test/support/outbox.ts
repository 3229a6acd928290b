import type { DomainEvent, DomainEvents, EventType } from '@/events/event-catalogue';
import type { TestApp } from './test-app';

/** The events of `type` written to the app's outbox, oldest first (dispatched ones too, until pruned). */
export async function outboxEvents<T extends EventType>(t: TestApp, type: T): Promise<DomainEvent<T>[]> {
  const rows = await t.sql<{
    id: string;
    type: T;
    organization_id: string | null;
    occurred_at: Date;
    data: DomainEvents[T];
  }>('SELECT id, type, organization_id, occurred_at, data FROM outbox_events WHERE type = $1 ORDER BY id', [type]);
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    organizationId: r.organization_id,
    occurredAt: r.occurred_at.toISOString(),
    data: r.data,
  }));
}

/** The data of the events of `type` in the outbox, oldest first. */
export const outboxData = async <T extends EventType>(t: TestApp, type: T): Promise<DomainEvents[T][]> =>
  (await outboxEvents(t, type)).map((e) => e.data);

/** Resolves once every event committed so far is dispatched (and so metered, ledgered, fanned out); throws after `timeoutMs`. */
export async function outboxDrained(t: TestApp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await t.sql<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE dispatched_at IS NULL');
    if (row?.n === '0') return;
    if (Date.now() > deadline) throw new Error('the outbox was not drained');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
