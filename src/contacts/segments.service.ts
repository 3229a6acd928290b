import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@/database/postgres-errors';
import type { ContactFilter } from './contact-filter';
import { ContactsService } from './contacts.service';
import { SegmentNameTaken, SegmentNotFound } from './contacts.exception';
import type { ContactDto } from './dto/contact.dto';
import type { CreateSegmentDto, SegmentDto, UpdateSegmentDto } from './dto/segment.dto';
import { type SegmentRow, SegmentsRepository } from './segments.repository';

/** A stored filter (JSON) as a `ContactFilter`: dates back from ISO strings. */
export function filterFromJson(stored: Readonly<Record<string, unknown>>): ContactFilter {
  const date = (value: unknown): Date | undefined => (typeof value === 'string' ? new Date(value) : undefined);
  const filter = { ...stored } as ContactFilter & Record<string, unknown>;
  const from = date(stored.lastSeenFrom);
  const to = date(stored.lastSeenTo);
  return { ...filter, ...(from ? { lastSeenFrom: from } : {}), ...(to ? { lastSeenTo: to } : {}) };
}

const toDto = (row: SegmentRow): SegmentDto => ({
  id: row.id,
  name: row.name,
  filter: row.filter,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Segments: saved contact filters with a live count and a preview (the same filter as the list). */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly repo: SegmentsRepository,
    private readonly contacts: ContactsService,
  ) {}

  async list(organizationId: OrganizationId): Promise<SegmentDto[]> {
    return (await this.repo.list(organizationId)).map(toDto);
  }

  async get(organizationId: OrganizationId, id: string): Promise<SegmentDto> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new SegmentNotFound(id);
    return toDto(row);
  }

  /** The segment's filter, for a count, a preview, an export or a campaign. */
  async filterOf(organizationId: OrganizationId, id: string): Promise<ContactFilter> {
    return filterFromJson((await this.get(organizationId, id)).filter as unknown as Record<string, unknown>);
  }

  async create(organizationId: OrganizationId, userId: string | null, dto: CreateSegmentDto): Promise<SegmentDto> {
    // The filter is checked like a list's (unknown attributes → 400) before it is saved.
    await this.contacts.filterSql(organizationId, dto.filter);
    const id = await this.unique(dto.name, () => this.repo.create(organizationId, dto.name.trim(), dto.filter, userId));
    return this.get(organizationId, id);
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateSegmentDto): Promise<SegmentDto> {
    if (dto.filter) await this.contacts.filterSql(organizationId, dto.filter);
    const found = await this.unique(dto.name ?? '', () =>
      this.repo.update(organizationId, id, dto.name?.trim(), dto.filter),
    );
    if (!found) throw new SegmentNotFound(id);
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new SegmentNotFound(id);
  }

  async count(organizationId: OrganizationId, id: string): Promise<number> {
    return this.contacts.count(organizationId, await this.filterOf(organizationId, id));
  }

  async preview(organizationId: OrganizationId, id: string, limit: number): Promise<ContactDto[]> {
    const page = await this.contacts.list(organizationId, await this.filterOf(organizationId, id), {
      sort: 'createdAt',
      limit,
    });
    return page.items;
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new SegmentNameTaken(name);
      throw error;
    }
  }
}
