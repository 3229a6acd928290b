import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { DepartmentsService } from './departments.service';
import { CreateDepartmentDto, DepartmentDto, UpdateDepartmentDto } from './dto/department.dto';
import { MemberDto } from './dto/member.dto';

@ApiTags('departments')
@Controller('departments')
export class DepartmentsController {
  constructor(private readonly departments: DepartmentsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Departments (teams) of the active organization' })
  @ApiOkResponse({ type: PageOf(DepartmentDto) })
  list(@CurrentTenant() tenant: TenantContext, @Query() page: PageQueryDto): Promise<Page<DepartmentDto>> {
    return this.departments.list(tenant, page.limit, page.cursor);
  }

  @Post()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Create a department' })
  @ApiCreatedResponse({ type: DepartmentDto })
  @ApiProblems(409)
  create(@CurrentTenant() tenant: TenantContext, @Body() dto: CreateDepartmentDto): Promise<DepartmentDto> {
    return this.departments.create(tenant, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One department' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<DepartmentDto> {
    return this.departments.get(tenant, id);
  }

  @Patch(':id')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Rename or describe a department' })
  @ApiOkResponse({ type: DepartmentDto })
  @ApiProblems(404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateDepartmentDto,
  ): Promise<DepartmentDto> {
    return this.departments.update(tenant, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a department' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.departments.delete(tenant, id);
  }

  @Get(':id/members')
  @Roles('viewer')
  @ApiOperation({ summary: 'Members of a department' })
  @ApiOkResponse({ type: [MemberDto] })
  @ApiProblems(404)
  members(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<MemberDto[]> {
    return this.departments.listMembers(tenant, id);
  }

  @Put(':id/members/:userId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Add a member of the organization to a department (idempotent)' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  addMember(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @UuidParam('userId') userId: string,
  ): Promise<void> {
    return this.departments.addMember(tenant, id, userId);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Remove a member from a department' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  removeMember(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @UuidParam('userId') userId: string,
  ): Promise<void> {
    return this.departments.removeMember(tenant, id, userId);
  }
}
