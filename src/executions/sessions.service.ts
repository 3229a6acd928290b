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
import {
  type ChatTurn,
  progressOf,
  resultOf,
  type SessionFlow,
  sessionStatusOf,
  transcriptOf,
  withIds,
} from './chat-view';
import type { EngineInput, LogStep, ReplyPayload } from './engine/engine-types';
import type { ChatSessionEntity, TranscriptEntry } from './entities/chat-session.entity';
import {
  BotNotAvailable,
  InvalidReply,
  OriginNotAllowed,
  SessionBusy,
  SessionEnded,
  SessionExpired,
  SessionNotFound,
  SessionQueueFull,
} from './executions.exception';
import { describeFlow, FlowCache } from './flow-cache';
import { sessionEvents } from './session-events';
import { SessionTurnQueue } from './session-turn-queue';
import { SessionsRepository } from './sessions.repository';
import type { TurnOutcome } from './turn-runner';
import { TurnRunner } from './turn-runner';
import { originAllowed, VisitorAccess } from './visitor-access';

/**
 * When a turn of the same session saved first (from another process: this one queues them), the
 * turn is run again on the new state: at most this many times, within this time, after a short
 * random pause that grows with the attempts (the first retry is immediate), then 409 session.busy.
 */
const SAVE_ATTEMPTS = 16;
const SAVE_BUDGET_MS = 10_000;
const RETRY_PAUSE_MS = { base: 10, max: 250 };
const PREVIEW_TTL_SECONDS = 24 * 3600;

export interface StartOptions {
  variables?: Record<string, unknown>;
  origin?: string;
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
  private readonly inFlight = new Map<string, Promise<ChatTurn>>();

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly chatbots: PublishedChatbots,
    private readonly flows: FlowCache,
    private readonly runner: TurnRunner,
    private readonly turns: SessionTurnQueue,
    @InjectTypedQueue('executions') private readonly queue: TypedQueue<'executions'>,
    private readonly access: VisitorAccess,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** A visitor starts a conversation with a published bot (not of a suspended organization). */
  async start(publicId: string, options: StartOptions): Promise<ChatTurn & { sessionId: string }> {
    const bot = await this.chatbots.findByPublicIdCapability(publicId);
    if (!bot || bot.status !== 'published' || !bot.publishedVersion) throw new BotNotAvailable(publicId);
    if (!originAllowed(bot.settings.allowedOrigins, options.origin)) throw new OriginNotAllowed(options.origin!);
    const version = await this.flows.get(bot.organizationId, bot.id, bot.publishedVersion);
    if (!version) throw new BotNotAvailable(publicId);
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
  ): Promise<ChatTurn & { sessionId: string }> {
    const sessionId = newId();
    const outcome = await this.runner.run(
      {
        organizationId: row.organizationId,
        chatbotId: row.chatbotId,
        sessionId,
        flow: flow.flow,
        runEffects: row.runEffects,
      },
      undefined,
      { type: 'start', ...(variables ? { variables } : {}) },
    );
    const view = this.view(sessionId, 0, outcome, flow);
    const now = new Date();
    const result = resultOf(outcome.state, flow.savedVariables);
    const events = sessionEvents({ ...row, id: sessionId, preview: row.preview ?? false }, outcome, {
      started: { versionNumber: row.versionNumber ?? null, origin: row.origin ?? null },
      turn: 1,
      status: view.status,
      previousResult: undefined,
      result,
    });
    await this.sessions.insert(
      row.organizationId,
      {
        ...row,
        id: sessionId,
        status: view.status,
        state: outcome.state,
        awaiting: outcome.awaiting,
        turn: 1,
        result,
        completed: view.status !== 'active',
        lastActivityAt: now,
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      },
      { transcript: transcriptOf(undefined, view.messages, now.toISOString()), log: outcome.log, events },
    );
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
        const { session, earlierResponse } = await this.liveForTurn(sessionId, clientMessageId);
        if (earlierResponse !== undefined) return earlierResponse as ChatTurn;
        if (session.status !== 'active') throw new SessionEnded(session.status);
        const saved = await this.advance(session, input, payload, clientMessageId);
        if (saved) return saved;
        if (!(await this.pauseBeforeRetry(attempt, deadline))) throw new SessionBusy();
      }
    });
    this.inFlight.set(key, turn);
    return turn.finally(() => this.inFlight.delete(key));
  }

  /**
   * An agent hands a handed-off conversation back to the bot: the engine resumes at `groupId` or
   * after the handoff block, and the conversation is `pending` again (an activity line says so).
   */
  // eslint-disable-next-line @typescript-eslint/require-await
  async handBack(
    organizationId: OrganizationId,
    sessionId: string,
    options: { groupId?: string; byUserId: string; byName: string },
  ): Promise<ChatTurn> {
    void organizationId;
    void sessionId;
    void options;
    throw new Error('handBack: being written (message store)');
  }

  /** What the session waits for and the transcript so far. */
  async resume(sessionId: string) {
    const session = await this.live(sessionId);
    const flow = await this.flowOf(session);
    return {
      sessionId: session.id,
      status: session.status,
      input: session.awaiting,
      transcript: await this.sessions.transcript(session.organizationId, session.id),
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
          if (await this.advance(session, { type: 'idle' }, undefined, undefined)) return 'ran';
        }
      });
    } catch (error) {
      // A full queue means the visitor is sending messages: they answer the turn the event was for.
      if (error instanceof SessionQueueFull) return 'stale';
      throw error;
    }
  }

  /** Runs one turn on a loaded session and saves it; undefined when another turn saved first. */
  private async advance(
    session: ChatSessionEntity,
    input: EngineInput,
    reply: ReplyPayload | { command: string } | undefined,
    clientMessageId: string | undefined,
  ): Promise<ChatTurn | undefined> {
    const flow = await this.flowOf(session);
    const outcome = await this.runner.run(
      {
        organizationId: session.organizationId,
        chatbotId: session.chatbotId,
        sessionId: session.id,
        flow: flow.flow,
        runEffects: session.runEffects,
      },
      session.state,
      input,
    );
    if (outcome.error && outcome.error.code !== 'engine.loop_limit') {
      if (outcome.error.code === 'engine.session_ended') throw new SessionEnded(session.status);
      if (outcome.error.code === 'engine.unexpected_input') throw new SessionBusy(outcome.error.message);
      if (outcome.error.code === 'engine.no_idle_event') return this.view(session.id, session.turn, outcome, flow);
      if (outcome.error.code === 'engine.unknown_command') throw new InvalidReply(outcome.error.message, 'command');
      throw new InvalidReply(outcome.error.message);
    }
    const view = this.view(session.id, session.turn, outcome, flow);
    const now = new Date();
    const ttl = (flow.settings ?? defaultChatbotSettings).sessionExpirySeconds * 1000;
    const transcript: TranscriptEntry[] = transcriptOf(reply, view.messages, now.toISOString());
    const log: LogStep[] = outcome.log;
    const result = resultOf(outcome.state, flow.savedVariables);
    const events = sessionEvents(session, outcome, {
      turn: session.turn + 1,
      status: view.status,
      previousResult: session.result,
      result,
    });
    const saved = await this.sessions.saveTurn(session.organizationId, session.id, session.turn, {
      state: outcome.state,
      awaiting: outcome.awaiting,
      status: view.status,
      completed: view.status !== 'active',
      transcript,
      log,
      result,
      expiresAt: session.preview ? session.expiresAt : new Date(now.getTime() + ttl),
      clientMessageId: clientMessageId ?? null,
      response: clientMessageId === undefined ? undefined : view,
      events,
    });
    if (!saved) return undefined;
    await this.scheduleIdle(session.organizationId, session.id, session.turn + 1, outcome);
    return view;
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

  private view(sessionId: string, turn: number, outcome: TurnOutcome, flow: SessionFlow): ChatTurn {
    const status = sessionStatusOf(outcome);
    return {
      sessionId,
      status,
      messages: withIds(outcome.messages, turn),
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
