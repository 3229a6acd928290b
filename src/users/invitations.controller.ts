import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, CurrentTenant, CurrentUserId, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { NoStore } from '@/common/http/no-store.decorator';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { AcceptInvitationDto, CreatedInvitationDto, CreateInvitationDto, InvitationDto } from './dto/invitation.dto';
import { OrganizationDto } from './dto/organization.dto';
import { InvitationsService } from './invitations.service';
import { OrganizationsService } from './organizations.service';

@ApiTags('invitations')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Post()
  @NoStore()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Invite someone by email with a role; the token is shown once' })
  @ApiCreatedResponse({ type: CreatedInvitationDto })
  @ApiProblems(402, 409)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateInvitationDto,
  ): Promise<CreatedInvitationDto> {
    return this.invitations.create(tenant, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Invitations of the active organization' })
  @ApiOkResponse({ type: PageOf(InvitationDto) })
  list(@CurrentTenant() tenant: TenantContext, @Query() page: PageQueryDto): Promise<Page<InvitationDto>> {
    return this.invitations.list(tenant, page.limit, page.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Revoke a pending invitation' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  revoke(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.invitations.revoke(tenant, id);
  }

  @Post('accept')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Accept an invitation sent to your email; you join its organization' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiProblems(404, 409, 410)
  async accept(@CurrentUserId() userId: string, @Body() dto: AcceptInvitationDto): Promise<OrganizationDto> {
    const organizationId = await this.invitations.accept(userId, dto.token);
    return this.organizations.get(organizationId);
  }
}
