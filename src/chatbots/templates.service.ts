import { Injectable } from '@nestjs/common';
import type { TenantContext } from '@/access/principal';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { builtInTemplates, findBuiltInTemplate, type FlowDocument, flowDocumentSchema, zodFieldErrors } from '@/flows';
import { ChatbotNotFound, InvalidFlowDocument, TemplateNotFound } from './chatbots.exception';
import { ChatbotsRepository } from './chatbots.repository';
import type { CreateTemplateDto, TemplateDto, TemplateSummaryDto } from './dto/template.dto';
import type { FlowTemplateEntity } from './entities/flow-template.entity';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fromEntity = (t: FlowTemplateEntity): TemplateDto => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  builtIn: false,
  flow: t.flow,
});

const summary = ({ flow: _flow, ...rest }: TemplateDto): TemplateSummaryDto => rest;

/** Built-in templates (in code, shared by every organization) and organization-private ones. */
@Injectable()
export class TemplatesService {
  constructor(private readonly chatbots: ChatbotsRepository) {}

  async list(tenant: TenantContext): Promise<TemplateSummaryDto[]> {
    const builtIn = builtInTemplates.map((t) => summary({ ...t, builtIn: true }));
    const own = (await this.chatbots.listTemplates(tenant.organizationId)).map((t) => summary(fromEntity(t)));
    return [...builtIn, ...own];
  }

  async get(tenant: TenantContext, id: string): Promise<TemplateDto> {
    const builtIn = findBuiltInTemplate(id);
    if (builtIn) return { ...builtIn, builtIn: true };
    const own = uuid.test(id) ? await this.chatbots.findTemplate(tenant.organizationId, id) : null;
    if (!own) throw new TemplateNotFound(id);
    return fromEntity(own);
  }

  async create(tenant: TenantContext, userId: string | null, dto: CreateTemplateDto): Promise<TemplateDto> {
    if (Boolean(dto.chatbotId) === Boolean(dto.flow)) {
      throw new ValidationFailed([{ field: 'chatbotId', message: 'give exactly one of chatbotId or flow' }]);
    }
    let flow: FlowDocument;
    if (dto.chatbotId) {
      const chatbot = await this.chatbots.find(tenant.organizationId, dto.chatbotId);
      if (!chatbot) throw new ChatbotNotFound(dto.chatbotId);
      flow = chatbot.draftFlow;
    } else {
      const parsed = flowDocumentSchema.safeParse(dto.flow);
      if (!parsed.success) throw new InvalidFlowDocument(zodFieldErrors(parsed.error, 'flow'));
      flow = parsed.data;
    }
    const template = await this.chatbots.createTemplate(tenant.organizationId, {
      name: dto.name,
      description: dto.description ?? '',
      category: dto.category ?? 'custom',
      flow,
      createdByUserId: userId,
    });
    return fromEntity(template);
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    if (findBuiltInTemplate(id)) {
      throw new ValidationFailed([{ field: 'id', message: 'built-in templates cannot be deleted' }]);
    }
    if (!uuid.test(id) || !(await this.chatbots.deleteTemplate(tenant.organizationId, id)))
      throw new TemplateNotFound(id);
  }
}
