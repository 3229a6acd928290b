import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { CommittedEvents } from '@/events/committed-events';
import { domainEvent, insertOutboxEvents } from '@/events/outbox.sql';
import { isUniqueViolation } from '@/database/postgres-errors';
import { ConversationNotFound, MessageNotFound } from './chat.exception';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { ConversationEntity, ConversationStatus } from './entities/conversation.entity';
import type { LockedConversation } from './messages.repository';
import { MessagesRepository } from './messages.repository';
import { type MessageView, type NewMessage, viewOf } from './message-view';

/**
 * What appending means for the conversation: a visitor's message waits for an answer (and reopens a
 * resolved or snoozed conversation), an agent's message answers it, notes and activity lines change
 * nothing.
 */
export type AppendEffect = 'visitor' | 'agent' | 'quiet';

export interface Appended {
  readonly conversation: LockedConversation & { readonly status: ConversationStatus };
  readonly messages: readonly MessageView[];
  /** True when the (single) message's clientMessageId was already stored: nothing was written. */
  readonly duplicate: boolean;
  /** The stored answer of the earlier message, for a duplicate. */
  readonly response?: unknown;
  /** The events written (and announced after commit). */
  readonly events: readonly AnyDomainEvent[];
}

/** A cursor into a conversation's history: after this message (by id) or this seq. */
export type HistoryCursor = { readonly afterId?: string; readonly afterSeq?: number };

/**
 * The one message history of conversations, for every writer but the bot turn (which appends in
 * its own statement, `conversation-store.sql.ts`): the visitor while a human owns the conversation,
 * agents, activity lines. Appending locks the conversation row, so messages of one conversation get
 * consecutive `seq`s in commit order. A message with a clientMessageId already stored (same sender
 * type) is not stored again: the first one is answered.
 */
@Injectable()
export class ConversationStore {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly committed: CommittedEvents,
  ) {}

  async append(
    organizationId: OrganizationId,
    conversationId: string,
    messages: readonly NewMessage[],
    effect: AppendEffect,
    extraEvents: (conversation: LockedConversation) => AnyDomainEvent[] = () => [],
  ): Promise<Appended> {
    try {
      const appended = await this.repo.transaction(async (em) => {
        const conversation = await this.repo.lock(em, organizationId, conversationId);
        if (!conversation) throw new ConversationNotFound(conversationId);
        const [first] = messages;
        if (messages.length === 1 && first?.clientMessageId) {
          const earlier = await this.repo.byClientMessageId(
            em,
            organizationId,
            conversationId,
            first.sender.type,
            first.clientMessageId,
          );
          if (earlier) {
            return { conversation, messages: [earlier.view], duplicate: true, response: earlier.response, events: [] };
          }
        }
        const now = new Date();
        const views = messages.map((m, i) => viewOf(conversationId, conversation.lastSeq + i + 1, m, now));
        await this.repo.insert(
          em,
          messages.map((m, i) => ({
            id: m.id,
            organizationId,
            conversationId,
            seq: conversation.lastSeq + i + 1,
            senderType: m.sender.type,
            senderId: m.sender.id ?? null,
            kind: m.kind,
            content: m.content,
            text: m.text,
            clientMessageId: m.clientMessageId ?? null,
            response: m.response ?? null,
            turn: null,
            createdAt: now,
          })),
        );
        const status = nextStatus(conversation.status, effect);
        const patch: QueryDeepPartialEntity<ConversationEntity> = {
          lastSeq: conversation.lastSeq + messages.length,
          lastMessageAt: now,
        };
        if (effect === 'visitor') {
          patch.waitingSince = () => 'COALESCE(waiting_since, now())';
          if (status !== conversation.status) Object.assign(patch, { status, resolvedAt: null, snoozedUntil: null });
        }
        if (effect === 'agent') {
          patch.waitingSince = null;
          patch.firstReplyAt = () => 'COALESCE(first_reply_at, now())';
        }
        await this.repo.updateConversation(em, organizationId, conversationId, patch);
        const events: AnyDomainEvent[] = [];
        if (!conversation.preview) {
          for (const view of views) events.push(messageCreated(organizationId, view, now));
          if (status !== conversation.status) {
            events.push(
              domainEvent(
                'conversation.status_changed',
                organizationId,
                { conversationId, status, previousStatus: conversation.status, byUserId: null, snoozedUntil: null },
                now,
              ),
            );
          }
          events.push(...extraEvents(conversation));
        }
        await insertOutboxEvents(em, events);
        return { conversation: { ...conversation, status }, messages: views, duplicate: false, events };
      });
      this.committed.emit(appended.events);
      return appended;
    } catch (error) {
      // A resend raced its first copy: that one is stored; answer it.
      if (isUniqueViolation(error) && messages.length === 1)
        return this.append(organizationId, conversationId, messages, effect);
      throw error;
    }
  }

  /** Whether a message of this sender type with this clientMessageId is stored (a resend). */
  isStored(
    organizationId: OrganizationId,
    conversationId: string,
    senderType: 'agent' | 'visitor',
    clientMessageId: string,
  ): Promise<boolean> {
    return this.repo.transaction(
      async (em) =>
        (await this.repo.byClientMessageId(em, organizationId, conversationId, senderType, clientMessageId)) !== null,
    );
  }

  /** Agents' messages and activity lines the visitor was not shown yet, now marked as seen (see the repository). */
  takeUnseenByVisitor(organizationId: OrganizationId, conversationId: string): Promise<MessageView[]> {
    return this.repo.takeUnseenByVisitor(organizationId, conversationId);
  }

  /** What came after the cursor (oldest first; `limit` null: everything); notes only for agents. */
  async history(
    organizationId: OrganizationId,
    conversationId: string,
    cursor: HistoryCursor,
    limit: number | null,
    withNotes: boolean,
  ): Promise<MessageView[]> {
    let afterSeq = cursor.afterSeq ?? 0;
    if (cursor.afterId !== undefined) {
      const seq = await this.repo.seqOf(organizationId, conversationId, cursor.afterId);
      if (seq === undefined) throw new MessageNotFound(cursor.afterId);
      afterSeq = seq;
    }
    return this.repo.after(organizationId, conversationId, afterSeq, limit, withNotes);
  }
}

/** A visitor's message reopens a resolved or snoozed conversation (a human owns it: it is `open`). */
export function nextStatus(status: ConversationStatus, effect: AppendEffect): ConversationStatus {
  if (effect === 'visitor' && (status === 'resolved' || status === 'snoozed')) return 'open';
  return status;
}

export const messageCreated = (organizationId: OrganizationId, view: MessageView, at: Date) => ({
  ...domainEvent('message.created', organizationId, { conversationId: view.conversationId, message: view }, at),
  // One event per message: the message's id is the event's (both UUIDv7, made once).
  id: view.id,
});
