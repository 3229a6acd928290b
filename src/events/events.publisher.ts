import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvent, DomainEvents, EventType, OrganizationOf } from './event-catalogue';
import { domainEvent, insertOutboxEvents } from './outbox.sql';

/**
 * Publishes domain events through the transactional outbox: they are written in the transaction of
 * the change they describe, so they exist exactly when the change committed; the dispatcher
 * (worker processes) hands them to their subscribers afterwards.
 */
@Injectable()
export class EventsPublisher {
  /** A new event (UUIDv7 id, occurred now). */
  event<T extends EventType>(type: T, organizationId: OrganizationOf<T>, data: DomainEvents[T]): DomainEvent<T> {
    return domainEvent(type, organizationId, data);
  }

  /** Writes `events` in the caller's transaction (`em` must be inside `dataSource.transaction`). */
  publishIn(em: EntityManager, events: readonly DomainEvent[]): Promise<void> {
    return insertOutboxEvents(em, events);
  }
}
