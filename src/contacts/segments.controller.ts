import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import {
  CreateSegmentDto,
  SegmentCountDto,
  SegmentDto,
  SegmentListDto,
  SegmentPreviewDto,
  SegmentPreviewQueryDto,
  UpdateSegmentDto,
} from './dto/segment.dto';
import { SegmentsService } from './segments.service';

/** Segments (saved contact filters, for campaigns): viewers read and count, agents save, org admins delete. */
@ApiTags('segments')
@Controller('segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Segments, by name' })
  @ApiOkResponse({ type: SegmentListDto })
  async list(@CurrentTenant() tenant: TenantContext): Promise<SegmentListDto> {
    return { items: await this.segments.list(tenant.organizationId) };
  }

  @Post()
  @Roles('agent')
  @ApiOperation({ summary: 'Save a filter as a segment (checked like a list filter)' })
  @ApiCreatedResponse({ type: SegmentDto })
  @ApiProblems(400, 409)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateSegmentDto,
  ): Promise<SegmentDto> {
    return this.segments.create(tenant.organizationId, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One segment' })
  @ApiOkResponse({ type: SegmentDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<SegmentDto> {
    return this.segments.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'Rename a segment or change its filter' })
  @ApiOkResponse({ type: SegmentDto })
  @ApiProblems(400, 404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateSegmentDto,
  ): Promise<SegmentDto> {
    return this.segments.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a segment (its contacts stay)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(404)
  async delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    await this.segments.delete(tenant.organizationId, id);
  }

  @Get(':id/count')
  @Roles('viewer')
  @ApiOperation({ summary: 'How many contacts the segment has now' })
  @ApiOkResponse({ type: SegmentCountDto })
  @ApiProblems(404)
  async count(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<SegmentCountDto> {
    return { count: await this.segments.count(tenant.organizationId, id) };
  }

  @Get(':id/preview')
  @Roles('viewer')
  @ApiOperation({ summary: 'The first contacts of the segment (newest first)' })
  @ApiOkResponse({ type: SegmentPreviewDto })
  @ApiProblems(400, 404)
  async preview(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() query: SegmentPreviewQueryDto,
  ): Promise<SegmentPreviewDto> {
    return { items: await this.segments.preview(tenant.organizationId, id, query.limit) };
  }
}
