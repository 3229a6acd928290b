import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChatMessage } from '@/executions/chat-view';
import type { Awaiting } from '@/executions/engine/engine-types';
import { newId } from '@/database/base.entity';
import { WhatsAppChannelEntity } from './entities/whatsapp-channel.entity';
import { WhatsAppTemplateEntity } from './entities/whatsapp-template.entity';
import type { GraphTemplate } from './whatsapp-graph.client';
import { templateVariables } from './whatsapp-messages';

/** The WhatsApp conversation a user's next message continues, with its bot session's state. */
export interface CurrentConversation {
  readonly conversationId: string;
  readonly sessionStatus: string | null;
  readonly sessionExpiresAt: Date | null;
  readonly conversationStatus: string;
}

export interface OutboundTarget {
  readonly channelId: string;
  readonly waId: string;
  readonly lastInboundAt: Date;
}

const RANK: Record<string, number> = { pending: 0, sending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** How long a claimed item is another sender's before it may be claimed again (a crashed send). */
const CLAIM_LEASE = "interval '2 minutes'";

@Injectable()
export class WhatsAppRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get channels() {
    return this.dataSource.getRepository(WhatsAppChannelEntity);
  }

  private get templates() {
    return this.dataSource.getRepository(WhatsAppTemplateEntity);
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ------------------------------------------------------------------------------ channels

  find(organizationId: OrganizationId, id: string): Promise<WhatsAppChannelEntity | null> {
    return this.channels.findOne({ where: { organizationId, id } });
  }

  /** By id alone: the public webhook's path names the channel; the signature (or verify token) proves the caller. */
  findForWebhook(id: string): Promise<WhatsAppChannelEntity | null> {
    return this.channels.findOne({ where: { id } });
  }

  listPage(organizationId: OrganizationId, limit: number, cursor?: string) {
    const qb = this.channels.createQueryBuilder('c').where('c.organizationId = :organizationId', { organizationId });
    if (cursor) qb.andWhere('c.id > :cursor', { cursor });
    return qb
      .orderBy('c.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  async insert(em: EntityManager, row: Omit<WhatsAppChannelEntity, 'createdAt' | 'updatedAt'>): Promise<void> {
    await em.getRepository(WhatsAppChannelEntity).insert(row);
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<Omit<WhatsAppChannelEntity, 'id' | 'organizationId' | 'createdAt' | 'updatedAt'>>,
  ): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.channels.update({ organizationId, id }, patch);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.channels.delete({ organizationId, id })).affected ?? 0) > 0;
  }

  /** Whether the chatbot is the organization's. */
  async chatbotExists(organizationId: OrganizationId, chatbotId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM chatbots WHERE organization_id = $1 AND id = $2',
      [organizationId, chatbotId],
    );
    return rows.length > 0;
  }

  // ----------------------------------------------------------------------------- templates

  /** Replaces the channel's templates by what the Graph API lists now. */
  async replaceTemplates(organizationId: OrganizationId, channelId: string, templates: readonly GraphTemplate[]) {
    await this.dataSource.transaction(async (em) => {
      const keep: string[] = [];
      for (const t of templates) {
        const [row] = await em.query<{ id: string }[]>(
          `INSERT INTO whatsapp_templates (id, organization_id, channel_id, meta_id, name, language, category, status,
                                           components, variables, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now(), now())
           ON CONFLICT (channel_id, name, language) DO UPDATE
              SET meta_id = EXCLUDED.meta_id, category = EXCLUDED.category, status = EXCLUDED.status,
                  components = EXCLUDED.components, variables = EXCLUDED.variables, updated_at = now()
           RETURNING id`,
          [
            newId(),
            organizationId,
            channelId,
            t.id,
            t.name.slice(0, 512),
            t.language.slice(0, 16),
            t.category?.slice(0, 32) ?? null,
            t.status.slice(0, 32),
            JSON.stringify(t.components),
            JSON.stringify(templateVariables(t.components)),
          ],
        );
        if (row) keep.push(row.id);
      }
      await em.query(
        'DELETE FROM whatsapp_templates WHERE organization_id = $1 AND channel_id = $2 AND NOT (id = ANY($3::uuid[]))',
        [organizationId, channelId, keep],
      );
      await em.query(
        'UPDATE whatsapp_channels SET templates_synced_at = now() WHERE organization_id = $1 AND id = $2',
        [organizationId, channelId],
      );
    });
  }

  listTemplates(
    organizationId: OrganizationId,
    channelId: string,
    filter: { status?: string; language?: string },
    limit: number,
    cursor?: string,
  ) {
    const qb = this.templates
      .createQueryBuilder('t')
      .where('t.organizationId = :organizationId AND t.channelId = :channelId', { organizationId, channelId });
    if (filter.status) qb.andWhere('t.status = :status', { status: filter.status });
    if (filter.language) qb.andWhere('t.language = :language', { language: filter.language });
    if (cursor) qb.andWhere('t.id > :cursor', { cursor });
    return qb
      .orderBy('t.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  // ------------------------------------------------------------------------------- inbound

  /**
   * Claims an inbound message (unique per channel and Meta message id): its row id, or undefined
   * when it was already processed (a duplicate notification, a redelivered job).
   */
  async claimInbound(
    organizationId: OrganizationId,
    channelId: string,
    wamid: string,
    waId: string,
  ): Promise<string | undefined> {
    await this.dataSource.query(
      `INSERT INTO whatsapp_inbound_messages (id, organization_id, channel_id, wamid, wa_id, created_at)
       VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (channel_id, wamid) DO NOTHING`,
      [newId(), organizationId, channelId, wamid, waId],
    );
    const [row] = await this.dataSource.query<{ id: string; processed_at: Date | null }[]>(
      `SELECT id, processed_at FROM whatsapp_inbound_messages
        WHERE organization_id = $1 AND channel_id = $2 AND wamid = $3`,
      [organizationId, channelId, wamid],
    );
    return row && !row.processed_at ? row.id : undefined;
  }

  async markProcessed(organizationId: OrganizationId, id: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE whatsapp_inbound_messages SET processed_at = now() WHERE organization_id = $1 AND id = $2',
      [organizationId, id],
    );
  }

  /** The user's latest conversation on this number, with its bot session's state. */
  async currentConversation(
    organizationId: OrganizationId,
    channelId: string,
    waId: string,
  ): Promise<CurrentConversation | undefined> {
    const [row] = await this.dataSource.query<
      { conversation_id: string; session_status: string | null; expires_at: Date | null; status: string }[]
    >(
      `SELECT w.conversation_id, s.status AS session_status, s.expires_at, c.status
         FROM whatsapp_conversations w
         JOIN conversations c ON c.id = w.conversation_id
         LEFT JOIN chat_sessions s ON s.id = c.session_id
        WHERE w.organization_id = $1 AND w.channel_id = $2 AND w.wa_id = $3
        ORDER BY w.created_at DESC LIMIT 1`,
      [organizationId, channelId, waId],
    );
    return row
      ? {
          conversationId: row.conversation_id,
          sessionStatus: row.session_status,
          sessionExpiresAt: row.expires_at,
          conversationStatus: row.status,
        }
      : undefined;
  }

  /** Records that the user wrote in the conversation now (the 24-hour window starts again). */
  async touchConversation(
    organizationId: OrganizationId,
    conversationId: string,
    channelId: string,
    waId: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO whatsapp_conversations (conversation_id, organization_id, channel_id, wa_id, last_inbound_at, created_at)
       SELECT c.id, c.organization_id, $3, $4, now(), now() FROM conversations c
        WHERE c.id = $2 AND c.organization_id = $1
       ON CONFLICT (conversation_id) DO UPDATE SET last_inbound_at = now()`,
      [organizationId, conversationId, channelId, waId],
    );
  }

  /** Which number and user a conversation is with, if it is a WhatsApp one. */
  async targetOf(organizationId: OrganizationId, conversationId: string): Promise<OutboundTarget | undefined> {
    const [row] = await this.dataSource.query<{ channel_id: string; wa_id: string; last_inbound_at: Date }[]>(
      `SELECT channel_id, wa_id, last_inbound_at FROM whatsapp_conversations
        WHERE organization_id = $1 AND conversation_id = $2`,
      [organizationId, conversationId],
    );
    return row ? { channelId: row.channel_id, waId: row.wa_id, lastInboundAt: row.last_inbound_at } : undefined;
  }

  /** The bot session's latest turn in a conversation: its bot messages and what it awaits (when active). */
  async latestBotTurn(
    organizationId: OrganizationId,
    conversationId: string,
  ): Promise<{ turn: number; messages: ChatMessage[]; awaiting: Awaiting | null } | undefined> {
    const [session] = await this.dataSource.query<{ turn: number; status: string; awaiting: Awaiting | null }[]>(
      `SELECT s.turn, s.status, s.awaiting FROM conversations c JOIN chat_sessions s ON s.id = c.session_id
        WHERE c.organization_id = $1 AND c.id = $2`,
      [organizationId, conversationId],
    );
    if (!session) return undefined;
    const rows = await this.dataSource.query<{ id: string; content: Record<string, unknown> }[]>(
      `SELECT id, content FROM conversation_messages
        WHERE organization_id = $1 AND conversation_id = $2 AND sender_type = 'bot' AND turn = $3 ORDER BY seq`,
      [organizationId, conversationId, session.turn],
    );
    return {
      turn: session.turn,
      messages: rows.map((r) => ({ ...r.content, id: r.id }) as ChatMessage),
      awaiting: session.status === 'active' ? session.awaiting : null,
    };
  }

  // ------------------------------------------------------------------------------ outbound

  /**
   * Claims an item for sending: its row id when this caller may send it now (made the first time;
   * `sending` until marked), undefined when it was sent, failed, or is being sent by another job
   * (a claim older than the lease is taken over: its sender crashed).
   */
  async claimItem(
    organizationId: OrganizationId,
    channelId: string,
    conversationId: string,
    key: string,
    messageId: string | null,
  ): Promise<string | undefined> {
    await this.dataSource.query(
      `INSERT INTO whatsapp_outbound_messages (id, organization_id, channel_id, conversation_id, item_key, message_id,
                                               status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', now(), now()) ON CONFLICT (conversation_id, item_key) DO NOTHING`,
      [newId(), organizationId, channelId, conversationId, key, messageId],
    );
    // A CTE so that the driver answers rows (a bare UPDATE answers [rows, count]).
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `WITH claimed AS (
         UPDATE whatsapp_outbound_messages SET status = 'sending', updated_at = now()
          WHERE organization_id = $1 AND conversation_id = $2 AND item_key = $3
            AND (status = 'pending' OR (status = 'sending' AND updated_at < now() - ${CLAIM_LEASE}))
          RETURNING id)
       SELECT id FROM claimed`,
      [organizationId, conversationId, key],
    );
    return row?.id;
  }

  /** Gives a claimed item back (a retryable failure: the job's next attempt sends it). */
  async release(organizationId: OrganizationId, id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE whatsapp_outbound_messages SET status = 'pending', updated_at = now()
        WHERE organization_id = $1 AND id = $2 AND status = 'sending'`,
      [organizationId, id],
    );
  }

  async markSent(organizationId: OrganizationId, id: string, wamid: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE whatsapp_outbound_messages SET wamid = $3, status = 'sent', updated_at = now()
        WHERE organization_id = $1 AND id = $2`,
      [organizationId, id, wamid],
    );
  }

  /** The item failed for good: the row and the Parley message say so (with the reason on the message). */
  async markFailed(
    organizationId: OrganizationId,
    id: string,
    messageId: string | null,
    error: { code: string; message: string },
  ): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query(
        `UPDATE whatsapp_outbound_messages SET status = 'failed', error_code = $3, error_message = $4, updated_at = now()
          WHERE organization_id = $1 AND id = $2`,
        [organizationId, id, error.code, error.message.slice(0, 1000)],
      );
      if (messageId) {
        await em.query(
          `UPDATE conversation_messages
              SET status = 'failed', content = content || jsonb_build_object('deliveryError', $3::jsonb), updated_at = now()
            WHERE organization_id = $1 AND id = $2 AND jsonb_typeof(content) = 'object'`,
          [organizationId, messageId, JSON.stringify(error)],
        );
      }
    });
  }

  /**
   * A status notification: the outbound row and its Parley message move forward only (sent →
   * delivered → read; failed from any but read). Unknown ids (not ours) change nothing.
   */
  async applyStatus(
    organizationId: OrganizationId,
    channelId: string,
    wamid: string,
    status: 'sent' | 'delivered' | 'read' | 'failed',
    error: { code: string; message: string } | undefined,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [row] = await em.query<{ id: string; message_id: string | null; status: string }[]>(
        `SELECT id, message_id, status FROM whatsapp_outbound_messages
          WHERE organization_id = $1 AND channel_id = $2 AND wamid = $3 FOR UPDATE`,
        [organizationId, channelId, wamid],
      );
      if (!row) return false;
      const forward =
        status === 'failed' ? row.status !== 'read' && row.status !== 'failed' : RANK[status]! > RANK[row.status]!;
      if (!forward) return false;
      await em.query(
        `UPDATE whatsapp_outbound_messages SET status = $3, error_code = $4, error_message = $5, updated_at = now()
          WHERE organization_id = $1 AND id = $2`,
        [organizationId, row.id, status, error?.code ?? null, error?.message ?? null],
      );
      if (row.message_id) {
        await em.query(
          `UPDATE conversation_messages
              SET status = $3,
                  content = CASE WHEN $4::jsonb IS NULL OR jsonb_typeof(content) <> 'object' THEN content
                                 ELSE content || jsonb_build_object('deliveryError', $4::jsonb) END,
                  updated_at = now()
            WHERE organization_id = $1 AND id = $2
              AND (CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END)
                  < (CASE $3::text WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END)`,
          [organizationId, row.message_id, status, error ? JSON.stringify(error) : null],
        );
      }
      return true;
    });
  }
}
