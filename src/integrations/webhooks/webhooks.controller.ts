import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import {
  CreateWebhookDto,
  RotateWebhookSecretDto,
  UpdateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookEventTypesDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Controller('webhooks')
@Roles('org_admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get('event-types')
  @ApiOperation({
    summary: 'Event types a webhook can subscribe to, each with the OpenAPI schema of its body (and `ping`)',
  })
  @ApiOkResponse({ type: WebhookEventTypesDto })
  @ApiProblems(403)
  eventTypes(): WebhookEventTypesDto {
    return this.webhooks.eventTypes();
  }

  @Get()
  @ApiOperation({ summary: 'Webhook subscriptions' })
  @ApiOkResponse({ type: PageOf(WebhookDto) })
  @ApiProblems(403)
  list(@CurrentTenant() tenant: TenantContext, @Query() query: PageQueryDto): Promise<Page<WebhookDto>> {
    return this.webhooks.list(tenant.organizationId, query.limit, query.cursor);
  }

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; the answer carries the signing secret, once' })
  @ApiCreatedResponse({ type: WebhookWithSecretDto })
  @ApiProblems(403)
  create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.create(tenant.organizationId, principal.kind === 'user' ? principal.userId : null, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(403, 404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<WebhookDto> {
    return this.webhooks.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a subscription (URL, event types, description, active)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(403, 404)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its delivery log' })
  @ApiNoContentResponse()
  @ApiProblems(403, 404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.webhooks.delete(tenant.organizationId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret (returned once); the previous one also signs during `overlapSeconds`',
  })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  @ApiProblems(403, 404)
  rotateSecret(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: RotateWebhookSecretDto,
  ): Promise<WebhookWithSecretDto> {
    return this.webhooks.rotateSecret(tenant.organizationId, id, dto);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `ping` delivery now' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiProblems(403, 404, 503)
  test(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.test(tenant.organizationId, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first (filters: status, eventType)' })
  @ApiOkResponse({ type: PageOf(WebhookDeliveryDto) })
  @ApiProblems(403, 404)
  deliveries(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() query: WebhookDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    return this.webhooks.deliveries(tenant.organizationId, id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOperation({ summary: 'One delivery, with the body sent' })
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  @ApiProblems(403, 404)
  delivery(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @UuidParam('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDetailDto> {
    return this.webhooks.delivery(tenant.organizationId, id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the same event again now, as a new delivery (`replayOf`)' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiProblems(403, 404, 503)
  replay(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @UuidParam('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.webhooks.replay(tenant.organizationId, id, deliveryId);
  }
}
