import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { DomainException } from '@/common/errors/domain.exception';
import { newId } from '@/database/base.entity';
import { domainEvent } from '@/events/outbox.sql';
import { SessionsService } from '@/executions/sessions.service';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { AssignmentService } from './assignment.service';
import { CannedResponsesService } from './canned-responses.service';
import { assertCanAct, type ChatActor, userOf } from './chat-actor';
import {
  AssigneeNotAllowed,
  ConversationNotFound,
  ConversationNotFromBot,
  ConversationStateConflict,
  DepartmentUnknown,
  InvalidCursor,
  InvalidMentions,
  InvalidSnooze,
  MessageNotFound,
  WhatsAppWindowClosed,
} from './chat.exception';
import { type Change, ConversationChanges } from './conversation-changes';
import { ConversationStore } from './conversation-store.service';
import {
  type ConversationCursor,
  type ConversationFilters,
  type ConversationRow,
  ConversationsRepository,
} from './conversations.repository';
import {
  type ConversationDto,
  type ConversationPageDto,
  type MessageDto,
  type ReadMarkerDto,
  toMessageDto,
  type UnreadCountsDto,
} from './dto/conversation.dto';
import type { ConversationEntity, ConversationPriority } from './entities/conversation.entity';
import type { MessageView } from './message-view';
import { MessagesRepository } from './messages.repository';

/** A status agents set (`pending`, back to the bot, is hand-back's). */
export type AgentStatus = 'open' | 'resolved' | 'snoozed';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque list cursor: base64url of `<last_message_at in µs>.<id>`. */
export const encodeCursor = (row: Pick<ConversationRow, 'cursor_micros' | 'id'>): string =>
  Buffer.from(`${row.cursor_micros}.${row.id}`).toString('base64url');

export function decodeCursor(cursor: string): ConversationCursor {
  const [atMicros, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  if (rest.length > 0 || !atMicros || !/^-?\d{1,17}$/.test(atMicros) || !id || !UUID.test(id)) {
    throw new InvalidCursor();
  }
  return { atMicros, id };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toConversationDto = (r: ConversationRow): ConversationDto => ({
  id: r.id,
  channel: r.channel,
  status: r.status,
  priority: r.priority,
  labels: r.labels,
  chatbotId: r.chatbot_id,
  sessionId: r.session_id,
  contact: r.contact_id
    ? { id: r.contact_id, name: r.contact_name, email: r.contact_email, phone: r.contact_phone }
    : null,
  assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
  department: r.department_id ? { id: r.department_id, name: r.department_name ?? '' } : null,
  snoozedUntil: iso(r.snoozed_until),
  firstReplyAt: iso(r.first_reply_at),
  waitingSince: iso(r.waiting_since),
  resolvedAt: iso(r.resolved_at),
  lastMessageAt: r.last_message_at.toISOString(),
  lastMessage:
    r.last_message_id && r.last_message_sender && r.last_message_created_at
      ? {
          id: r.last_message_id,
          text: r.last_message_text,
          senderType: r.last_message_sender,
          createdAt: r.last_message_created_at.toISOString(),
        }
      : null,
  lastSeq: r.last_seq,
  unreadCount: r.unread_count,
  createdAt: r.created_at.toISOString(),
});

/** The query of the inbox list. */
export interface ConversationListQuery extends ConversationFilters {
  readonly mine?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The agents' side of conversations: the inbox (lists, views, history, read markers) and every
 * action (message, note, assign, status, snooze, labels, priority, department, hand-back). Each
 * action is one transaction with its activity line and events (see `ConversationChanges`), usable
 * from REST and the agent socket alike; the role is checked here (`assertCanAct`).
 */
@Injectable()
export class ConversationsService {
  private readonly logger = new Logger(ConversationsService.name);

  constructor(
    private readonly repo: ConversationsRepository,
    private readonly changes: ConversationChanges,
    private readonly store: ConversationStore,
    private readonly messagesRepo: MessagesRepository,
    private readonly canned: CannedResponsesService,
    private readonly assignment: AssignmentService,
    private readonly sessions: SessionsService,
    @InjectTypedQueue('chat') private readonly queue: TypedQueue<'chat'>,
  ) {}

  // ---------------------------------------------------------------- reading

  async list(
    organizationId: OrganizationId,
    actor: ChatActor,
    query: ConversationListQuery,
  ): Promise<ConversationPageDto> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const filters: ConversationFilters = {
      ...query,
      ...(query.mine ? { assigneeId: userOf(actor) } : {}),
      ...(query.label ? { label: query.label.toLowerCase() } : {}),
    };
    if (query.mine && query.assigneeId && query.assigneeId !== actor.userId) {
      return { items: [], nextCursor: null };
    }
    const rows = await this.repo.list(organizationId, actor.userId, filters, query.limit, cursor);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toConversationDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  /** The caller's unread messages in the conversations assigned to them, by status. */
  async unread(organizationId: OrganizationId, actor: ChatActor): Promise<UnreadCountsDto> {
    const rows = await this.repo.unreadByStatus(organizationId, userOf(actor));
    const byStatus = { pending: 0, open: 0, resolved: 0, snoozed: 0 };
    let conversations = 0;
    for (const r of rows) {
      byStatus[r.status] = r.messages;
      conversations += r.conversations;
    }
    return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), conversations, byStatus };
  }

  async get(organizationId: OrganizationId, actor: ChatActor, id: string): Promise<ConversationDto> {
    const row = await this.repo.find(organizationId, actor.userId, id);
    if (!row) throw new ConversationNotFound(id);
    return toConversationDto(row);
  }

  /** The history after `after` (a message id), oldest first; agents and viewers see notes. */
  async messages(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    after: string | undefined,
    limit: number,
  ): Promise<MessageDto[]> {
    await this.get(organizationId, actor, id);
    const views = await this.store.history(organizationId, id, after ? { afterId: after } : {}, limit, true);
    return views.map(toMessageDto);
  }

  /** Moves the caller's read marker to `messageId` (never back). No outbox event: the gateway pushes `read`. */
  async markRead(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    messageId: string,
  ): Promise<ReadMarkerDto> {
    const userId = userOf(actor);
    await this.get(organizationId, actor, id);
    const seq = await this.messagesRepo.seqOf(organizationId, id, messageId);
    if (seq === undefined) throw new MessageNotFound(messageId);
    const lastReadSeq = await this.repo.markRead(organizationId, id, userId, seq);
    return { conversationId: id, lastReadSeq, messageId };
  }

  // ---------------------------------------------------------------- messages and notes

  /**
   * An agent's message (`private: false`) or note (`private: true`). A resend of `clientMessageId`
   * answers the stored message with `duplicate: true`. Messages need a conversation with humans
   * (not `pending`, where the bot talks); notes go anywhere. A note's `mentions` (members of the
   * organization) are stored in its content, so `message.created` carries them to notifications.
   */
  async sendMessage(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    input: { clientMessageId: string; text: string; private?: boolean; mentions?: readonly string[] },
  ): Promise<{ message: MessageView; duplicate: boolean }> {
    assertCanAct(actor);
    const conversation = await this.get(organizationId, actor, id);
    const note = input.private === true;
    const mentions = [...new Set(input.mentions ?? [])];
    if (mentions.length > 0) {
      if (!note) throw new InvalidMentions('only private notes (private: true) can mention members');
      if ((await this.repo.countMembers(organizationId, mentions)) !== mentions.length) {
        throw new InvalidMentions('each must be a member of the organization');
      }
    }
    // Said up front (the send job still checks, for a window that closes meanwhile). A resend of
    // a stored message is answered as before.
    if (
      !note &&
      conversation.channel === 'whatsapp' &&
      !(await this.repo.whatsAppWindowOpen(organizationId, id)) &&
      !(await this.store.isStored(organizationId, id, 'agent', input.clientMessageId))
    ) {
      throw new WhatsAppWindowClosed();
    }
    const expanded = await this.canned.expand(organizationId, input.text);
    const name = actor.userId ? await this.repo.userName(actor.userId) : null;
    const appended = await this.store.append(
      organizationId,
      id,
      [
        {
          id: newId(),
          sender: {
            type: 'agent',
            ...(actor.userId ? { id: actor.userId } : {}),
            ...(name ? { name } : { name: 'API' }),
          },
          kind: note ? 'note' : 'message',
          content: {
            text: expanded.text,
            ...(expanded.cannedResponseId ? { cannedResponseId: expanded.cannedResponseId } : {}),
            ...(mentions.length > 0 ? { mentions } : {}),
          },
          text: expanded.text,
          clientMessageId: input.clientMessageId,
        },
      ],
      note ? 'quiet' : 'agent',
      (conversation) => {
        if (!note && conversation.status === 'pending') {
          throw new ConversationStateConflict(
            'A bot is talking in this conversation; write a note instead.',
            'pending',
          );
        }
        return [];
      },
    );
    const [message] = appended.messages;
    if (!message) throw new Error('append returned no message');
    if (actor.userId && !appended.duplicate) {
      await this.repo.markRead(organizationId, id, actor.userId, message.seq);
    }
    return { message, duplicate: appended.duplicate };
  }

  // ---------------------------------------------------------------- actions

  /** Assigns to an agent or admin member (400 otherwise), or unassigns (`null`). */
  async assign(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    assigneeId: string | null,
  ): Promise<ConversationDto> {
    assertCanAct(actor);
    const by = await this.actorName(actor);
    const changed = await this.changes.change(organizationId, id, async (c, _now, em) => {
      if (c.assigneeId === assigneeId) return null;
      if (assigneeId !== null && !(await this.repo.isAgent(organizationId, assigneeId, em))) {
        throw new AssigneeNotAllowed(assigneeId);
      }
      const name = assigneeId ? ((await this.repo.userName(assigneeId)) ?? 'an agent') : null;
      return {
        patch: { assigneeId },
        activity: {
          type: assigneeId ? 'assigned' : 'unassigned',
          text: assigneeId ? `${by} assigned the conversation to ${name}` : `${by} unassigned the conversation`,
          assigneeId,
          byUserId: actor.userId,
        },
        events: [
          domainEvent('conversation.assigned', organizationId, {
            conversationId: id,
            assigneeId,
            previousAssigneeId: c.assigneeId,
            departmentId: c.departmentId,
            byUserId: actor.userId,
          }),
        ],
      };
    });
    if (changed.activity && changed.before.status === 'open') {
      this.assignment.afterFreed(organizationId, changed.before.assigneeId, id);
    }
    return this.get(organizationId, actor, id);
  }

  /**
   * Status transitions: open → resolved | snoozed; snoozed → open | resolved | snoozed (a new time);
   * resolved → open. A `pending` conversation belongs to the bot: 409. Setting the current status
   * (but a new snooze time) changes nothing.
   */
  async setStatus(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    status: AgentStatus,
    snoozedUntil?: Date,
  ): Promise<ConversationDto> {
    assertCanAct(actor);
    const by = await this.actorName(actor);
    const changed = await this.changes.change(organizationId, id, (c, now) =>
      this.statusChange(organizationId, actor, by, c, now, status, snoozedUntil),
    );
    if (changed.activity) {
      if (status === 'snoozed' && snoozedUntil) await this.scheduleUnsnooze(organizationId, id, snoozedUntil);
      if (changed.before.status === 'open' && status !== 'open') {
        this.assignment.afterFreed(organizationId, changed.before.assigneeId);
      }
    }
    return this.get(organizationId, actor, id);
  }

  resolve(organizationId: OrganizationId, actor: ChatActor, id: string): Promise<ConversationDto> {
    return this.setStatus(organizationId, actor, id, 'resolved');
  }

  reopen(organizationId: OrganizationId, actor: ChatActor, id: string): Promise<ConversationDto> {
    return this.setStatus(organizationId, actor, id, 'open');
  }

  snooze(organizationId: OrganizationId, actor: ChatActor, id: string, until: Date): Promise<ConversationDto> {
    return this.setStatus(organizationId, actor, id, 'snoozed', until);
  }

  private statusChange(
    organizationId: OrganizationId,
    actor: ChatActor | null,
    by: string,
    c: ConversationEntity,
    now: Date,
    status: AgentStatus,
    snoozedUntil: Date | undefined,
  ): Change | null {
    if (c.status === 'pending') {
      throw new ConversationStateConflict('A bot owns this conversation; it has not been handed over.', c.status);
    }
    if (status === 'snoozed') {
      if (!snoozedUntil || snoozedUntil.getTime() <= now.getTime()) throw new InvalidSnooze();
      if (c.status === 'resolved') {
        throw new ConversationStateConflict('A resolved conversation is reopened, not snoozed.', c.status);
      }
      if (c.status === 'snoozed' && c.snoozedUntil?.getTime() === snoozedUntil.getTime()) return null;
    } else if (c.status === status) {
      return null;
    }
    const byUserId = actor?.userId ?? null;
    const patch: Change['patch'] =
      status === 'resolved'
        ? { status, resolvedAt: now, snoozedUntil: null, waitingSince: null }
        : status === 'snoozed'
          ? { status, snoozedUntil, resolvedAt: null }
          : { status, snoozedUntil: null, resolvedAt: null };
    const text =
      status === 'resolved'
        ? `${by} resolved the conversation`
        : status === 'snoozed'
          ? `${by} snoozed the conversation until ${snoozedUntil!.toISOString()}`
          : actor
            ? `${by} reopened the conversation`
            : 'The snooze ended: the conversation is open again';
    const events: Change['events'] = [
      domainEvent('conversation.status_changed', organizationId, {
        conversationId: c.id,
        status,
        previousStatus: c.status,
        byUserId,
        snoozedUntil: status === 'snoozed' ? snoozedUntil!.toISOString() : null,
      }),
      ...(status === 'resolved'
        ? [domainEvent('conversation.resolved', organizationId, { conversationId: c.id, byUserId })]
        : []),
    ];
    return { patch, activity: { type: status, text, byUserId, previousStatus: c.status }, events };
  }

  /** Priority, labels (lowercased, deduplicated) and department. */
  async update(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    input: { priority?: ConversationPriority; labels?: string[]; departmentId?: string | null },
  ): Promise<ConversationDto> {
    assertCanAct(actor);
    const by = await this.actorName(actor);
    const labels = input.labels ? [...new Set(input.labels.map((l) => l.trim().toLowerCase()))].sort() : undefined;
    await this.changes.change(organizationId, id, async (c, _now, em) => {
      const changes: { priority?: ConversationPriority; labels?: string[]; departmentId?: string | null } = {};
      if (input.priority !== undefined && input.priority !== c.priority) changes.priority = input.priority;
      if (labels !== undefined && labels.join('\n') !== [...c.labels].sort().join('\n')) changes.labels = labels;
      if (input.departmentId !== undefined && input.departmentId !== c.departmentId) {
        if (
          input.departmentId !== null &&
          !(await this.repo.departmentExists(em, organizationId, input.departmentId))
        ) {
          throw new DepartmentUnknown(input.departmentId);
        }
        changes.departmentId = input.departmentId;
      }
      if (Object.keys(changes).length === 0) return null;
      const parts = [
        changes.priority !== undefined ? `priority ${changes.priority}` : null,
        changes.labels !== undefined ? `labels ${changes.labels.length ? changes.labels.join(', ') : '(none)'}` : null,
        changes.departmentId !== undefined ? (changes.departmentId ? 'the department' : 'no department') : null,
      ].filter((p): p is string => p !== null);
      return {
        patch: changes,
        activity: { type: 'updated', text: `${by} set ${parts.join(', ')}`, changes, byUserId: actor.userId },
        events: [
          domainEvent('conversation.updated', organizationId, { conversationId: id, changes, byUserId: actor.userId }),
        ],
      };
    });
    return this.get(organizationId, actor, id);
  }

  /**
   * Gives the conversation back to its bot session (`SessionsService.handBack`, which sets it
   * `pending` and runs the bot from `groupId` or after the handoff block). Only for a conversation
   * with humans (`open`/`snoozed`) that came from a bot session: 409 otherwise.
   */
  async handBack(
    organizationId: OrganizationId,
    actor: ChatActor,
    id: string,
    groupId?: string,
  ): Promise<ConversationDto> {
    assertCanAct(actor);
    const byUserId = userOf(actor);
    const conversation = await this.get(organizationId, actor, id);
    if (!conversation.sessionId) throw new ConversationNotFromBot();
    if (conversation.status !== 'open' && conversation.status !== 'snoozed') {
      throw new ConversationStateConflict(
        'Only a conversation with humans (open or snoozed) is handed back.',
        conversation.status,
      );
    }
    const byName = await this.actorName(actor);
    try {
      await this.sessions.handBack(organizationId, conversation.sessionId, {
        ...(groupId !== undefined ? { groupId } : {}),
        byUserId,
        byName,
        previousAssigneeId: conversation.assignee?.id ?? null,
      });
    } catch (error) {
      if (error instanceof DomainException && error.code === 'session.not_found') throw new ConversationNotFromBot();
      throw error;
    }
    // The bot's turn wrote the activity line, the status change and their events in its statement.
    if (conversation.status === 'open' && conversation.assignee) {
      this.assignment.afterFreed(organizationId, conversation.assignee.id);
    }
    return this.get(organizationId, actor, id);
  }

  // ---------------------------------------------------------------- snoozes

  /** Reopens a snoozed conversation whose time has come; anything else is left alone (idempotent). */
  async reopenIfDue(organizationId: OrganizationId, id: string): Promise<boolean> {
    try {
      const changed = await this.changes.change(organizationId, id, (c, now) => {
        if (c.status !== 'snoozed' || !c.snoozedUntil || c.snoozedUntil.getTime() > now.getTime()) return null;
        return this.statusChange(organizationId, null, 'The system', c, now, 'open', undefined);
      });
      return changed.activity !== null;
    } catch (error) {
      if (error instanceof ConversationNotFound) return false;
      throw error;
    }
  }

  /** The periodic sweep: reopens every due snooze (a missed delayed job is caught up here). */
  async reopenDueSnoozes(): Promise<number> {
    let reopened = 0;
    for (;;) {
      const due = await this.repo.dueSnoozedAcrossOrganizations(100);
      let progress = 0;
      for (const row of due) if (await this.reopenIfDue(row.organization_id, row.id)) progress++;
      reopened += progress;
      if (due.length < 100 || progress === 0) return reopened;
    }
  }

  private async scheduleUnsnooze(organizationId: OrganizationId, id: string, until: Date): Promise<void> {
    try {
      await this.queue.add(
        'unsnooze',
        { organizationId, conversationId: id },
        { jobId: `unsnooze-${id}-${until.getTime()}`, delay: Math.max(0, until.getTime() - Date.now()) },
      );
    } catch (error) {
      // The periodic sweep reopens it a little later.
      this.logger.warn(`Could not schedule the end of a snooze: ${String(error)}`);
    }
  }

  private async actorName(actor: ChatActor): Promise<string> {
    if (actor.userId === null) return 'An API key';
    return (await this.repo.userName(actor.userId)) ?? 'An agent';
  }
}
