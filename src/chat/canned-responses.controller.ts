import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { CannedResponsesService } from './canned-responses.service';
import {
  CannedResponseDto,
  CannedResponsesQueryDto,
  CreateCannedResponseDto,
  UpdateCannedResponseDto,
} from './dto/canned-response.dto';

@ApiTags('canned-responses')
@Controller('canned-responses')
export class CannedResponsesController {
  constructor(private readonly canned: CannedResponsesService) {}

  @Get()
  @Roles('agent')
  @ApiOperation({ summary: 'Canned responses (`search`: short codes starting with it)' })
  @ApiOkResponse({ type: PageOf(CannedResponseDto) })
  @ApiProblems(400)
  list(
    @CurrentTenant() tenant: TenantContext,
    @Query() query: CannedResponsesQueryDto,
  ): Promise<Page<CannedResponseDto>> {
    return this.canned.list(tenant.organizationId, query.limit, query.cursor, query.search);
  }

  @Post()
  @Roles('org_admin')
  @ApiOperation({ summary: 'Create a canned response (short code unique per organization, case-insensitive)' })
  @ApiCreatedResponse({ type: CannedResponseDto })
  @ApiProblems(400, 409)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateCannedResponseDto,
  ): Promise<CannedResponseDto> {
    return this.canned.create(tenant.organizationId, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'One canned response' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiProblems(404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<CannedResponseDto> {
    return this.canned.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Change a canned response' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiProblems(400, 404, 409)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateCannedResponseDto,
  ): Promise<CannedResponseDto> {
    return this.canned.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Delete a canned response' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.canned.delete(tenant.organizationId, id);
  }
}
