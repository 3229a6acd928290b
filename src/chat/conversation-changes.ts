import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { newId } from '@/database/base.entity';
import { CommittedEvents } from '@/events/committed-events';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { insertOutboxEvents } from '@/events/outbox.sql';
import { ConversationNotFound } from './chat.exception';
import { messageCreated } from './conversation-store.service';
import { ConversationsRepository } from './conversations.repository';
import type { ConversationEntity } from './entities/conversation.entity';
import { MessagesRepository } from './messages.repository';
import { type MessageView, viewOf } from './message-view';

/** What an action does to a locked conversation: the row's patch, its activity line, its events. */
export interface Change {
  readonly patch: QueryDeepPartialEntity<ConversationEntity>;
  /** The activity line (`content.type`, `content.text`, more fields); written by the system. */
  readonly activity: { readonly type: string; readonly text: string } & Record<string, unknown>;
  readonly events: readonly AnyDomainEvent[];
}

export interface Changed {
  /** The conversation as it was under the lock, before the change. */
  readonly before: ConversationEntity;
  /** Null when the action changed nothing (no line, no event). */
  readonly activity: MessageView | null;
  readonly events: readonly AnyDomainEvent[];
}

/**
 * One agent action in one transaction: lock the conversation row (so activity lines get their `seq`
 * in commit order, like `ConversationStore.append`), decide, update, write the activity line and the
 * events to the outbox; announce the events on `CommittedEvents` after commit.
 */
@Injectable()
export class ConversationChanges {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly committed: CommittedEvents,
  ) {}

  async change(
    organizationId: OrganizationId,
    id: string,
    decide: (conversation: ConversationEntity, now: Date, em: EntityManager) => Promise<Change | null> | Change | null,
    options: { before?: (em: EntityManager) => Promise<void> } = {},
  ): Promise<Changed> {
    const changed = await this.conversations.transaction(async (em): Promise<Changed> => {
      await options.before?.(em);
      const conversation = await this.conversations.lock(em, organizationId, id);
      if (!conversation) throw new ConversationNotFound(id);
      const now = new Date();
      const change = await decide(conversation, now, em);
      if (!change) return { before: conversation, activity: null, events: [] };
      const seq = conversation.lastSeq + 1;
      const line = {
        id: newId(),
        sender: { type: 'system' as const },
        kind: 'activity' as const,
        content: change.activity,
        text: change.activity.text,
      };
      await this.messages.insert(em, [
        {
          id: line.id,
          organizationId,
          conversationId: id,
          seq,
          senderType: 'system',
          senderId: null,
          kind: 'activity',
          content: line.content,
          text: line.text,
          clientMessageId: null,
          response: null,
          turn: null,
          createdAt: now,
        },
      ]);
      await this.conversations.update(em, organizationId, id, { ...change.patch, lastSeq: seq, lastMessageAt: now });
      const activity = viewOf(id, seq, line, now);
      const events = [messageCreated(organizationId, activity, now), ...change.events];
      await insertOutboxEvents(em, events);
      return { before: conversation, activity, events };
    });
    this.committed.emit(changed.events);
    return changed;
  }
}
