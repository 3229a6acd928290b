import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { isUniqueViolation } from '@/database/postgres-errors';
import { type AttributeDefinitionRow, ContactAttributesRepository } from './contact-attributes.repository';
import { ContactsRepository } from './contacts.repository';
import { ContactAttributeKeyTaken, ContactAttributeNotFound } from './contacts.exception';
import type {
  ContactAttributeDto,
  ContactSettingsDto,
  CreateContactAttributeDto,
  UpdateContactAttributeDto,
  UpdateContactSettingsDto,
} from './dto/contact-attribute.dto';

const toDto = (row: AttributeDefinitionRow): ContactAttributeDto => ({
  id: row.id,
  key: row.key,
  label: row.label,
  type: row.type,
  options: row.options,
  createdAt: row.created_at,
});

/** The organization's custom contact attributes (typed) and contact settings (lifecycle stages, default country). */
@Injectable()
export class ContactAttributesService {
  constructor(
    private readonly repo: ContactAttributesRepository,
    private readonly contacts: ContactsRepository,
  ) {}

  async list(organizationId: OrganizationId): Promise<ContactAttributeDto[]> {
    return (await this.repo.list(organizationId)).map(toDto);
  }

  async get(organizationId: OrganizationId, id: string): Promise<ContactAttributeDto> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new ContactAttributeNotFound(id);
    return toDto(row);
  }

  async create(organizationId: OrganizationId, dto: CreateContactAttributeDto): Promise<ContactAttributeDto> {
    if (dto.type !== 'list' && dto.options?.length) {
      throw new ValidationFailed([{ field: 'options', message: 'options are for list attributes only' }]);
    }
    try {
      const id = await this.repo.create(organizationId, {
        key: dto.key,
        label: dto.label,
        type: dto.type,
        options: dto.options ?? [],
      });
      return await this.get(organizationId, id);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ContactAttributeKeyTaken(dto.key);
      throw error;
    }
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateContactAttributeDto) {
    const current = await this.get(organizationId, id);
    if (dto.options !== undefined && current.type !== 'list') {
      throw new ValidationFailed([{ field: 'options', message: 'options are for list attributes only' }]);
    }
    await this.repo.update(organizationId, id, {
      ...(dto.label !== undefined ? { label: dto.label } : {}),
      ...(dto.options !== undefined ? { options: dto.options } : {}),
    });
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new ContactAttributeNotFound(id);
  }

  async settings(organizationId: OrganizationId): Promise<ContactSettingsDto> {
    return this.contacts.settings(organizationId);
  }

  async updateSettings(organizationId: OrganizationId, dto: UpdateContactSettingsDto): Promise<ContactSettingsDto> {
    const current = await this.contacts.settings(organizationId);
    const next = {
      lifecycleStages: dto.lifecycleStages ?? current.lifecycleStages,
      defaultLifecycleStage: dto.defaultLifecycleStage ?? current.defaultLifecycleStage,
      defaultCountry: dto.defaultCountry !== undefined ? dto.defaultCountry : current.defaultCountry,
    };
    if (!next.lifecycleStages.includes(next.defaultLifecycleStage)) {
      throw new ValidationFailed([
        { field: 'defaultLifecycleStage', message: 'defaultLifecycleStage must be one of lifecycleStages' },
      ]);
    }
    await this.contacts.saveSettings(organizationId, next);
    return next;
  }
}
