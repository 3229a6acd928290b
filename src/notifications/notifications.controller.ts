import { Body, Controller, Delete, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { type Page, PageOf } from '@/common/pagination/keyset';
import { UuidParam } from '@/common/validation/uuid-param';
import {
  NotificationDto,
  NotificationPreferencesDto,
  NotificationsQueryDto,
  ReadAllDto,
  UnreadCountDto,
  UpdateNotificationPreferencesDto,
} from './dto/notification.dto';
import { NotificationsUserRequired } from './notifications.exception';
import { NotificationsService } from './notifications.service';

/** Notifications are a person's: API keys have none. */
const userOf = (principal: Principal): string => {
  if (principal.kind !== 'user') throw new NotificationsUserRequired();
  return principal.userId;
};

@ApiTags('notifications')
@Controller('notifications')
@Roles('viewer')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Your notifications in the organization, newest first (`unread=true`: unread only)' })
  @ApiOkResponse({ type: PageOf(NotificationDto) })
  @ApiProblems(400, 403)
  list(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Query() query: NotificationsQueryDto,
  ): Promise<Page<NotificationDto>> {
    return this.notifications.list(tenant.organizationId, userOf(principal), query);
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  @ApiOkResponse({ type: UnreadCountDto })
  @ApiProblems(403)
  async unreadCount(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UnreadCountDto> {
    return { count: await this.notifications.unreadCount(tenant.organizationId, userOf(principal)) };
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark every notification read; answers how many were unread' })
  @ApiOkResponse({ type: ReadAllDto })
  @ApiProblems(403)
  async readAll(@CurrentTenant() tenant: TenantContext, @CurrentPrincipal() principal: Principal): Promise<ReadAllDto> {
    return { updated: await this.notifications.markAllRead(tenant.organizationId, userOf(principal)) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one notification read' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiProblems(403, 404)
  read(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<NotificationDto> {
    return this.notifications.markRead(tenant.organizationId, userOf(principal), id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one notification' })
  @ApiNoContentResponse()
  @ApiProblems(403, 404)
  delete(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @UuidParam('id') id: string,
  ): Promise<void> {
    return this.notifications.delete(tenant.organizationId, userOf(principal), id);
  }
}

@ApiTags('notifications')
@Controller('notification-preferences')
@Roles('viewer')
export class NotificationPreferencesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Every notification type × channel: on or off, and whether it is the default' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblems(403)
  get(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(tenant.organizationId, userOf(principal));
  }

  @Put()
  @ApiOperation({ summary: 'Turn channels of notification types on or off (those not listed stay as they are)' })
  @ApiOkResponse({ type: NotificationPreferencesDto })
  @ApiProblems(400, 403)
  update(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    return this.notifications.updatePreferences(tenant.organizationId, userOf(principal), dto.preferences);
  }
}
