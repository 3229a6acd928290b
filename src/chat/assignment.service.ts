import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CommittedEvents } from '@/events/committed-events';
import { domainEvent } from '@/events/outbox.sql';
import { InjectRedis } from '@/redis/redis.module';
import { pickAgent } from './assignment';
import { AssignmentRepository, type ChatSettings } from './assignment.repository';
import { type ChatActor, userOf } from './chat-actor';
import { AgentNotFound, ChatActionForbidden } from './chat.exception';
import { ConversationChanges } from './conversation-changes';
import type { AgentDto, ChatSettingsDto, PresenceStateDto } from './dto/chat.dto';
import { PRESENCE_TTL_SECONDS, PresenceService, type PresenceStatus } from './presence.service';
import { roleAtLeast } from '@/access/roles';

/** How many waiting conversations one trigger (an agent online, a seat freed) tries at most. */
const WAITING_BATCH = 50;

/**
 * Automatic assignment of handed-over conversations, assignment settings, capacities and presence.
 *
 * A conversation goes to an `online` agent (presence in Redis) who belongs to its department (any
 * agent or admin of the organization when it has none) and has fewer open assigned conversations
 * than their capacity, chosen by the organization's strategy. The choice runs under a transaction
 * advisory lock per organization, so concurrent handoffs never overfill an agent; the round-robin
 * cursor (the last agent assigned, per department) is kept in Redis and only read and written under
 * that lock. Nobody free: the conversation waits (open, unassigned, `waiting_since`) and is taken,
 * oldest first, when an agent comes online or frees a seat.
 */
@Injectable()
export class AssignmentService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AssignmentService.name);
  private readonly unsubscribe: (() => void)[] = [];
  /** Background assignment runs (an agent came online, a seat was freed), awaited on shutdown. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: AssignmentRepository,
    private readonly changes: ConversationChanges,
    private readonly presence: PresenceService,
    @InjectRedis() private readonly redis: Redis,
    private readonly committed: CommittedEvents,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.presence.onChange((organizationId, userId, status) => {
        if (status === 'online') this.afterFreed(organizationId, userId);
      }),
      // A resolved or snoozed conversation reopened (the visitor wrote, a snooze ended) with nobody
      // assigned waits like a handoff: give it to a free agent now (no-op when it has an assignee).
      this.committed.on((events) => {
        for (const event of events) {
          if (event.type !== 'conversation.status_changed' || event.organizationId === null) continue;
          const { status, previousStatus, conversationId } = event.data;
          if (status !== 'open' || (previousStatus !== 'resolved' && previousStatus !== 'snoozed')) continue;
          this.track(
            this.assign(asOrganizationId(event.organizationId), conversationId).catch((error: unknown) =>
              this.logger.error(`Assigning a reopened conversation failed: ${String(error)}`),
            ),
          );
        }
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.idle();
  }

  /** Resolves when the background assignment runs started so far are done. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  // ---------------------------------------------------------------- automatic assignment

  /**
   * Assigns an open, unassigned conversation to a free online agent by the organization's strategy.
   * Returns the agent's user id, or null when it stays waiting (or is not open and unassigned: a
   * redelivered handoff changes nothing).
   */
  async assign(organizationId: OrganizationId, conversationId: string): Promise<string | null> {
    const online = await this.presence.online(organizationId);
    let chosen: string | null = null;
    await this.changes.change(
      organizationId,
      conversationId,
      async (conversation, _now, em) => {
        if (conversation.status !== 'open' || conversation.assigneeId !== null) return null;
        const settings = await this.repo.settings(organizationId, em);
        const candidates = await this.repo.candidates(em, organizationId, conversation.departmentId, online);
        const cursorKey = this.cursorKey(organizationId, conversation.departmentId);
        const last = await this.redis.get(cursorKey);
        chosen = pickAgent(
          settings.assignmentStrategy,
          candidates.map((c) => ({ userId: c.user_id, open: c.open_count, capacity: c.capacity })),
          last,
        );
        if (chosen === null) return null;
        await this.redis.set(cursorKey, chosen);
        const name = candidates.find((c) => c.user_id === chosen)?.name ?? 'an agent';
        return {
          patch: { assigneeId: chosen },
          activity: { type: 'assigned', text: `Assigned to ${name}`, assigneeId: chosen, byUserId: null },
          events: [
            domainEvent('conversation.assigned', organizationId, {
              conversationId,
              assigneeId: chosen,
              previousAssigneeId: null,
              departmentId: conversation.departmentId,
              byUserId: null,
            }),
          ],
        };
      },
      { before: (em) => this.repo.lockAssignment(em, organizationId) },
    );
    return chosen;
  }

  /**
   * Assigns waiting conversations, oldest first: those `forUserId` could take (all when omitted),
   * but `exclude`. Returns how many were assigned.
   */
  async assignWaiting(
    organizationId: OrganizationId,
    options: { forUserId?: string; exclude?: string } = {},
  ): Promise<number> {
    const waiting = await this.repo.waiting(organizationId, options, WAITING_BATCH);
    let assigned = 0;
    for (const { id } of waiting) {
      if ((await this.assign(organizationId, id)) !== null) assigned++;
    }
    return assigned;
  }

  /** Someone came online or freed a seat: give them waiting conversations (in the background). */
  afterFreed(organizationId: OrganizationId, userId: string | null, exclude?: string): void {
    if (userId === null) return;
    this.track(
      this.assignWaiting(organizationId, { forUserId: userId, ...(exclude ? { exclude } : {}) }).catch(
        (error: unknown) => this.logger.error(`Assigning waiting conversations failed: ${String(error)}`),
      ),
    );
  }

  /** Keeps a background run until it settles (`idle()`, shutdown). */
  private track(run: Promise<unknown>): void {
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private cursorKey(organizationId: OrganizationId, departmentId: string | null): string {
    return `chat:round-robin:${organizationId}:${departmentId ?? 'any'}`;
  }

  // ---------------------------------------------------------------- settings and capacity

  settings(organizationId: OrganizationId): Promise<ChatSettingsDto> {
    return this.repo.settings(organizationId).then((s) => ({ ...s }));
  }

  async updateSettings(organizationId: OrganizationId, actor: ChatActor, settings: ChatSettings) {
    if (!roleAtLeast(actor.role, 'org_admin')) throw new ChatActionForbidden();
    await this.repo.saveSettings(organizationId, settings);
    return this.settings(organizationId);
  }

  async setCapacity(organizationId: OrganizationId, actor: ChatActor, userId: string, capacity: number) {
    if (!roleAtLeast(actor.role, 'org_admin')) throw new ChatActionForbidden();
    if (!(await this.repo.agent(organizationId, userId))) throw new AgentNotFound(userId);
    await this.repo.saveCapacity(organizationId, userId, capacity);
    this.afterFreed(organizationId, userId);
    return this.agent(organizationId, userId);
  }

  /** Agents and admins (who can take chats) with presence, load and capacity. */
  async agents(organizationId: OrganizationId): Promise<AgentDto[]> {
    const rows = await this.repo.agents(organizationId);
    const presence = await this.presence.statuses(
      organizationId,
      rows.map((r) => r.user_id),
    );
    return rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      email: r.email,
      role: r.role,
      presence: presence.get(r.user_id) ?? 'offline',
      openCount: r.open_count,
      capacity: r.capacity,
    }));
  }

  async agent(organizationId: OrganizationId, userId: string): Promise<AgentDto> {
    const row = await this.repo.agent(organizationId, userId);
    if (!row) throw new AgentNotFound(userId);
    return {
      userId: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role,
      presence: await this.presence.statusOf(organizationId, userId),
      openCount: row.open_count,
      capacity: row.capacity,
    };
  }

  // ---------------------------------------------------------------- presence (REST)

  /** Sets the caller's presence (agents and admins); it lasts `PRESENCE_TTL_SECONDS` without a heartbeat. */
  async setPresence(
    organizationId: OrganizationId,
    actor: ChatActor,
    status: PresenceStatus,
  ): Promise<PresenceStateDto> {
    const userId = await this.presenceUser(organizationId, actor);
    await this.presence.set(organizationId, userId, status);
    return { userId, status: await this.presence.statusOf(organizationId, userId), ttlSeconds: PRESENCE_TTL_SECONDS };
  }

  async heartbeat(organizationId: OrganizationId, actor: ChatActor): Promise<PresenceStateDto> {
    const userId = await this.presenceUser(organizationId, actor);
    await this.presence.heartbeat(organizationId, userId);
    return { userId, status: await this.presence.statusOf(organizationId, userId), ttlSeconds: PRESENCE_TTL_SECONDS };
  }

  private async presenceUser(organizationId: OrganizationId, actor: ChatActor): Promise<string> {
    const userId = userOf(actor);
    if (!roleAtLeast(actor.role, 'agent')) throw new ChatActionForbidden();
    // A super admin acting in an organization they are not a member of has no seat there.
    if (!(await this.repo.agent(organizationId, userId))) throw new AgentNotFound(userId);
    return userId;
  }
}
