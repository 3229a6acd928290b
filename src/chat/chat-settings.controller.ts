import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { UuidParam } from '@/common/validation/uuid-param';
import { AssignmentService } from './assignment.service';
import { chatActorOf } from './chat-actor';
import { CapacityDto } from './dto/conversation.dto';
import { AgentDto, AgentListDto, ChatSettingsDto, PresenceDto, PresenceStateDto } from './dto/chat.dto';
import { PRESENCE_TTL_SECONDS } from './presence.service';

/** Assignment settings, agents' capacity and presence. */
@ApiTags('chat')
@Controller('chat')
export class ChatSettingsController {
  constructor(private readonly assignment: AssignmentService) {}

  @Get('settings')
  @Roles('viewer')
  @ApiOperation({ summary: "The organization's assignment strategy and default agent capacity" })
  @ApiOkResponse({ type: ChatSettingsDto })
  settings(@CurrentTenant() tenant: TenantContext): Promise<ChatSettingsDto> {
    return this.assignment.settings(tenant.organizationId);
  }

  @Put('settings')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Set the assignment strategy and default agent capacity' })
  @ApiOkResponse({ type: ChatSettingsDto })
  @ApiProblems(400)
  updateSettings(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: ChatSettingsDto,
  ): Promise<ChatSettingsDto> {
    return this.assignment.updateSettings(tenant.organizationId, chatActorOf(tenant, principal), dto);
  }

  @Get('agents')
  @Roles('viewer')
  @ApiOperation({ summary: 'Members who can take chats (agents and admins), with presence, open count and capacity' })
  @ApiOkResponse({ type: AgentListDto })
  async agents(@CurrentTenant() tenant: TenantContext): Promise<AgentListDto> {
    return { items: await this.assignment.agents(tenant.organizationId) };
  }

  @Put('agents/:userId/capacity')
  @Roles('org_admin')
  @ApiOperation({ summary: "Set one agent's capacity (open conversations at most)" })
  @ApiOkResponse({ type: AgentDto })
  @ApiProblems(400, 404)
  setCapacity(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('userId') userId: string,
    @Body() dto: CapacityDto,
  ): Promise<AgentDto> {
    return this.assignment.setCapacity(tenant.organizationId, chatActorOf(tenant, principal), userId, dto.capacity);
  }

  @Put('presence')
  @Roles('agent')
  @ApiOperation({
    summary: "Set the caller's presence (for clients without the agent socket)",
    description: `A REST presence expires after ${PRESENCE_TTL_SECONDS} s unless renewed with POST /chat/presence/heartbeat (the socket heartbeats by itself). Coming online assigns waiting conversations.`,
  })
  @ApiOkResponse({ type: PresenceStateDto })
  @ApiProblems(400, 404)
  setPresence(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PresenceDto,
  ): Promise<PresenceStateDto> {
    return this.assignment.setPresence(tenant.organizationId, chatActorOf(tenant, principal), dto.status);
  }

  @Post('presence/heartbeat')
  @HttpCode(200)
  @Roles('agent')
  @ApiOperation({ summary: "Keep the caller's presence alive (an offline caller comes back online)" })
  @ApiOkResponse({ type: PresenceStateDto })
  @ApiProblems(404)
  heartbeat(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PresenceStateDto> {
    return this.assignment.heartbeat(tenant.organizationId, chatActorOf(tenant, principal));
  }
}
