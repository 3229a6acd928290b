import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { OrganizationId } from '@/access/organization-id';
import type { FlowDocument } from '@/flows';
import { ChatbotVersionEntity } from './entities/chatbot-version.entity';
import { ChatbotEntity, type ChatbotStatus } from './entities/chatbot.entity';
import { FlowTemplateEntity } from './entities/flow-template.entity';

/**
 * Chatbots, their versions and organization templates. Every method takes the (branded) organization
 * id first and creates set it from that argument, except the capability queries, whose name says
 * what the capability is (`…ByPublicIdCapability`, `…ForSessionBot`).
 */
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

  find(organizationId: OrganizationId, id: string, em?: EntityManager): Promise<ChatbotEntity | null> {
    return this.bots(em).findOne({ where: { organizationId, id } });
  }

  /**
   * A chatbot by its public id, across organizations: the public id is what visitors hold (the
   * embed), so it is the capability. Callers get the organization from the row. Null when its
   * organization is suspended: a suspended organization's bots do not answer publicly.
   */
  findByPublicIdCapability(publicId: string): Promise<ChatbotEntity | null> {
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
   * By chatbot id alone: the id comes from the session the visitor's token (the capability) proves.
   */
  async findPublicAccessForSessionBot(
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
  findForUpdate(organizationId: OrganizationId, id: string, em: EntityManager): Promise<ChatbotEntity | null> {
    return this.bots(em).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(
    organizationId: OrganizationId,
    chatbot: Omit<Partial<ChatbotEntity>, 'organizationId'>,
    em?: EntityManager,
  ): Promise<ChatbotEntity> {
    return this.bots(em).save(this.bots(em).create({ ...chatbot, organizationId }));
  }

  async update(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<ChatbotEntity>,
    em?: EntityManager,
  ): Promise<void> {
    // (TypeORM's deep-partial type cannot follow the flow document's unions; the columns are jsonb.)
    await this.bots(em).update({ organizationId, id }, patch as QueryDeepPartialEntity<ChatbotEntity>);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.bots().delete({ organizationId, id })).affected ?? 0) > 0;
  }

  listPage(
    organizationId: OrganizationId,
    limit: number,
    cursor?: string,
    status?: ChatbotStatus,
  ): Promise<ChatbotEntity[]> {
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
    organizationId: OrganizationId,
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

  createVersion(
    organizationId: OrganizationId,
    version: Omit<Partial<ChatbotVersionEntity>, 'organizationId'>,
    em: EntityManager,
  ): Promise<ChatbotVersionEntity> {
    return this.versions(em).save(this.versions(em).create({ ...version, organizationId }));
  }

  findVersion(
    organizationId: OrganizationId,
    chatbotId: string,
    version: number,
    em?: EntityManager,
  ): Promise<ChatbotVersionEntity | null> {
    return this.versions(em).findOne({ where: { organizationId, chatbotId, version } });
  }

  /** Newest first; `before` is the version number to continue below. */
  listVersions(
    organizationId: OrganizationId,
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
  async savedVariableNames(organizationId: OrganizationId, chatbotId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT DISTINCT v->>'name' AS name
         FROM chatbot_versions cv, jsonb_array_elements(cv.flow->'variables') v
        WHERE cv.organization_id = $1 AND cv.chatbot_id = $2 AND (v->>'saveInResults')::boolean
        ORDER BY 1`,
      [organizationId, chatbotId],
    );
    return rows.map((r) => r.name);
  }

  createTemplate(
    organizationId: OrganizationId,
    template: Omit<Partial<FlowTemplateEntity>, 'organizationId'>,
  ): Promise<FlowTemplateEntity> {
    return this.templates().save(this.templates().create({ ...template, organizationId }));
  }

  findTemplate(organizationId: OrganizationId, id: string): Promise<FlowTemplateEntity | null> {
    return this.templates().findOne({ where: { organizationId, id } });
  }

  listTemplates(organizationId: OrganizationId): Promise<FlowTemplateEntity[]> {
    return this.templates().find({ where: { organizationId }, order: { name: 'ASC', id: 'ASC' }, take: 500 });
  }

  async deleteTemplate(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.templates().delete({ organizationId, id })).affected ?? 0) > 0;
  }
}
