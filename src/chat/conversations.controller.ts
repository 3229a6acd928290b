import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import { chatActorOf } from './chat-actor';
import { ConversationsService } from './conversations.service';
import {
  AssignDto,
  ConversationDto,
  ConversationPageDto,
  ConversationsQueryDto,
  HandbackDto,
  MessageDto,
  MessageListDto,
  MessagesQueryDto,
  ReadDto,
  ReadMarkerDto,
  SendAgentMessageDto,
  SetStatusDto,
  SnoozeDto,
  toMessageDto,
  UnreadCountsDto,
  UpdateConversationDto,
} from './dto/conversation.dto';

/** The agents' inbox and actions on conversations (the agent socket calls the same service). */
@ApiTags('conversations')
@Controller('conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get()
  @Roles('viewer')
  @ApiOperation({
    summary: 'The inbox: conversations, newest activity first',
    description:
      "Filters combine with AND. `mine=true` is the caller's assigned conversations. Editor previews are never listed. " +
      "`unreadCount` counts messages after the caller's read marker that are not activity lines or the caller's own.",
  })
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiProblems(400)
  list(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Query() query: ConversationsQueryDto,
  ): Promise<ConversationPageDto> {
    return this.conversations.list(tenant.organizationId, chatActorOf(tenant, principal), {
      ...(query.status ? { statuses: query.status } : {}),
      ...(query.assigneeId ? { assigneeId: query.assigneeId } : {}),
      ...(query.departmentId ? { departmentId: query.departmentId } : {}),
      ...(query.unassigned ? { unassigned: true } : {}),
      ...(query.mine ? { mine: true } : {}),
      ...(query.label ? { label: query.label } : {}),
      ...(query.chatbotId ? { chatbotId: query.chatbotId } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      limit: query.limit,
    });
  }

  @Get('unread')
  @Roles('viewer')
  @ApiOperation({
    summary: "The caller's unread messages in the conversations assigned to them, by status",
    description: 'API keys have no inbox: 403.',
  })
  @ApiOkResponse({ type: UnreadCountsDto })
  unread(@CurrentTenant() tenant: TenantContext, @CurrentPrincipal() principal: Principal): Promise<UnreadCountsDto> {
    return this.conversations.unread(tenant.organizationId, chatActorOf(tenant, principal));
  }

  @Get(':id')
  @Roles('viewer')
  @ApiOperation({ summary: 'One conversation' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(404)
  get(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<ConversationDto> {
    return this.conversations.get(tenant.organizationId, chatActorOf(tenant, principal), id);
  }

  @Get(':id/messages')
  @Roles('viewer')
  @ApiOperation({
    summary: 'The message history (with notes), oldest first, after a message',
    description: 'Page on with `after=<id of the last message you have>`.',
  })
  @ApiOkResponse({ type: MessageListDto })
  @ApiProblems(400, 404)
  async messages(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Query() query: MessagesQueryDto,
  ): Promise<MessageListDto> {
    const items = await this.conversations.messages(
      tenant.organizationId,
      chatActorOf(tenant, principal),
      id,
      query.after,
      query.limit,
    );
    return { items };
  }

  @Post(':id/messages')
  @Roles('agent')
  @ApiOperation({
    summary: 'Send a message (or a private note) as the caller',
    description:
      'Idempotent by `clientMessageId`: the first send answers 201, a resend 200 with the same message. ' +
      '`/shortCode` at the very start of the text (alone or before a space) is replaced by that canned response. ' +
      'Messages need a conversation with humans (409 while the bot has it); notes go anywhere. ' +
      'A WhatsApp conversation whose contact last wrote more than 24 hours ago refuses messages (422 `whatsapp.window_closed`).',
  })
  @ApiCreatedResponse({ type: MessageDto, description: 'Stored' })
  @ApiOkResponse({ type: MessageDto, description: 'Already stored (a resend)' })
  @ApiProblems(400, 404, 409, 422)
  async send(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: SendAgentMessageDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MessageDto> {
    const sent = await this.conversations.sendMessage(tenant.organizationId, chatActorOf(tenant, principal), id, dto);
    if (sent.duplicate) void reply.status(200);
    return toMessageDto(sent.message);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Roles('viewer')
  @ApiOperation({ summary: "Move the caller's read marker to a message (never back)" })
  @ApiOkResponse({ type: ReadMarkerDto })
  @ApiProblems(400, 404)
  read(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: ReadDto,
  ): Promise<ReadMarkerDto> {
    return this.conversations.markRead(tenant.organizationId, chatActorOf(tenant, principal), id, dto.messageId);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Assign to an agent or admin of the organization, or unassign (null)' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404)
  assign(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: AssignDto,
  ): Promise<ConversationDto> {
    return this.conversations.assign(tenant.organizationId, chatActorOf(tenant, principal), id, dto.assigneeId);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Set the status',
    description:
      'open → resolved | snoozed; snoozed → open | resolved | snoozed; resolved → open. A conversation the bot has ' +
      '(`pending`) answers 409; hand-back is `POST …/handback`.',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404, 409)
  setStatus(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: SetStatusDto,
  ): Promise<ConversationDto> {
    return this.conversations.setStatus(
      tenant.organizationId,
      chatActorOf(tenant, principal),
      id,
      dto.status,
      dto.snoozedUntil,
    );
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Resolve' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(404, 409)
  resolve(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<ConversationDto> {
    return this.conversations.resolve(tenant.organizationId, chatActorOf(tenant, principal), id);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Reopen a resolved or snoozed conversation' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(404, 409)
  reopen(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<ConversationDto> {
    return this.conversations.reopen(tenant.organizationId, chatActorOf(tenant, principal), id);
  }

  @Post(':id/snooze')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: 'Snooze until a time in the future (it reopens by itself then)' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404, 409)
  snooze(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: SnoozeDto,
  ): Promise<ConversationDto> {
    return this.conversations.snooze(tenant.organizationId, chatActorOf(tenant, principal), id, dto.until);
  }

  @Patch(':id')
  @Roles('agent')
  @ApiOperation({ summary: 'Set priority, labels (replaced; lowercased) or department' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404)
  update(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: UpdateConversationDto,
  ): Promise<ConversationDto> {
    return this.conversations.update(tenant.organizationId, chatActorOf(tenant, principal), id, dto);
  }

  @Post(':id/handback')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({
    summary: 'Hand the conversation back to its bot (from a group, or after the handoff block)',
    description: 'Only for an open or snoozed conversation that came from a bot session: 409 otherwise.',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiProblems(400, 404, 409)
  handBack(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
    @Body() dto: HandbackDto,
  ): Promise<ConversationDto> {
    return this.conversations.handBack(tenant.organizationId, chatActorOf(tenant, principal), id, dto.groupId);
  }
}
