import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { TenantContext } from '@/access/principal';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { EventsPublisher } from '@/events/events.publisher';
import { Quotas } from '@/billing/billing.contracts';
import { type Page, toPage } from '@/common/pagination/keyset';
import {
  createParleyExport,
  type FlowDocument,
  type FlowProblem,
  flowDocumentSchema,
  hasErrors,
  importTypebot,
  parseParleyExport,
  validateFlow,
  validateParsedFlow,
  zodFieldErrors,
} from '@/flows';
import { defaultChatbotSettings, mergeSettings } from './chatbot-settings';
import {
  ChatbotArchived,
  ChatbotNotFound,
  ChatbotVersionNotFound,
  FlowNotPublishable,
  InvalidFlowDocument,
  RevisionRequired,
  StaleRevision,
} from './chatbots.exception';
import { ChatbotsRepository } from './chatbots.repository';
import { type ChatbotDto, type CreateChatbotDto, toChatbotDto, type UpdateChatbotDto } from './dto/chatbot.dto';
import type { DraftFlowDto, ValidationResultDto } from './dto/flow.dto';
import type { ParleyExportDto, TypebotImportResultDto } from './dto/import-export.dto';
import {
  type ChatbotVersionDetailDto,
  type ChatbotVersionDto,
  toVersionDetailDto,
  toVersionDto,
} from './dto/version.dto';
import type { ChatbotVersionEntity } from './entities/chatbot-version.entity';
import type { ChatbotEntity, ChatbotStatus } from './entities/chatbot.entity';
import { newPublicId } from './public-id';
import { TemplatesService } from './templates.service';
import { isUniqueViolation } from '@/database/postgres-errors';

/** Parses a flow document sent by a client; a malformed one is a 400 naming the fields. */
export function parseFlow(raw: unknown, field = 'flow'): FlowDocument {
  const parsed = flowDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidFlowDocument(zodFieldErrors(parsed.error, field));
  return parsed.data;
}

/** A new chatbot's flow: just the start event. */
export const emptyFlow = (): FlowDocument => parseFlow({ schemaVersion: 1, events: [{ id: 'start', type: 'start' }] });

@Injectable()
export class ChatbotsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chatbots: ChatbotsRepository,
    private readonly templates: TemplatesService,
    private readonly events: EventsPublisher,
    private readonly quotas: Quotas,
  ) {}

  private async load(tenant: TenantContext, id: string): Promise<ChatbotEntity> {
    const chatbot = await this.chatbots.find(tenant.organizationId, id);
    if (!chatbot) throw new ChatbotNotFound(id);
    return chatbot;
  }

  private async editable(tenant: TenantContext, id: string): Promise<ChatbotEntity> {
    const chatbot = await this.load(tenant, id);
    if (chatbot.status === 'archived') throw new ChatbotArchived();
    return chatbot;
  }

  async list(tenant: TenantContext, limit: number, cursor?: string, status?: ChatbotStatus): Promise<Page<ChatbotDto>> {
    return toPage(await this.chatbots.listPage(tenant.organizationId, limit, cursor, status), limit, toChatbotDto);
  }

  async get(tenant: TenantContext, id: string): Promise<ChatbotDto> {
    return toChatbotDto(await this.load(tenant, id));
  }

  async create(tenant: TenantContext, userId: string | null, dto: CreateChatbotDto): Promise<ChatbotDto> {
    if (dto.flow && dto.templateId) {
      throw new ValidationFailed([{ field: 'templateId', message: 'give either flow or templateId, not both' }]);
    }
    const flow = dto.flow
      ? parseFlow(dto.flow)
      : dto.templateId
        ? (await this.templates.get(tenant, dto.templateId)).flow
        : emptyFlow();
    return toChatbotDto(
      await this.insert(tenant, userId, {
        name: dto.name,
        description: dto.description ?? null,
        settings: mergeSettings(defaultChatbotSettings, dto.settings),
        theme: dto.theme ?? {},
        draftFlow: flow,
      }),
    );
  }

  /** Inserts a draft chatbot with a fresh public id (retrying the rare collision). */
  private async insert(
    tenant: TenantContext,
    userId: string | null,
    fields: Omit<Partial<ChatbotEntity>, 'organizationId'>,
  ): Promise<ChatbotEntity> {
    // Every new chatbot (created, cloned, imported) counts against the plan's chatbots.
    await this.quotas.assertAvailable(tenant.organizationId, 'chatbots');
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.chatbots.create(tenant.organizationId, {
          settings: defaultChatbotSettings,
          theme: {},
          description: null,
          ...fields,
          publicId: newPublicId(),
          status: 'draft',
          draftRevision: 1,
          publishedVersion: null,
          latestVersion: 0,
          createdByUserId: userId,
          updatedByUserId: userId,
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  }

  async update(tenant: TenantContext, id: string, userId: string | null, dto: UpdateChatbotDto): Promise<ChatbotDto> {
    const chatbot = await this.editable(tenant, id);
    await this.chatbots.update(tenant.organizationId, id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.settings !== undefined ? { settings: mergeSettings(chatbot.settings, dto.settings) } : {}),
      ...(dto.theme !== undefined ? { theme: dto.theme } : {}),
      updatedByUserId: userId,
    });
    return this.get(tenant, id);
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    if (!(await this.chatbots.delete(tenant.organizationId, id))) throw new ChatbotNotFound(id);
  }

  async getDraft(tenant: TenantContext, id: string): Promise<DraftFlowDto> {
    const chatbot = await this.load(tenant, id);
    return {
      revision: chatbot.draftRevision,
      flow: chatbot.draftFlow,
      problems: validateParsedFlow(chatbot.draftFlow),
    };
  }

  /**
   * Saves the draft if nobody saved since `expectedRevision`; otherwise 409 with the current
   * revision. Drafts may have problems (they are returned); only publishing requires none.
   */
  async saveDraft(
    tenant: TenantContext,
    id: string,
    userId: string | null,
    rawFlow: unknown,
    expectedRevision: number | undefined,
  ): Promise<DraftFlowDto> {
    const chatbot = await this.editable(tenant, id);
    if (expectedRevision === undefined) throw new RevisionRequired();
    const flow = parseFlow(rawFlow);
    const revision = await this.chatbots.saveDraftIfAt(tenant.organizationId, id, expectedRevision, flow, userId);
    if (revision === undefined) {
      const current = await this.load(tenant, chatbot.id);
      throw new StaleRevision(current.draftRevision);
    }
    return { revision, flow, problems: validateParsedFlow(flow) };
  }

  async validate(tenant: TenantContext, id: string, rawFlow?: unknown): Promise<ValidationResultDto> {
    const problems: FlowProblem[] =
      rawFlow === undefined ? validateParsedFlow((await this.load(tenant, id)).draftFlow) : validateFlow(rawFlow);
    if (rawFlow !== undefined) await this.load(tenant, id);
    return { valid: !hasErrors(problems), problems };
  }

  /** Freezes the draft as the next version, if it validates; new sessions run it. */
  async publish(
    tenant: TenantContext,
    id: string,
    userId: string | null,
    note?: string,
  ): Promise<ChatbotVersionDetailDto> {
    return this.dataSource.transaction(async (em) => {
      const chatbot = await this.lockEditable(em, tenant, id);
      const problems = validateParsedFlow(chatbot.draftFlow);
      if (hasErrors(problems)) throw new FlowNotPublishable(problems);
      const version = await this.freezeVersion(em, tenant, chatbot, {
        flow: chatbot.draftFlow,
        settings: chatbot.settings,
        draftRevision: chatbot.draftRevision,
        rolledBackFrom: null,
        note: note ?? null,
        publishedByUserId: userId,
      });
      return toVersionDetailDto(version, version.version);
    });
  }

  /** Publishes an older version again, as a new number. Running sessions keep their version. */
  async rollback(
    tenant: TenantContext,
    id: string,
    fromVersion: number,
    userId: string | null,
    options: { note?: string; restoreDraft?: boolean },
  ): Promise<ChatbotVersionDetailDto> {
    return this.dataSource.transaction(async (em) => {
      const chatbot = await this.lockEditable(em, tenant, id);
      // On the transaction's connection: waiting for a second one while holding the row lock starves the pool.
      const old = await this.chatbots.findVersion(tenant.organizationId, id, fromVersion, em);
      if (!old) throw new ChatbotVersionNotFound(id, fromVersion);
      const version = await this.freezeVersion(
        em,
        tenant,
        chatbot,
        {
          flow: old.flow,
          settings: old.settings,
          draftRevision: null,
          rolledBackFrom: fromVersion,
          note: options.note ?? `Rollback to version ${fromVersion}`,
          publishedByUserId: userId,
        },
        options.restoreDraft
          ? { draftFlow: old.flow, settings: old.settings, draftRevision: chatbot.draftRevision + 1 }
          : {},
      );
      return toVersionDetailDto(version, version.version);
    });
  }

  /** The chatbot row, locked until the transaction ends; archived bots cannot be published. */
  private async lockEditable(em: EntityManager, tenant: TenantContext, id: string): Promise<ChatbotEntity> {
    const chatbot = await this.chatbots.findForUpdate(tenant.organizationId, id, em);
    if (!chatbot) throw new ChatbotNotFound(id);
    if (chatbot.status === 'archived') throw new ChatbotArchived();
    return chatbot;
  }

  /**
   * Inserts the next numbered version and makes it live (inside the caller's transaction, with the
   * chatbot row locked), applying `botPatch` to the chatbot too.
   */
  private async freezeVersion(
    em: EntityManager,
    tenant: TenantContext,
    chatbot: ChatbotEntity,
    fields: Pick<
      ChatbotVersionEntity,
      'flow' | 'settings' | 'draftRevision' | 'rolledBackFrom' | 'note' | 'publishedByUserId'
    >,
    botPatch: Partial<ChatbotEntity> = {},
  ): Promise<ChatbotVersionEntity> {
    const version = await this.chatbots.createVersion(
      tenant.organizationId,
      { ...fields, chatbotId: chatbot.id, version: chatbot.latestVersion + 1 },
      em,
    );
    await this.chatbots.update(
      tenant.organizationId,
      chatbot.id,
      { ...botPatch, status: 'published', publishedVersion: version.version, latestVersion: version.version },
      em,
    );
    await this.events.publishIn(em, [
      this.events.event('chatbot.published', tenant.organizationId, {
        chatbotId: chatbot.id,
        version: version.version,
        rolledBackFrom: fields.rolledBackFrom,
        publishedByUserId: fields.publishedByUserId,
      }),
    ]);
    return version;
  }

  async listVersions(
    tenant: TenantContext,
    id: string,
    limit: number,
    before?: number,
  ): Promise<{ items: ChatbotVersionDto[]; nextBefore: number | null }> {
    const chatbot = await this.load(tenant, id);
    const rows = await this.chatbots.listVersions(tenant.organizationId, id, limit, before);
    const page = rows.slice(0, limit);
    return {
      items: page.map((v) => toVersionDto(v, chatbot.publishedVersion)),
      nextBefore: rows.length > limit ? (page.at(-1)?.version ?? null) : null,
    };
  }

  async getVersion(tenant: TenantContext, id: string, version: number): Promise<ChatbotVersionDetailDto> {
    const chatbot = await this.load(tenant, id);
    const found = await this.chatbots.findVersion(tenant.organizationId, id, version);
    if (!found) throw new ChatbotVersionNotFound(id, version);
    return toVersionDetailDto(found, chatbot.publishedVersion);
  }

  /** A new draft chatbot with the same draft flow, settings and theme, and a new public id. */
  async clone(tenant: TenantContext, id: string, userId: string | null, name?: string): Promise<ChatbotDto> {
    const source = await this.load(tenant, id);
    return toChatbotDto(
      await this.insert(tenant, userId, {
        name: name ?? `${source.name} (copy)`.slice(0, 200),
        description: source.description,
        settings: source.settings,
        theme: source.theme,
        draftFlow: source.draftFlow,
      }),
    );
  }

  async setArchived(tenant: TenantContext, id: string, archived: boolean): Promise<ChatbotDto> {
    const chatbot = await this.load(tenant, id);
    const status: ChatbotStatus = archived ? 'archived' : chatbot.publishedVersion ? 'published' : 'draft';
    if (status !== chatbot.status) await this.chatbots.update(tenant.organizationId, id, { status });
    return this.get(tenant, id);
  }

  async export(tenant: TenantContext, id: string): Promise<ParleyExportDto> {
    const chatbot = await this.load(tenant, id);
    return createParleyExport(chatbot.name, chatbot.draftFlow, chatbot.description ?? undefined);
  }

  async importParley(tenant: TenantContext, userId: string | null, json: unknown): Promise<ChatbotDto> {
    const parsed = parseParleyExport(json);
    if (!parsed.ok) throw new ValidationFailed(parsed.errors, 'This is not a Parley flow export.');
    return toChatbotDto(
      await this.insert(tenant, userId, {
        name: parsed.export.name,
        description: parsed.export.description ?? null,
        draftFlow: parsed.export.flow,
      }),
    );
  }

  async importTypebot(tenant: TenantContext, userId: string | null, json: unknown): Promise<TypebotImportResultDto> {
    const imported = importTypebot(json);
    if (!imported.ok) throw new ValidationFailed(imported.errors, 'This is not a Typebot export Parley can read.');
    const chatbot = await this.insert(tenant, userId, {
      name: imported.name.slice(0, 200) || 'Imported bot',
      draftFlow: imported.flow,
    });
    return { chatbot: toChatbotDto(chatbot), report: imported.report };
  }
}
