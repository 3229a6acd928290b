import { Injectable } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { SessionQueueFull } from './executions.exception';

interface Lane {
  /** Settles when the last task queued on this lane has finished. */
  tail: Promise<unknown>;
  /** Tasks queued on this lane, the running one included. */
  size: number;
}

/**
 * Runs the turns of one session one after the other, in the order they arrived at this process
 * (a FIFO per session id). At most `limit` turns wait behind the running one; past that the turn
 * is refused with `SessionQueueFull` (429). A session's lane is dropped when it empties, so memory
 * follows the sessions in flight, not all sessions seen. Turns of one session that reach different
 * processes are kept apart by the optimistic save (see `SessionsService`).
 */
@Injectable()
export class SessionTurnQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly limit: number;

  constructor(@InjectConfig() config: AppConfig) {
    this.limit = config.executions.sessionTurnQueueLimit;
  }

  /** Runs `task` once every turn queued before it on `sessionId` has finished. */
  run<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(sessionId) ?? { tail: Promise.resolve(), size: 0 };
    if (lane.size > this.limit) return Promise.reject(new SessionQueueFull());
    lane.size++;
    this.lanes.set(sessionId, lane);
    const result = lane.tail.then(task);
    lane.tail = result.then(
      () => this.leave(sessionId, lane),
      () => this.leave(sessionId, lane),
    );
    return result;
  }

  /** Turns of `sessionId` running or waiting in this process. */
  pending(sessionId: string): number {
    return this.lanes.get(sessionId)?.size ?? 0;
  }

  /** Sessions with turns running or waiting in this process. */
  get activeSessions(): number {
    return this.lanes.size;
  }

  private leave(sessionId: string, lane: Lane): void {
    lane.size--;
    if (lane.size === 0 && this.lanes.get(sessionId) === lane) this.lanes.delete(sessionId);
  }
}
