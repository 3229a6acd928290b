import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { isUniqueViolation } from '@/database/postgres-errors';
import { TagNameTaken, TagNotFound } from './contacts.exception';
import type { CreateTagDto, TagDto, UpdateTagDto } from './dto/tag.dto';
import { type TagRow, TagsRepository } from './tags.repository';

const toTagDto = (row: TagRow): TagDto => ({
  id: row.id,
  name: row.name,
  color: row.color,
  contactCount: row.contact_count,
  createdAt: row.created_at,
});

/** Tags of contacts; names unique per organization, case-insensitive (`uq_tags_name`). */
@Injectable()
export class TagsService {
  constructor(private readonly repo: TagsRepository) {}

  async list(organizationId: OrganizationId): Promise<TagDto[]> {
    return (await this.repo.list(organizationId)).map(toTagDto);
  }

  async get(organizationId: OrganizationId, id: string): Promise<TagDto> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new TagNotFound(id);
    return toTagDto(row);
  }

  async create(organizationId: OrganizationId, dto: CreateTagDto): Promise<TagDto> {
    const name = dto.name.trim();
    if (!name) throw new ValidationFailed([{ field: 'name', message: 'name must not be blank' }]);
    const id = await this.unique(name, () => this.repo.create(organizationId, name, dto.color ?? null));
    return this.get(organizationId, id);
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateTagDto): Promise<TagDto> {
    const name = dto.name?.trim();
    if (name === '') throw new ValidationFailed([{ field: 'name', message: 'name must not be blank' }]);
    const found = await this.unique(name ?? '', () => this.repo.update(organizationId, id, name, dto.color));
    if (!found) throw new TagNotFound(id);
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new TagNotFound(id);
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new TagNameTaken(name);
      throw error;
    }
  }
}
