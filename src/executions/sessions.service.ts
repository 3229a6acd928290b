import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { PublishedChatbots } from '@/chatbots/published-chatbots.service';
import { defaultChatbotSettings } from '@/chatbots/chatbot-settings';
import { ChatbotNotFound } from '@/chatbots/chatbots.exception';
import type { TenantContext } from '@/access/principal';
import { isRedisUnavailable } from '@/common/errors/dependency-errors';
import { type AppConfig, InjectConfig } from '@/config';
import { newId } from '@/database/base.entity';
import { flowDocumentSchema } from '@/flows';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { ConversationStore } from '@/chat/conversation-store.service';
import { messageCreated } from '@/chat/conversation-store.service';
import { type MessageView, type NewMessage, viewOf } from '@/chat/message-view';
import { CommittedEvents } from '@/events/committed-events';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import {
  botMessages,
  type ChatTurn,
  progressOf,
  resultOf,
  type SessionFlow,
  sessionStatusOf,
  visitorMessage,
  withIds,
} from './chat-view';
import type { EngineInput, ReplyPayload } from './engine/engine-types';
import type { ChatSessionEntity, TranscriptEntry } from './entities/chat-session.entity';
import {
  BotNotAvailable,
  HandBackPositionUnknown,
  InvalidReply,
  NotHandedOff,
  OriginNotAllowed,
  SessionBusy,
  SessionEnded,
  SessionExpired,
  SessionNotFound,
  SessionQueueFull,
} from './executions.exception';
import { describeFlow, FlowCache } from './flow-cache';
import { conversationTransition, sessionEvents } from './session-events';
import { SessionTurnQueue } from './session-turn-queue';
import { SESSION_CACHE_TTL_MS, SessionCache } from './session-cache';
import { SessionsRepository, type TurnWrite } from './sessions.repository';
import type { TurnOutcome } from './turn-runner';
import { TurnRunner } from './turn-runner';
import { originAllowed, VisitorAccess } from './visitor-access';
import { visitorContactOf } from './visitor-contact';
import { ContactsService } from '@/contacts/contacts.service';
import { contactValuesOf } from './contact-values';
import type { ContactValues } from './engine/engine-types';
import { Quotas } from '@/billing/billing.contracts';
import { quotaRefusalText, unavailableTurn } from './quota-fallback';

/**
 * When a turn of the same session saved first (from another process: this one queues them), the
 * turn is run again on the new state: at most this many times, within this time, after a short
 * random pause that grows with the attempts (the first retry is immediate), then 409 session.busy.
 */
const SAVE_ATTEMPTS = 16;
const SAVE_BUDGET_MS = 10_000;
const RETRY_PAUSE_MS = { base: 10, max: 250 };
const PREVIEW_TTL_SECONDS = 24 * 3600;

/** A visitor's turn as answered, with the visitor's stored message (null for commands run without one). */
export interface RepliedTurn {
  readonly turn: ChatTurn;
  readonly message: MessageView | null;
}

/** A session row as this process last saved or read it, with the answers it gave lately (for resends). */
interface CachedSession {
  readonly turn: number;
  readonly session: ChatSessionEntity;
  readonly recent: readonly { readonly clientMessageId: string; readonly replied: RepliedTurn }[];
}

/** Answers kept per cached session for resends that reach this process. */
const RECENT_REPLIES = 4;

/** The cached row was not current (another process moved the session on): read it again. */
class StaleSession extends Error {}

/** How long a session of `flow` lives after its last turn. */
const ttlMsOf = (flow: SessionFlow): number => (flow.settings ?? defaultChatbotSettings).sessionExpirySeconds * 1000;

/** A message of the conversation as a line of the session's transcript. */
function transcriptEntryOf(message: MessageView): TranscriptEntry {
  const blockId = message.sender.type === 'bot' ? (message.content as { blockId?: unknown }).blockId : undefined;
  return {
    id: message.id,
    seq: message.seq,
    role: message.sender.type,
    at: message.createdAt,
    ...(typeof blockId === 'string' ? { blockId } : {}),
    ...(message.sender.name ? { name: message.sender.name } : {}),
    content: message.content,
  };
}

export interface StartOptions {
  variables?: Record<string, unknown>;
  origin?: string;
}

/** A session started server-side by a channel integration (WhatsApp) for one of its contacts. */
export interface ChannelStart {
  readonly organizationId: OrganizationId;
  readonly chatbotId: string;
  readonly channel: 'whatsapp' | 'api';
  /** The conversation's contact (already matched or made by phone). */
  readonly contactId: string | null;
  /** The session's (and conversation's) id, chosen by the caller so that a retried start is refused, not doubled. */
  readonly sessionId: string;
  /** The contact's message that opened the conversation: stored before the bot's first messages. */
  readonly first?: { readonly reply: ReplyPayload; readonly clientMessageId: string };
  readonly variables?: Record<string, unknown>;
}

/** Extras of a session start beyond the web chat's. */
interface BeginExtras {
  readonly sessionId?: string;
  readonly channel?: 'web' | 'whatsapp' | 'api';
  readonly contactId?: string | null;
  readonly first?: { readonly reply: ReplyPayload; readonly clientMessageId: string };
}

/**
 * Chat sessions: start, continue, resume. The turns of a session run one after the other in the
 * order they arrive (`SessionTurnQueue`, per process). A turn reads the session row (with the
 * answer to its clientMessageId, if it was already applied) once, runs the engine and its effects
 * without holding a lock or a connection, and saves with one conditional UPDATE (`turn` as the
 * version): a turn of another process that saved first makes it re-read and run again on the new
 * state, and a retried clientMessageId is answered from the saved turn (unique per session).
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger(SessionsService.name);
  /** Messages being applied by this process, by session and clientMessageId. */
  private readonly inFlight = new Map<string, Promise<RepliedTurn>>();
  /**
   * Session rows between turns (`SessionCache`): a turn of a cached session does not read it. The
   * save is conditional on the cached `turn`, so a stale entry (another process saved since) only
   * loses that UPDATE and reads the row again; before a call to the outside world the row is
   * checked first. Only sessions the bot owns are served from it.
   */
  private readonly cache: SessionCache<CachedSession>;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly chatbots: PublishedChatbots,
    private readonly flows: FlowCache,
    private readonly runner: TurnRunner,
    private readonly turns: SessionTurnQueue,
    @InjectTypedQueue('executions') private readonly queue: TypedQueue<'executions'>,
    private readonly access: VisitorAccess,
    @InjectConfig() private readonly config: AppConfig,
    private readonly store: ConversationStore,
    private readonly committed: CommittedEvents,
    private readonly contacts: ContactsService,
    private readonly quotas: Quotas,
  ) {
    this.cache = new SessionCache<CachedSession>({
      maxEntries: config.executions.sessionCacheMaxEntries,
      ttlMs: SESSION_CACHE_TTL_MS,
    });
  }

  /** A visitor starts a conversation with a published bot (not of a suspended organization). */
  async start(publicId: string, options: StartOptions): Promise<ChatTurn & { sessionId: string }> {
    const bot = await this.chatbots.findByPublicIdCapability(publicId);
    if (!bot || bot.status !== 'published' || !bot.publishedVersion) throw new BotNotAvailable(publicId);
    if (!originAllowed(bot.settings.allowedOrigins, options.origin)) throw new OriginNotAllowed(options.origin!);
    const version = await this.flows.get(bot.organizationId, bot.id, bot.publishedVersion);
    if (!version) throw new BotNotAvailable(publicId);
    // Over the plan's sessions: the organization's unavailable message, and no session is stored.
    const refused = await quotaRefusalText(this.quotas, bot.organizationId, 'sessions');
    if (refused !== undefined) return unavailableTurn(newId(), refused);
    const started = await this.begin(
      {
        organizationId: bot.organizationId,
        chatbotId: bot.id,
        versionId: version.versionId,
        versionNumber: version.versionNumber,
        preview: false,
        previewFlow: null,
        runEffects: true,
        origin: options.origin?.slice(0, 512) ?? null,
      },
      version,
      version.settings.sessionExpirySeconds,
      options.variables,
    );
    this.access.remember(started.sessionId, { organizationId: bot.organizationId, chatbotId: bot.id, preview: false });
    return started;
  }

  /**
   * A channel integration (WhatsApp) starts a session of the organization's published bot for a
   * contact: the conversation gets the channel and the contact; the contact's first message is
   * stored before the bot's answer. No origin or visitor checks: the caller verified the sender.
   */
  async startForChannel(start: ChannelStart): Promise<ChatTurn & { sessionId: string }> {
    const bot = await this.chatbots.find(start.organizationId, start.chatbotId);
    if (!bot || bot.status !== 'published' || !bot.publishedVersion) throw new BotNotAvailable(start.chatbotId);
    const version = await this.flows.get(start.organizationId, bot.id, bot.publishedVersion);
    if (!version) throw new BotNotAvailable(start.chatbotId);
    // Over the plan's sessions: `QuotaExceeded` (the channel decides what its user gets).
    await this.quotas.assertAvailable(start.organizationId, 'sessions');
    return this.begin(
      {
        organizationId: start.organizationId,
        chatbotId: bot.id,
        versionId: version.versionId,
        versionNumber: version.versionNumber,
        preview: false,
        previewFlow: null,
        runEffects: true,
        origin: null,
      },
      version,
      version.settings.sessionExpirySeconds,
      start.variables,
      {
        sessionId: start.sessionId,
        channel: start.channel,
        contactId: start.contactId,
        ...(start.first ? { first: start.first } : {}),
      },
    );
  }

  /** An editor tries the draft: the flow is frozen into the session as it is now. */
  async startPreview(
    tenant: TenantContext,
    chatbotId: string,
    variables: Record<string, unknown> | undefined,
    runEffects: boolean,
  ) {
    const bot = await this.chatbots.find(tenant.organizationId, chatbotId);
    if (!bot) throw new ChatbotNotFound(chatbotId);
    const flow = flowDocumentSchema.parse(bot.draftFlow);
    return this.begin(
      {
        organizationId: tenant.organizationId,
        chatbotId,
        versionId: null,
        versionNumber: null,
        preview: true,
        previewFlow: flow,
        runEffects,
        origin: null,
      },
      { flow, ...describeFlow(flow) },
      PREVIEW_TTL_SECONDS,
      variables,
    );
  }

  private async begin(
    row: Partial<ChatSessionEntity> & { organizationId: OrganizationId; chatbotId: string; runEffects: boolean },
    flow: SessionFlow,
    ttlSeconds: number,
    variables: Record<string, unknown> | undefined,
    extras: BeginExtras = {},
  ): Promise<ChatTurn & { sessionId: string }> {
    const sessionId = extras.sessionId ?? newId();
    const startContactId = extras.contactId ?? null;
    const contact = await this.contactValues(row.organizationId, startContactId);
    const outcome = await this.runner.run(
      {
        organizationId: row.organizationId,
        chatbotId: row.chatbotId,
        sessionId,
        flow: flow.flow,
        runEffects: row.runEffects,
        preview: row.preview ?? false,
        contactId: startContactId,
        ...(contact ? { contact } : {}),
      },
      undefined,
      { type: 'start', ...(variables ? { variables } : {}) },
    );
    const view = this.view(sessionId, outcome, flow);
    const now = new Date();
    const result = resultOf(outcome.state, flow.savedVariables);
    const events = sessionEvents({ ...row, id: sessionId, preview: row.preview ?? false }, outcome, {
      started: { versionNumber: row.versionNumber ?? null, origin: row.origin ?? null },
      ...(extras.channel ? { channel: extras.channel } : {}),
      ...(extras.contactId ? { contactId: extras.contactId } : {}),
      turn: 1,
      status: view.status,
      previousResult: undefined,
      result,
      ...(outcome.handoff
        ? { contact: visitorContactOf(flow.flow.variables, outcome.state.variables, result.variables) }
        : {}),
    });
    const messages = [
      ...(extras.first ? [visitorMessage(extras.first.reply, extras.first.clientMessageId, view)] : []),
      ...botMessages(view.messages),
    ];
    await this.sessions.insert(
      row.organizationId,
      {
        ...row,
        id: sessionId,
        contactId: startContactId ?? outcome.linkedContactId ?? null,
        status: view.status,
        state: outcome.state,
        awaiting: outcome.awaiting,
        turn: 1,
        result,
        completed: view.status !== 'active',
        lastActivityAt: now,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      },
      {
        messages,
        log: outcome.log,
        events,
        transition: conversationTransition(undefined, view.status),
        department: outcome.handoff?.departmentId ?? null,
        preview: row.preview ?? false,
        at: now,
        channel: extras.channel ?? 'web',
        contactId: startContactId ?? outcome.linkedContactId ?? null,
      },
    );
    this.announce(row.organizationId, sessionId, 0, messages, events, now, row.preview ?? false);
    // Unanswered sessions are pruned after SESSION_UNANSWERED_RETENTION_HOURS: an idle job due
    // later would only outlive its session in Redis (an answer schedules the next turn's).
    const idleSeconds = outcome.awaiting?.idleTimeoutSeconds ?? 0;
    if (idleSeconds <= this.config.executions.unansweredRetentionHours * 3600) {
      await this.scheduleIdle(row.organizationId, sessionId, 1, outcome);
    }
    return view;
  }

  /**
   * The visitor answers (or sends a command). Idempotent per clientMessageId for the whole session;
   * concurrent turns are applied one after the other, in arrival order.
   */
  async reply(sessionId: string, clientMessageId: string, reply: ReplyPayload, command?: string): Promise<ChatTurn> {
    return (await this.replyWithMessage(sessionId, clientMessageId, reply, command)).turn;
  }

  /**
   * `reply`, with the visitor's message as stored (for sockets' acknowledgements). While a human
   * owns the conversation (the bot handed it over), the message is stored for the agent and the bot
   * does not run: the answer has no bot messages and no awaited input.
   */
  async replyWithMessage(
    sessionId: string,
    clientMessageId: string,
    reply: ReplyPayload,
    command?: string,
  ): Promise<RepliedTurn> {
    if (command === undefined && reply.text === undefined && reply.value === undefined && !reply.fileUrls?.length) {
      throw new InvalidReply('send text, value, fileUrls or command');
    }
    const input: EngineInput = command === undefined ? { type: 'reply', ...reply } : { type: 'command', command };
    const payload = command === undefined ? reply : { command };
    // A retry of a message this process is still applying waits for that answer (no second place in line).
    const key = `${sessionId} ${clientMessageId}`;
    const inFlight = this.inFlight.get(key);
    if (inFlight) return inFlight;
    const turn = this.turns.run(sessionId, async () => {
      const deadline = Date.now() + SAVE_BUDGET_MS;
      for (let attempt = 1; ; attempt++) {
        const cached = attempt === 1 ? this.cachedForTurn(sessionId) : undefined;
        const known = cached?.recent.find((r) => r.clientMessageId === clientMessageId);
        if (known) return known.replied;
        let session: ChatSessionEntity;
        if (cached) {
          session = cached.session;
        } else {
          const found = await this.liveForTurn(sessionId, clientMessageId);
          if (found.earlier !== undefined) {
            return { turn: found.earlier.response as ChatTurn, message: found.earlier.message };
          }
          session = found.session;
        }
        if (session.status === 'handoff') return this.toHuman(session, clientMessageId, payload);
        if (session.status !== 'active') throw new SessionEnded(session.status);
        // Over the plan's messages: the unavailable message; the session stays where it was.
        const refused = await quotaRefusalText(this.quotas, session.organizationId, 'messages');
        if (refused !== undefined) return { turn: unavailableTurn(sessionId, refused), message: null };
        const saved = await this.advance(session, input, {
          reply: payload,
          clientMessageId,
          // A cached row is checked before the turn calls the outside world.
          ...(cached ? { check: () => this.checkCurrent(session, clientMessageId) } : {}),
        }).catch((error: unknown) => {
          if (error instanceof StaleSession) return undefined;
          throw error;
        });
        if (saved) return saved;
        this.cache.invalidate(sessionId);
        if (cached) continue; // the cache was stale: read the row (no pause, not a lost race)
        if (!(await this.pauseBeforeRetry(attempt, deadline))) throw new SessionBusy();
      }
    });
    this.inFlight.set(key, turn);
    return turn.finally(() => this.inFlight.delete(key));
  }

  /** The cached row of a live session the bot owns, if this process has it. */
  private cachedForTurn(sessionId: string): CachedSession | undefined {
    const entry = this.cache.get(sessionId)?.row;
    if (!entry || entry.session.status !== 'active' || entry.session.expiresAt <= new Date()) return undefined;
    return entry;
  }

  /** Throws `StaleSession` when the session moved on since it was cached, or this message was applied. */
  private async checkCurrent(session: ChatSessionEntity, clientMessageId: string): Promise<void> {
    const found = await this.sessions.findForTurnBySessionToken(session.id, clientMessageId);
    if (!found || found.earlier !== undefined || found.session.turn !== session.turn) throw new StaleSession();
  }

  /** A visitor's message while a human owns the conversation: stored for the agent, the bot stays quiet. */
  private async toHuman(
    session: ChatSessionEntity,
    clientMessageId: string,
    payload: ReplyPayload | { command: string },
  ): Promise<RepliedTurn> {
    const flow = await this.flowOf(session);
    const turn: ChatTurn = {
      sessionId: session.id,
      status: 'handoff',
      messages: [],
      input: null,
      actions: [],
      progress: progressOf(session.state, flow.inputCount, session.completed),
    };
    const appended = await this.store.append(
      session.organizationId,
      session.id,
      [visitorMessage(payload, clientMessageId, turn)],
      'visitor',
    );
    const [message] = appended.messages;
    if (!session.preview) {
      await this.sessions.extendExpiry(session.organizationId, session.id, new Date(Date.now() + ttlMsOf(flow)));
    }
    return { turn: appended.duplicate ? (appended.response as ChatTurn) : turn, message: message ?? null };
  }

  /**
   * An agent hands a handed-off conversation back to the bot: the engine resumes at `groupId` or
   * after the handoff block, and the conversation is `pending` again (an activity line says so).
   * Runs in the session's line like the visitor's turns.
   */
  async handBack(
    organizationId: OrganizationId,
    sessionId: string,
    options: { groupId?: string; byUserId: string; byName: string; previousAssigneeId?: string | null },
  ): Promise<ChatTurn> {
    return this.turns.run(sessionId, async () => {
      const deadline = Date.now() + SAVE_BUDGET_MS;
      for (let attempt = 1; ; attempt++) {
        const session = await this.sessions.find(organizationId, sessionId);
        if (!session || session.status !== 'handoff' || session.expiresAt <= new Date()) throw new NotHandedOff();
        const activity: NewMessage = {
          id: newId(),
          sender: { type: 'system' },
          kind: 'activity',
          content: { type: 'handed_back', byUserId: options.byUserId, groupId: options.groupId ?? null },
          text: `${options.byName} handed the conversation back to the bot`,
        };
        const input: EngineInput = { type: 'resume', ...(options.groupId ? { groupId: options.groupId } : {}) };
        const saved = await this.advance(session, input, {
          activity,
          handedBackBy: options.byUserId,
          previousAssigneeId: options.previousAssigneeId ?? null,
        });
        if (saved) return saved.turn;
        if (!(await this.pauseBeforeRetry(attempt, deadline))) throw new SessionBusy();
      }
    });
  }

  /**
   * What the visitor missed in their conversation after message `afterId` (every visible message
   * without it), oldest first: agents' messages included, private notes never.
   */
  async visitorHistory(sessionId: string, afterId: string | undefined, limit: number): Promise<MessageView[]> {
    const session = await this.live(sessionId);
    return this.store.history(
      session.organizationId,
      session.id,
      afterId === undefined ? {} : { afterId },
      limit,
      false,
    );
  }

  /** What the session waits for and the transcript so far. */
  async resume(sessionId: string) {
    const session = await this.live(sessionId);
    const flow = await this.flowOf(session);
    return {
      sessionId: session.id,
      status: session.status,
      input: session.awaiting,
      transcript: (await this.store.history(session.organizationId, session.id, {}, null, false)).map(
        transcriptEntryOf,
      ),
      progress: progressOf(session.state, flow.inputCount, session.completed),
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  /**
   * Runs the flow's `idle` event if the visitor still has not answered turn `turn`. The session is
   * loaded in the organization of the job that scheduled it.
   */
  async idle(organizationId: OrganizationId, sessionId: string, turn: number): Promise<'ran' | 'stale'> {
    try {
      return await this.turns.run(sessionId, async () => {
        // A conflict means the session moved on: the next read sees another turn and ends as stale.
        for (;;) {
          const session = await this.sessions.find(organizationId, sessionId);
          if (!session || session.turn !== turn || session.status !== 'active' || !session.awaiting) return 'stale';
          if (session.expiresAt <= new Date()) return 'stale';
          if (await this.advance(session, { type: 'idle' }, {})) return 'ran';
        }
      });
    } catch (error) {
      // A full queue means the visitor is sending messages: they answer the turn the event was for.
      if (error instanceof SessionQueueFull) return 'stale';
      throw error;
    }
  }

  /**
   * Runs one turn on a loaded session and saves it; undefined when another turn saved first. `by`
   * says who sent it: the visitor (their payload and clientMessageId), an agent handing back (an
   * activity line first), nobody (idle events).
   */
  private async advance(
    session: ChatSessionEntity,
    input: EngineInput,
    by: {
      reply?: ReplyPayload | { command: string };
      clientMessageId?: string;
      activity?: NewMessage;
      handedBackBy?: string;
      previousAssigneeId?: string | null;
      /** See `TurnContext.beforeOutsideEffects`. */
      check?: () => Promise<void>;
    },
  ): Promise<RepliedTurn | undefined> {
    const flow = await this.flowOf(session);
    const contact = await this.contactValues(session.organizationId, session.contactId);
    const outcome = await this.runner.run(
      {
        organizationId: session.organizationId,
        chatbotId: session.chatbotId,
        sessionId: session.id,
        flow: flow.flow,
        runEffects: session.runEffects,
        preview: session.preview,
        contactId: session.contactId,
        ...(contact ? { contact } : {}),
        ...(by.check ? { beforeOutsideEffects: by.check } : {}),
      },
      session.state,
      input,
    );
    if (outcome.error && outcome.error.code !== 'engine.loop_limit') {
      if (outcome.error.code === 'engine.session_ended') throw new SessionEnded(session.status);
      if (outcome.error.code === 'engine.unexpected_input') throw new SessionBusy(outcome.error.message);
      if (outcome.error.code === 'engine.no_idle_event')
        return { turn: this.view(session.id, outcome, flow), message: null };
      if (outcome.error.code === 'engine.unknown_command') throw new InvalidReply(outcome.error.message, 'command');
      if (outcome.error.code === 'engine.not_handed_off') throw new NotHandedOff();
      if (outcome.error.code === 'engine.unknown_group') throw new InvalidReply(outcome.error.message, 'groupId');
      if (outcome.error.code === 'engine.handoff_position_unknown') throw new HandBackPositionUnknown();
      throw new InvalidReply(outcome.error.message);
    }
    const view = this.view(session.id, outcome, flow);
    const now = new Date();
    const result = resultOf(outcome.state, flow.savedVariables);
    const events = sessionEvents(session, outcome, {
      turn: session.turn + 1,
      status: view.status,
      previousResult: session.result,
      result,
      previousStatus: session.status,
      ...(by.handedBackBy ? { handedBackBy: by.handedBackBy } : {}),
      ...(by.previousAssigneeId ? { previousAssigneeId: by.previousAssigneeId } : {}),
      ...(outcome.handoff
        ? { contact: visitorContactOf(flow.flow.variables, outcome.state.variables, result.variables) }
        : {}),
    });
    const visitor = by.reply === undefined ? undefined : visitorMessage(by.reply, by.clientMessageId, view);
    const messages: NewMessage[] = [
      ...(visitor ? [visitor] : []),
      ...(by.activity ? [by.activity] : []),
      ...botMessages(view.messages),
    ];
    const write = {
      state: outcome.state,
      awaiting: outcome.awaiting,
      status: view.status,
      completed: view.status !== 'active',
      messages,
      log: outcome.log,
      result,
      expiresAt: session.preview ? session.expiresAt : new Date(now.getTime() + ttlMsOf(flow)),
      transition: conversationTransition(session.status, view.status),
      department: outcome.handoff?.departmentId ?? null,
      events,
      preview: session.preview,
      at: now,
    };
    const saved = await this.sessions.saveTurn(session.organizationId, session.id, session.turn, write);
    if (!saved) return undefined;
    const views = this.announce(
      session.organizationId,
      session.id,
      saved.baseSeq,
      messages,
      events,
      now,
      session.preview,
    );
    const replied: RepliedTurn = { turn: view, message: visitor ? (views[0] ?? null) : null };
    this.remember(session, saved.turn, write, by.clientMessageId, replied, outcome.linkedContactId);
    await this.scheduleIdle(session.organizationId, session.id, session.turn + 1, outcome);
    return replied;
  }

  /** Caches the session as saved (a new object: cached rows are never mutated), with this answer. */
  private remember(
    session: ChatSessionEntity,
    turn: number,
    write: Pick<TurnWrite, 'state' | 'awaiting' | 'status' | 'completed' | 'result' | 'expiresAt'>,
    clientMessageId: string | undefined,
    replied: RepliedTurn,
    linkedContactId?: string,
  ): void {
    if (!this.cache.enabled) return;
    const earlier = this.cache.get(session.id)?.row.recent ?? [];
    const recent = clientMessageId ? [{ clientMessageId, replied }, ...earlier].slice(0, RECENT_REPLIES) : earlier;
    const saved = Object.assign(Object.create(Object.getPrototypeOf(session) as object) as ChatSessionEntity, session, {
      state: write.state,
      awaiting: write.awaiting,
      status: write.status,
      completed: write.completed,
      result: write.result,
      expiresAt: write.expiresAt,
      turn,
      contactId: linkedContactId ?? session.contactId,
    });
    this.cache.set(session.id, { turn, session: saved, recent });
  }

  /**
   * After commit: the turn's events, with one `message.created` per stored message (numbered from
   * `baseSeq + 1`), for this process's sockets. The views of the messages.
   */
  private announce(
    organizationId: OrganizationId,
    conversationId: string,
    baseSeq: number,
    messages: readonly NewMessage[],
    events: readonly AnyDomainEvent[],
    at: Date,
    preview: boolean,
  ): MessageView[] {
    const views = messages.map((m, i) => viewOf(conversationId, baseSeq + i + 1, m, at));
    if (!preview) this.committed.emit([...views.map((v) => messageCreated(organizationId, v, at)), ...events]);
    return views;
  }

  /**
   * The contact's values for `{{contact.*}}`: one read per turn, only for a session that has a
   * contact (a turn without one reads nothing). A contact erased meanwhile reads as none.
   */
  private async contactValues(
    organizationId: OrganizationId,
    contactId: string | null | undefined,
  ): Promise<ContactValues | undefined> {
    if (!contactId) return undefined;
    return contactValuesOf(await this.contacts.fieldsOf(organizationId, contactId));
  }

  /** The session if it exists and has not expired. */
  private async live(sessionId: string): Promise<ChatSessionEntity> {
    const session = await this.sessions.findBySessionToken(sessionId);
    if (!session) throw new SessionNotFound();
    if (session.expiresAt <= new Date()) throw new SessionExpired();
    return session;
  }

  /** `live()` plus the answer already given to `clientMessageId`, in one read. */
  private async liveForTurn(sessionId: string, clientMessageId: string) {
    const found = await this.sessions.findForTurnBySessionToken(sessionId, clientMessageId);
    if (!found) throw new SessionNotFound();
    if (found.session.expiresAt <= new Date()) throw new SessionExpired();
    return found;
  }

  /**
   * Waits before attempt `attempt + 1` after a conflict: not at all the first time, then a random
   * pause (full jitter) growing with the attempts. False when the attempts or the time are spent.
   */
  private async pauseBeforeRetry(attempt: number, deadline: number): Promise<boolean> {
    if (attempt >= SAVE_ATTEMPTS) return false;
    const pause = attempt === 1 ? 0 : Math.random() * Math.min(RETRY_PAUSE_MS.max, RETRY_PAUSE_MS.base * 2 ** attempt);
    if (Date.now() + pause >= deadline) return false;
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    return true;
  }

  private async flowOf(session: ChatSessionEntity): Promise<SessionFlow> {
    if (session.preview) {
      const flow = flowDocumentSchema.parse(session.previewFlow);
      return { flow, ...describeFlow(flow) };
    }
    const cached = await this.flows.get(session.organizationId, session.chatbotId, session.versionNumber ?? 0);
    if (!cached) throw new SessionExpired();
    return cached;
  }

  private view(sessionId: string, outcome: TurnOutcome, flow: SessionFlow): ChatTurn {
    const status = sessionStatusOf(outcome);
    return {
      sessionId,
      status,
      messages: withIds(outcome.messages),
      input: status === 'active' ? outcome.awaiting : null,
      actions: outcome.actions,
      progress: progressOf(outcome.state, flow.inputCount, status === 'completed'),
    };
  }

  private async scheduleIdle(
    organizationId: OrganizationId,
    sessionId: string,
    turn: number,
    outcome: TurnOutcome,
  ): Promise<void> {
    const seconds = outcome.awaiting?.idleTimeoutSeconds;
    if (!seconds || sessionStatusOf(outcome) !== 'active') return;
    // The turn is saved: answer the visitor even if the follow-up cannot be scheduled (Redis
    // down or slow, bounded by QUEUE_ENQUEUE_TIMEOUT_MS). Its idle event then does not fire.
    await this.queue
      .add(
        'idle',
        { organizationId, sessionId, turn },
        { delay: seconds * 1000, jobId: `idle-${sessionId}-${turn}`, attempts: 3 },
      )
      .catch((error: unknown) => {
        const log = isRedisUnavailable(error) ? 'warn' : 'error';
        this.logger[log](`Idle event of session ${sessionId} (turn ${turn}) not scheduled: ${String(error)}`);
      });
  }
}
