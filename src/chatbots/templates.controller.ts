import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { CreateTemplateDto, TemplateDto, TemplateSummaryDto } from './dto/template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "Built-in templates and the organization's own" })
  @ApiOkResponse({ type: [TemplateSummaryDto] })
  list(@CurrentTenant() tenant: TenantContext): Promise<TemplateSummaryDto[]> {
    return this.templates.list(tenant);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One template with its flow' })
  @ApiOkResponse({ type: TemplateDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @Param('id') id: string): Promise<TemplateDto> {
    return this.templates.get(tenant, id);
  }

  @Post()
  @Roles('agent')
  @ApiOperation({ summary: "Save an organization template from a chatbot's draft or from a flow" })
  @ApiCreatedResponse({ type: TemplateDto })
  @ApiProblems(404)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateTemplateDto,
  ): Promise<TemplateDto> {
    return this.templates.create(tenant, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete an organization template' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  delete(@CurrentTenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    return this.templates.delete(tenant, id);
  }
}
