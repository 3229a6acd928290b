import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull } from '@/common/validation/field-validators';
import {
  type NotificationChannel,
  notificationChannels,
  type NotificationType,
  notificationTypeNames,
} from '../notification-types';
import type { NotificationRow } from '../notifications.repository';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class NotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only unread notifications' })
  @OptionalNotNull()
  @Transform(toBoolean)
  @IsBoolean()
  unread?: boolean;
}

/** A notification as the API and the socket event `notification.created` show it. */
export class NotificationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: notificationTypeNames })
  type!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty()
  body!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Ids of what it is about (`conversationId`, `subscriptionId`…) and `url`, its page in the dashboard',
  })
  data!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt!: string | null;
}

export const toNotificationDto = (row: NotificationRow): NotificationDto => ({
  id: row.id,
  type: row.type,
  title: row.title,
  body: row.body,
  data: row.data,
  createdAt: new Date(row.createdAt).toISOString(),
  readAt: row.readAt ? new Date(row.readAt).toISOString() : null,
});

export class UnreadCountDto {
  @ApiProperty({ description: 'Unread notifications of the caller in the organization' })
  count!: number;
}

export class ReadAllDto {
  @ApiProperty({ description: 'How many notifications were marked read' })
  updated!: number;
}

export class NotificationPreferenceDto {
  @ApiProperty({ enum: notificationTypeNames })
  type!: NotificationType;

  @ApiProperty({ enum: notificationChannels })
  channel!: NotificationChannel;

  @ApiProperty({ description: 'Whether notifications of this type come through this channel' })
  enabled!: boolean;

  @ApiProperty({ description: 'True while the user has not chosen (the value is the default of the type)' })
  isDefault!: boolean;

  @ApiProperty({ description: 'What the type is about' })
  label!: string;
}

export class NotificationPreferencesDto {
  @ApiProperty({ type: [NotificationPreferenceDto], description: 'Every type × channel' })
  items!: NotificationPreferenceDto[];
}

export class PreferenceChoiceDto {
  @ApiProperty({ enum: notificationTypeNames })
  @IsIn(notificationTypeNames)
  type!: NotificationType;

  @ApiProperty({ enum: notificationChannels })
  @IsIn(notificationChannels)
  channel!: NotificationChannel;

  @ApiProperty()
  @IsBoolean()
  enabled!: boolean;
}

export const MAX_PREFERENCE_CHOICES = notificationTypeNames.length * notificationChannels.length;

export class UpdateNotificationPreferencesDto {
  @ApiProperty({
    type: [PreferenceChoiceDto],
    minItems: 1,
    maxItems: MAX_PREFERENCE_CHOICES,
    description: 'Choices to store; types and channels not listed keep their value',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PREFERENCE_CHOICES)
  @ValidateNested({ each: true })
  @Type(() => PreferenceChoiceDto)
  preferences!: PreferenceChoiceDto[];
}
