import { Injectable, Logger } from '@nestjs/common';
import type { AnyDomainEvent } from './event-catalogue';

export type CommittedListener = (events: readonly AnyDomainEvent[]) => void;

/**
 * In-process notice of events whose change has just committed, given by the process that made it:
 * the live-chat gateway feeds sockets from it (fanned out to other processes by the Socket.IO Redis
 * adapter) without waiting for the outbox dispatcher. Best effort by design: the outbox stays the
 * durable record (webhooks, notifications), and a socket that missed something asks with `sync`.
 * Listeners run synchronously and must not throw (a throw is logged and swallowed).
 */
@Injectable()
export class CommittedEvents {
  private readonly logger = new Logger(CommittedEvents.name);
  private readonly listeners = new Set<CommittedListener>();

  on(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(events: readonly AnyDomainEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.logger.error(`A committed-events listener failed: ${String(error)}`);
      }
    }
  }
}
