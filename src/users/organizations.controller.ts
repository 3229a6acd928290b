import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentTenant, CurrentUserId, Roles, SuperAdmin } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get('current')
  @Roles('viewer')
  @ApiOperation({ summary: 'The active organization' })
  @ApiOkResponse({ type: OrganizationDto })
  current(@CurrentTenant() tenant: TenantContext): Promise<OrganizationDto> {
    return this.organizations.current(tenant);
  }

  @Patch('current')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Rename the active organization' })
  @ApiOkResponse({ type: OrganizationDto })
  update(@CurrentTenant() tenant: TenantContext, @Body() dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.rename(tenant, dto.name);
  }

  @Post()
  @Authenticated()
  @ApiOperation({ summary: 'Found another organization; you become its org_admin' })
  @ApiCreatedResponse({ type: OrganizationDto })
  create(@CurrentUserId() userId: string, @Body() dto: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.createForUser(userId, dto.name);
  }

  @Get()
  @SuperAdmin()
  @ApiOperation({ summary: 'All organizations (platform administrators)' })
  @ApiOkResponse({ type: PageOf(OrganizationDto) })
  list(@Query() page: PageQueryDto): Promise<Page<OrganizationDto>> {
    return this.organizations.list(page.limit, page.cursor);
  }

  @Get(':id')
  @SuperAdmin()
  @ApiOperation({ summary: 'One organization (platform administrators)' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(404)
  get(@UuidParam('id') id: string): Promise<OrganizationDto> {
    return this.organizations.get(id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @SuperAdmin()
  @ApiOperation({ summary: 'Suspend an organization: its members and API keys lose access' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(404)
  suspend(@UuidParam('id') id: string): Promise<OrganizationDto> {
    return this.organizations.setSuspended(id, true);
  }

  @Post(':id/unsuspend')
  @HttpCode(200)
  @SuperAdmin()
  @ApiOperation({ summary: 'Lift a suspension' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(404)
  unsuspend(@UuidParam('id') id: string): Promise<OrganizationDto> {
    return this.organizations.setSuspended(id, false);
  }
}
