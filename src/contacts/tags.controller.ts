import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import { CreateTagDto, TagDto, TagListDto, UpdateTagDto } from './dto/tag.dto';
import { TagsService } from './tags.service';

/** Contact tags: viewers read, agents create and edit, org admins delete. */
@ApiTags('tags')
@Controller('tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Tags, by name, with their contact counts' })
  @ApiOkResponse({ type: TagListDto })
  async list(@CurrentTenant() tenant: TenantContext): Promise<TagListDto> {
    return { items: await this.tags.list(tenant.organizationId) };
  }

  @Post()
  @Roles('agent')
  @ApiOperation({ summary: 'Create a tag (name unique, case-insensitive)' })
  @ApiCreatedResponse({ type: TagDto })
  @ApiProblems(400, 409)
  create(@CurrentTenant() tenant: TenantContext, @Body() dto: CreateTagDto): Promise<TagDto> {
    return this.tags.create(tenant.organizationId, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One tag' })
  @ApiOkResponse({ type: TagDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<TagDto> {
    return this.tags.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'Rename or recolor a tag' })
  @ApiOkResponse({ type: TagDto })
  @ApiProblems(400, 404, 409)
  update(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string, @Body() dto: UpdateTagDto) {
    return this.tags.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a tag (contacts lose it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    await this.tags.delete(tenant.organizationId, id);
  }
}
