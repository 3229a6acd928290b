import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AgentCapacityEntity, type AssignmentStrategy, ChatSettingsEntity } from './entities/chat-settings.entity';

export interface ChatSettings {
  readonly assignmentStrategy: AssignmentStrategy;
  readonly defaultCapacity: number;
}

/** Defaults of an organization that never changed its settings (the `chat_settings` column defaults). */
export const DEFAULT_CHAT_SETTINGS: ChatSettings = { assignmentStrategy: 'round_robin', defaultCapacity: 5 };

export interface AgentLoadRow {
  user_id: string;
  name: string;
  email: string;
  role: string;
  capacity: number;
  open_count: number;
}

/**
 * Agents and admins of the organization with their capacity (own, else the organization's default)
 * and their open assigned conversations (`ix_conversations_org_assignee`). `$1` organization.
 */
const AGENT_LOAD = `
  SELECT m.user_id, u.name, u.email, m.role,
         COALESCE(ac.capacity, cs.default_capacity, ${DEFAULT_CHAT_SETTINGS.defaultCapacity}) AS capacity,
         (SELECT count(*)::int FROM conversations c
           WHERE c.organization_id = m.organization_id AND c.assignee_id = m.user_id AND c.status = 'open') AS open_count
    FROM memberships m
    JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
    LEFT JOIN agent_capacities ac ON ac.organization_id = m.organization_id AND ac.user_id = m.user_id
    LEFT JOIN chat_settings cs ON cs.organization_id = m.organization_id
   WHERE m.organization_id = $1 AND m.role IN ('agent', 'org_admin')`;

/** Assignment settings, capacities and the load of agents (chat-internal). */
@Injectable()
export class AssignmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async settings(organizationId: OrganizationId, em: EntityManager = this.dataSource.manager): Promise<ChatSettings> {
    const row = await em.getRepository(ChatSettingsEntity).findOne({ where: { organizationId } });
    return row
      ? { assignmentStrategy: row.assignmentStrategy, defaultCapacity: row.defaultCapacity }
      : DEFAULT_CHAT_SETTINGS;
  }

  async saveSettings(organizationId: OrganizationId, settings: ChatSettings): Promise<void> {
    await this.dataSource.getRepository(ChatSettingsEntity).upsert({ organizationId, ...settings }, ['organizationId']);
  }

  async saveCapacity(organizationId: OrganizationId, userId: string, capacity: number): Promise<void> {
    await this.dataSource
      .getRepository(AgentCapacityEntity)
      .upsert({ organizationId, userId, capacity }, ['organizationId', 'userId']);
  }

  /** Every agent and admin of the organization, by name. */
  agents(organizationId: OrganizationId): Promise<AgentLoadRow[]> {
    return this.dataSource.query<AgentLoadRow[]>(`${AGENT_LOAD} ORDER BY u.name, m.user_id`, [organizationId]);
  }

  agent(organizationId: OrganizationId, userId: string): Promise<AgentLoadRow | undefined> {
    return this.dataSource
      .query<AgentLoadRow[]>(`${AGENT_LOAD} AND m.user_id = $2`, [organizationId, userId])
      .then((rows) => rows[0]);
  }

  /** Of `userIds`, those who may take a conversation of `departmentId` (any agent when null), with their load. */
  candidates(
    em: EntityManager,
    organizationId: OrganizationId,
    departmentId: string | null,
    userIds: readonly string[],
  ): Promise<AgentLoadRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return em.query<AgentLoadRow[]>(
      `${AGENT_LOAD} AND m.user_id = ANY($2::uuid[])
         AND ($3::uuid IS NULL OR EXISTS (
               SELECT 1 FROM department_members dm
                WHERE dm.organization_id = m.organization_id AND dm.department_id = $3::uuid AND dm.user_id = m.user_id))`,
      [organizationId, userIds, departmentId],
    );
  }

  /**
   * Serializes the choice of agents in an organization until the transaction ends: two handoffs at
   * once cannot both see the same free seat. Taken before any conversation row lock.
   */
  async lockAssignment(em: EntityManager, organizationId: OrganizationId): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext('chat-assignment:' || $1::text))`, [organizationId]);
  }

  /** Open unassigned conversations, oldest waiting first, that `forUserId` could take (any when omitted). */
  waiting(
    organizationId: OrganizationId,
    options: { forUserId?: string; exclude?: string },
    limit: number,
  ): Promise<{ id: string }[]> {
    return this.dataSource.query(
      `SELECT c.id FROM conversations c
        WHERE c.organization_id = $1 AND c.status = 'open' AND c.assignee_id IS NULL AND c.preview = false
          AND ($3::uuid IS NULL OR c.id <> $3::uuid)
          AND ($2::uuid IS NULL OR c.department_id IS NULL OR EXISTS (
                SELECT 1 FROM department_members dm
                 WHERE dm.organization_id = c.organization_id AND dm.department_id = c.department_id AND dm.user_id = $2::uuid))
        ORDER BY c.waiting_since ASC NULLS LAST, c.created_at, c.id
        LIMIT $4`,
      [organizationId, options.forUserId ?? null, options.exclude ?? null, limit],
    );
  }
}
