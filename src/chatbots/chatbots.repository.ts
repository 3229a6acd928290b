import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { FlowDocument } from '@/flows';
import { ChatbotVersionEntity } from './entities/chatbot-version.entity';
import { ChatbotEntity, type ChatbotStatus } from './entities/chatbot.entity';
import { FlowTemplateEntity } from './entities/flow-template.entity';

/** Chatbots, their versions and organization templates. Every method takes the organization id. */
@Injectable()
export class ChatbotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private bots(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(ChatbotEntity);
  }

  private versions(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(ChatbotVersionEntity);
  }

  private templates(em: EntityManager = this.dataSource.manager) {
    return em.getRepository(FlowTemplateEntity);
  }

  find(organizationId: string, id: string, em?: EntityManager): Promise<ChatbotEntity | null> {
    return this.bots(em).findOne({ where: { organizationId, id } });
  }

  /**
   * A chatbot by its public id, across organizations: the public id is what visitors hold (the
   * embed), so it is the capability. Callers get the organization from the row. Null when its
   * organization is suspended: a suspended organization's bots do not answer publicly.
   */
  findByPublicId(publicId: string): Promise<ChatbotEntity | null> {
    return (
      this.bots()
        .createQueryBuilder('b')
        // organizations belong to the users module: joined by table, not through its entity.
        .innerJoin('organizations', 'o', 'o.id = b.organization_id AND o.suspended_at IS NULL')
        .where('b.publicId = :publicId', { publicId })
        .getOne()
    );
  }

  /**
   * What the public chat routes check on every visitor request of a running session: the bot's
   * current allowed origins and whether its organization is suspended. Undefined when the bot is gone.
   */
  async findPublicAccess(
    chatbotId: string,
  ): Promise<{ allowedOrigins: readonly string[]; organizationSuspended: boolean } | undefined> {
    const [row] = await this.dataSource.query<{ allowed_origins: string[] | null; suspended: boolean }[]>(
      `SELECT b.settings->'allowedOrigins' AS allowed_origins, o.suspended_at IS NOT NULL AS suspended
         FROM chatbots b JOIN organizations o ON o.id = b.organization_id WHERE b.id = $1`,
      [chatbotId],
    );
    return row ? { allowedOrigins: row.allowed_origins ?? [], organizationSuspended: row.suspended } : undefined;
  }

  /** Locks the chatbot row until the transaction ends (publishing, rollback). */
  findForUpdate(organizationId: string, id: string, em: EntityManager): Promise<ChatbotEntity | null> {
    return this.bots(em).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(chatbot: Partial<ChatbotEntity>, em?: EntityManager): Promise<ChatbotEntity> {
    return this.bots(em).save(this.bots(em).create(chatbot));
  }

  async update(organizationId: string, id: string, patch: Partial<ChatbotEntity>, em?: EntityManager): Promise<void> {
    // (TypeORM's deep-partial type cannot follow the flow document's unions; the columns are jsonb.)
    await this.bots(em).update({ organizationId, id }, patch as QueryDeepPartialEntity<ChatbotEntity>);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    return ((await this.bots().delete({ organizationId, id })).affected ?? 0) > 0;
  }

  listPage(organizationId: string, limit: number, cursor?: string, status?: ChatbotStatus): Promise<ChatbotEntity[]> {
    return this.bots().find({
      where: { organizationId, ...(status ? { status } : {}), ...(cursor ? { id: MoreThan(cursor) } : {}) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  /**
   * Saves the draft only if it is still at `expectedRevision` (optimistic concurrency, in one
   * statement). Returns the new revision, or undefined when the row was not at that revision.
   */
  async saveDraftIfAt(
    organizationId: string,
    id: string,
    expectedRevision: number,
    flow: FlowDocument,
    userId: string | null,
  ): Promise<number | undefined> {
    const result = await this.bots()
      .createQueryBuilder()
      .update(ChatbotEntity)
      .set({
        draftFlow: flow,
        draftRevision: () => 'draft_revision + 1',
        updatedByUserId: userId,
      } as QueryDeepPartialEntity<ChatbotEntity>)
      .where('organization_id = :organizationId AND id = :id AND draft_revision = :expectedRevision', {
        organizationId,
        id,
        expectedRevision,
      })
      .returning(['draftRevision'])
      .execute();
    return (result.raw as { draft_revision: number }[])[0]?.draft_revision;
  }

  createVersion(version: Partial<ChatbotVersionEntity>, em: EntityManager): Promise<ChatbotVersionEntity> {
    return this.versions(em).save(this.versions(em).create(version));
  }

  findVersion(
    organizationId: string,
    chatbotId: string,
    version: number,
    em?: EntityManager,
  ): Promise<ChatbotVersionEntity | null> {
    return this.versions(em).findOne({ where: { organizationId, chatbotId, version } });
  }

  /** Newest first; `before` is the version number to continue below. */
  listVersions(
    organizationId: string,
    chatbotId: string,
    limit: number,
    before?: number,
  ): Promise<ChatbotVersionEntity[]> {
    return this.versions().find({
      where: { organizationId, chatbotId, ...(before ? { version: LessThan(before) } : {}) },
      order: { version: 'DESC' },
      take: limit + 1,
      select: {
        id: true,
        version: true,
        draftRevision: true,
        rolledBackFrom: true,
        note: true,
        publishedByUserId: true,
        createdAt: true,
      },
    });
  }

  /** Names of the variables saved in results, over every version of the chatbot (for exports). */
  async savedVariableNames(organizationId: string, chatbotId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT DISTINCT v->>'name' AS name
         FROM chatbot_versions cv, jsonb_array_elements(cv.flow->'variables') v
        WHERE cv.organization_id = $1 AND cv.chatbot_id = $2 AND (v->>'saveInResults')::boolean
        ORDER BY 1`,
      [organizationId, chatbotId],
    );
    return rows.map((r) => r.name);
  }

  createTemplate(template: Partial<FlowTemplateEntity>): Promise<FlowTemplateEntity> {
    return this.templates().save(this.templates().create(template));
  }

  findTemplate(organizationId: string, id: string): Promise<FlowTemplateEntity | null> {
    return this.templates().findOne({ where: { organizationId, id } });
  }

  listTemplates(organizationId: string): Promise<FlowTemplateEntity[]> {
    return this.templates().find({ where: { organizationId }, order: { name: 'ASC', id: 'ASC' }, take: 500 });
  }

  async deleteTemplate(organizationId: string, id: string): Promise<boolean> {
    return ((await this.templates().delete({ organizationId, id })).affected ?? 0) > 0;
  }
}
