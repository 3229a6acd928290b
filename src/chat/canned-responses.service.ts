import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { type Page, toPage } from '@/common/pagination/keyset';
import { isUniqueViolation } from '@/database/postgres-errors';
import { CannedResponsesRepository } from './canned-responses.repository';
import { CannedResponseNotFound, CannedResponseShortCodeTaken } from './chat.exception';
import {
  type CannedResponseDto,
  type CreateCannedResponseDto,
  toCannedResponseDto,
  type UpdateCannedResponseDto,
} from './dto/canned-response.dto';

/** Canned responses: answers agents insert with `/shortCode` (org admins write, agents and viewers read). */
@Injectable()
export class CannedResponsesService {
  constructor(private readonly repo: CannedResponsesRepository) {}

  async list(organizationId: OrganizationId, limit: number, cursor?: string, search?: string) {
    const rows = await this.repo.listPage(organizationId, limit, cursor, search);
    return toPage(rows, limit, toCannedResponseDto) satisfies Page<CannedResponseDto>;
  }

  async get(organizationId: OrganizationId, id: string): Promise<CannedResponseDto> {
    const row = await this.repo.find(organizationId, id);
    if (!row) throw new CannedResponseNotFound(id);
    return toCannedResponseDto(row);
  }

  async create(organizationId: OrganizationId, userId: string | null, dto: CreateCannedResponseDto) {
    if (await this.repo.findByShortCode(organizationId, dto.shortCode)) {
      throw new CannedResponseShortCodeTaken(dto.shortCode);
    }
    try {
      const row = await this.repo.create(organizationId, {
        shortCode: dto.shortCode,
        content: dto.content,
        createdById: userId,
      });
      return toCannedResponseDto(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CannedResponseShortCodeTaken(dto.shortCode);
      throw error;
    }
  }

  async update(organizationId: OrganizationId, id: string, dto: UpdateCannedResponseDto) {
    await this.get(organizationId, id);
    if (dto.shortCode !== undefined) {
      const other = await this.repo.findByShortCode(organizationId, dto.shortCode);
      if (other && other.id !== id) throw new CannedResponseShortCodeTaken(dto.shortCode);
    }
    try {
      await this.repo.update(organizationId, id, {
        ...(dto.shortCode !== undefined ? { shortCode: dto.shortCode } : {}),
        ...(dto.content !== undefined ? { content: dto.content } : {}),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new CannedResponseShortCodeTaken(dto.shortCode ?? '');
      throw error;
    }
    return this.get(organizationId, id);
  }

  async delete(organizationId: OrganizationId, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, id))) throw new CannedResponseNotFound(id);
  }

  /**
   * `/shortCode` at the very start of an agent's text, alone or followed by whitespace, becomes the
   * canned response's content (followed by the rest of the text). An unknown code leaves the text as is.
   */
  async expand(organizationId: OrganizationId, text: string): Promise<{ text: string; cannedResponseId?: string }> {
    const match = /^\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})(?=\s|$)/.exec(text);
    if (!match) return { text };
    const canned = await this.repo.findByShortCode(organizationId, match[1]!);
    if (!canned) return { text };
    return { text: `${canned.content}${text.slice(match[0].length)}`, cannedResponseId: canned.id };
  }
}
