import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentTenant, Public, Roles } from '@/access/access.decorators';
import type { TenantContext } from '@/access/principal';
import { KeepRawBody, type RequestWithRawBody } from '@/common/http/raw-body';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf, PageQueryDto } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import {
  CreateWhatsAppChannelDto,
  TemplateSyncDto,
  UpdateWhatsAppChannelDto,
  WhatsAppChannelDto,
  WhatsAppTemplateDto,
  WhatsAppTemplatesQueryDto,
} from './dto/whatsapp-channel.dto';
import { WhatsAppChannelsService } from './whatsapp-channels.service';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

@ApiTags('whatsapp')
@Controller('channels/whatsapp')
export class WhatsAppChannelsController {
  constructor(private readonly channels: WhatsAppChannelsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({ summary: "The organization's WhatsApp numbers (secrets are never returned)" })
  @ApiOkResponse({ type: PageOf(WhatsAppChannelDto) })
  @ApiProblems(400)
  list(@CurrentTenant() tenant: TenantContext, @Query() query: PageQueryDto): Promise<Page<WhatsAppChannelDto>> {
    return this.channels.list(tenant.organizationId, query.limit, query.cursor);
  }

  @Post()
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Connect a WhatsApp number (Cloud API)',
    description:
      'The access token and app secret are sealed at rest. Enter `webhookUrl` and the verify token at Meta. ' +
      "The number's verified name and quality rating are read from the Graph API in the background.",
  })
  @ApiCreatedResponse({ type: WhatsAppChannelDto })
  @ApiProblems(400, 402, 409)
  create(@CurrentTenant() tenant: TenantContext, @Body() dto: CreateWhatsAppChannelDto): Promise<WhatsAppChannelDto> {
    return this.channels.create(tenant.organizationId, dto);
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One WhatsApp number' })
  @ApiOkResponse({ type: WhatsAppChannelDto })
  @ApiProblems(400, 404)
  get(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<WhatsAppChannelDto> {
    return this.channels.get(tenant.organizationId, id);
  }

  @Patch(':id')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Change a WhatsApp number (new secrets, the chatbot that answers)' })
  @ApiOkResponse({ type: WhatsAppChannelDto })
  @ApiProblems(400, 404)
  update(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Body() dto: UpdateWhatsAppChannelDto,
  ): Promise<WhatsAppChannelDto> {
    return this.channels.update(tenant.organizationId, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('org_admin')
  @ApiOperation({ summary: 'Disconnect a WhatsApp number (its templates go; conversations stay)' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  delete(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<void> {
    return this.channels.delete(tenant.organizationId, id);
  }

  @Post(':id/templates/sync')
  @HttpCode(202)
  @Roles('org_admin')
  @ApiOperation({ summary: "Pull the business account's message templates from the Graph API (queued)" })
  @ApiAcceptedResponse({ type: TemplateSyncDto })
  @ApiProblems(400, 404, 503)
  syncTemplates(@CurrentTenant() tenant: TenantContext, @UuidParam('id') id: string): Promise<TemplateSyncDto> {
    return this.channels.requestTemplateSync(tenant.organizationId, id);
  }

  @Get(':id/templates')
  @Roles('viewer')
  @ApiOperation({ summary: "The number's message templates as last synced (filters: status, language)" })
  @ApiOkResponse({ type: PageOf(WhatsAppTemplateDto) })
  @ApiProblems(400, 404)
  templates(
    @CurrentTenant() tenant: TenantContext,
    @UuidParam('id') id: string,
    @Query() query: WhatsAppTemplatesQueryDto,
  ): Promise<Page<WhatsAppTemplateDto>> {
    return this.channels.templates(tenant.organizationId, id, query);
  }

  @Get(':channelId/webhook')
  @Public()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "Meta's webhook verification",
    description: 'With `hub.mode=subscribe` and the channel’s verify token, answers `hub.challenge` as text.',
  })
  @ApiQuery({ name: 'hub.mode', required: false, schema: { type: 'string', example: 'subscribe' } })
  @ApiQuery({ name: 'hub.verify_token', required: false, schema: { type: 'string' } })
  @ApiQuery({ name: 'hub.challenge', required: false, schema: { type: 'string' } })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'The challenge', schema: { type: 'string' } })
  @ApiProblems(400, 403, 404)
  async verify(
    @UuidParam('channelId') channelId: string,
    @Query('hub.mode') mode: unknown,
    @Query('hub.verify_token') token: unknown,
    @Query('hub.challenge') challenge: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const answer = await this.channels.verify(channelId, text(mode), text(token), text(challenge));
    void reply.type('text/plain; charset=utf-8');
    return answer;
  }

  @Post(':channelId/webhook')
  @Public()
  @KeepRawBody()
  @HttpCode(200)
  @ApiOperation({
    summary: "Meta's notifications (messages and statuses)",
    description:
      'Signed by Meta: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>` (401 otherwise). ' +
      'Answers at once; each message and status is processed through a queue, once per Meta id.',
  })
  @ApiBody({
    schema: { type: 'object', additionalProperties: true, description: 'A `whatsapp_business_account` notification' },
  })
  @ApiOkResponse({ schema: { type: 'object', properties: { accepted: { type: 'integer' } }, required: ['accepted'] } })
  @ApiProblems(400, 401, 404, 503)
  receive(
    @UuidParam('channelId') channelId: string,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Req() request: RequestWithRawBody,
    @Body() body: unknown,
  ): Promise<{ accepted: number }> {
    return this.channels.receive(channelId, text(signature), request.rawBody, body);
  }
}
