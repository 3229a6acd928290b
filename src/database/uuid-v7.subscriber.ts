import { type EntitySubscriberInterface, EventSubscriber, type InsertEvent } from 'typeorm';
import { newId } from './base.entity';

/**
 * Gives every inserted row of an entity with a `uuid` primary key named `id` a UUIDv7 when it has
 * none. Runs for `save()` of instances and plain objects and for `insert()` alike.
 */
@EventSubscriber()
export class UuidV7Subscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<Record<string, unknown>>): void {
    const primary = event.metadata.primaryColumns;
    const only = primary.length === 1 ? primary[0] : undefined;
    if (!only || only.propertyName !== 'id' || only.type !== 'uuid') return;
    if (event.entity && (event.entity.id === undefined || event.entity.id === null)) event.entity.id = newId();
  }
}
