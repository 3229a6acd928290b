import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { ConnectionsService } from './connections.service';
import {
  ConnectionDto,
  ConnectionsQueryDto,
  ConnectionTestResultDto,
  CreateConnectionDto,
  TestConnectionDto,
  UpdateConnectionDto,
} from './dto/connection.dto';

@ApiTags('connections')
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: 'Connections of the organization (settings and secret names, never secrets)' })
  @ApiOkResponse({ type: PageOf(ConnectionDto) })
  @ApiProblems(400)
  list(@CurrentTenant() tenant: TenantContext, @Query() query: ConnectionsQueryDto): Promise<Page<ConnectionDto>> {
    return this.connections.list(tenant.organizationId, query.limit, query.cursor, query.type);
  }

  @Post()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Create a connection (name unique per organization; secrets are sealed at rest)' })
  @ApiCreatedResponse({ type: ConnectionDto })
  @ApiProblems(400, 409)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateConnectionDto,
  ): Promise<ConnectionDto> {
    return this.connections.create(tenant.organizationId, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One connection (never its secrets)' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<ConnectionDto> {
    return this.connections.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Rename a connection, replace its settings or all its secrets (the type stays)' })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiProblems(400, 404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateConnectionDto,
  ): Promise<ConnectionDto> {
    return this.connections.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a connection (blocks that use it take their error path)' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.connections.delete(tenant.organizationId, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Try the connection against its service (200 with `ok` either way; the outcome is stored)',
  })
  @ApiOkResponse({ type: ConnectionTestResultDto })
  @ApiProblems(400, 404)
  test(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: TestConnectionDto,
  ): Promise<ConnectionTestResultDto> {
    return this.connections.test(tenant.organizationId, id, dto.url);
  }
}
