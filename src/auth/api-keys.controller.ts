import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoStore } from '@/common/http/no-store.decorator';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import { ApiKeysService } from './api-keys.service';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import type { Principal, TenantContext } from '@/access/principal';

@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @NoStore()
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Create an API key for machine clients',
    description: 'Send it as `Authorization: Bearer <key>` or `X-Api-Key: <key>`. The key is shown once.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(tenant, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get()
  @Roles('org_admin')
  @ApiOperation({ summary: 'API keys of the active organization (never the keys themselves)' })
  @ApiOkResponse({ type: PageOf(ApiKeyDto) })
  list(@CurrentTenant() tenant: TenantContext, @Query() page: PageQueryDto): Promise<Page<ApiKeyDto>> {
    return this.apiKeys.list(tenant, page.limit, page.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  revoke(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.apiKeys.revoke(tenant, id);
  }
}
