import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ConversationStatus } from '../entities/conversation.entity';
import type { AgentConversationSummary, VisitorConversationView } from './socket-events';

/**
 * The few queries of the socket gateways that the conversation store has no method for: an agent's
 * name and departments (once per connection), a conversation's summary (join), read markers, the
 * visitor's view of a conversation (fan-out).
 * Every query filters by organization.
 */
@Injectable()
export class GatewayRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The user's name and their departments in the organization (one round trip). */
  async agentProfile(
    organizationId: OrganizationId,
    userId: string,
  ): Promise<{ name: string; departmentIds: string[] }> {
    const [row] = await this.db.query<{ name: string | null; departments: string[] | null }[]>(
      `SELECT u.name,
              ARRAY(SELECT d.department_id::text FROM department_members d
                     WHERE d.organization_id = $1 AND d.user_id = u.id) AS departments
         FROM users u WHERE u.id = $2`,
      [organizationId, userId],
    );
    return { name: row?.name ?? '', departmentIds: row?.departments ?? [] };
  }

  async summary(organizationId: OrganizationId, conversationId: string): Promise<AgentConversationSummary | undefined> {
    const [row] = await this.db.query<
      { id: string; status: ConversationStatus; assignee_id: string | null; last_seq: number }[]
    >(`SELECT id, status, assignee_id, last_seq FROM conversations WHERE id = $1 AND organization_id = $2`, [
      conversationId,
      organizationId,
    ]);
    return row ? { id: row.id, status: row.status, assigneeId: row.assignee_id, lastSeq: row.last_seq } : undefined;
  }

  /** What the visitor is shown of a conversation: status and the assignee's name. */
  async visitorView(
    organizationId: OrganizationId,
    conversationId: string,
  ): Promise<VisitorConversationView | undefined> {
    const [row] = await this.db.query<
      { id: string; status: ConversationStatus; assignee_id: string | null; assignee_name: string | null }[]
    >(
      `SELECT c.id, c.status, c.assignee_id, u.name AS assignee_name
         FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id
        WHERE c.id = $1 AND c.organization_id = $2`,
      [conversationId, organizationId],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status,
      assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
    };
  }

  /** Moves the visitor's read marker forward to `messageId`; its seq, or undefined when no such message. */
  async visitorRead(
    organizationId: OrganizationId,
    conversationId: string,
    messageId: string,
  ): Promise<number | undefined> {
    const [row] = await this.db.query<{ seq: number }[]>(
      `WITH m AS (SELECT seq FROM conversation_messages
                   WHERE id = $3 AND conversation_id = $2 AND organization_id = $1 AND kind <> 'note')
       , moved AS (UPDATE conversations c SET visitor_last_read_seq = GREATEST(c.visitor_last_read_seq, m.seq)
                     FROM m WHERE c.id = $2 AND c.organization_id = $1
                   RETURNING m.seq)
       -- Delivery status: what agents wrote up to there is read.
       , marked AS (UPDATE conversation_messages x SET status = 'read', updated_at = now()
                      FROM m WHERE x.conversation_id = $2 AND x.seq <= m.seq AND x.sender_type = 'agent'
                       AND x.kind = 'message' AND x.status <> 'read')
       SELECT seq FROM moved`, // a SELECT: TypeORM answers an UPDATE with [rows, count]
      [organizationId, conversationId, messageId],
    );
    return row?.seq;
  }
}
