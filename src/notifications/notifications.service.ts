import { Injectable } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { type Page, toPage } from '@/common/pagination/keyset';
import {
  type NotificationDto,
  type NotificationPreferencesDto,
  type PreferenceChoiceDto,
  toNotificationDto,
} from './dto/notification.dto';
import {
  effectivePreference,
  notificationChannels,
  notificationTypeNames,
  notificationTypes,
} from './notification-types';
import { DuplicatePreference, NotificationNotFound } from './notifications.exception';
import { NotificationsRepository } from './notifications.repository';

/** A user's own notifications and preferences in the active organization (the REST side). */
@Injectable()
export class NotificationsService {
  constructor(private readonly repo: NotificationsRepository) {}

  async list(
    organizationId: OrganizationId,
    userId: string,
    query: { readonly unread?: boolean; readonly limit: number; readonly cursor?: string },
  ): Promise<Page<NotificationDto>> {
    const rows = await this.repo.list(organizationId, userId, {
      unread: query.unread === true,
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return toPage(rows, query.limit, toNotificationDto);
  }

  unreadCount(organizationId: OrganizationId, userId: string): Promise<number> {
    return this.repo.unreadCount(organizationId, userId);
  }

  async markRead(organizationId: OrganizationId, userId: string, id: string): Promise<NotificationDto> {
    const row = await this.repo.markRead(organizationId, userId, id);
    if (!row) throw new NotificationNotFound(id);
    return toNotificationDto(row);
  }

  markAllRead(organizationId: OrganizationId, userId: string): Promise<number> {
    return this.repo.markAllRead(organizationId, userId);
  }

  async delete(organizationId: OrganizationId, userId: string, id: string): Promise<void> {
    if (!(await this.repo.delete(organizationId, userId, id))) throw new NotificationNotFound(id);
  }

  /** Every type × channel: the stored choice, else the default. */
  async preferences(organizationId: OrganizationId, userId: string): Promise<NotificationPreferencesDto> {
    const stored = new Map(
      (await this.repo.preferences(organizationId, userId)).map((p) => [`${p.type}/${p.channel}`, p.enabled]),
    );
    return {
      items: notificationTypeNames.flatMap((type) =>
        notificationChannels.map((channel) => {
          const choice = stored.get(`${type}/${channel}`);
          return {
            type,
            channel,
            enabled: effectivePreference(type, channel, choice),
            isDefault: choice === undefined,
            label: notificationTypes[type].label,
          };
        }),
      ),
    };
  }

  async updatePreferences(
    organizationId: OrganizationId,
    userId: string,
    choices: readonly PreferenceChoiceDto[],
  ): Promise<NotificationPreferencesDto> {
    const seen = new Set<string>();
    choices.forEach((choice, index) => {
      const key = `${choice.type}/${choice.channel}`;
      if (seen.has(key)) throw new DuplicatePreference(index);
      seen.add(key);
    });
    await this.repo.savePreferences(organizationId, userId, choices);
    return this.preferences(organizationId, userId);
  }
}
