import { Body, Controller, Delete, Get, HttpCode, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { ChangeRoleDto, MemberDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller('members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Members of the active organization' })
  @ApiOkResponse({ type: PageOf(MemberDto) })
  list(@CurrentTenant() tenant: TenantContext, @Query() page: PageQueryDto): Promise<Page<MemberDto>> {
    return this.members.list(tenant, page.limit, page.cursor);
  }

  @Get(':userId')
  @Roles('viewer')
  @ApiOperation({ summary: 'One member' })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('userId') userId: string): Promise<MemberDto> {
    return this.members.get(tenant, userId);
  }

  @Patch(':userId')
  @Roles('org_admin')
  @ApiOperation({ summary: "Change a member's role (the last org_admin cannot be demoted)" })
  @ApiOkResponse({ type: MemberDto })
  @ApiProblems(404, 409)
  changeRole(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('userId') userId: string,
    @Body() dto: ChangeRoleDto,
  ): Promise<MemberDto> {
    return this.members.changeRole(tenant, userId, dto.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Remove a member (the last org_admin cannot be removed)' })
  @ApiNoContentResponse()
  @ApiProblems(404, 409)
  remove(@CurrentTenant() tenant: TenantContext, @UuidParam('userId') userId: string): Promise<void> {
    return this.members.remove(tenant, userId);
  }
}
