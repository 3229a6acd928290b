import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { NotificationEntity, NotificationPreferenceEntity } from './entities/notification.entity';
import { NotificationsProcessor } from './jobs/notifications.processor';
import { NotificationsSchedule } from './jobs/notifications-schedule';
import { NotificationDelivery } from './notification-delivery.service';
import { NotificationPusher } from './notification-pusher';
import { NotificationPreferencesController, NotificationsController } from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { EmailTemplates } from './templates/email-templates';

/**
 * Notifications (docs/notifications.md): a user's in-app notifications and preferences under
 * `/api/v1/notifications` and `/api/v1/notification-preferences` (API processes); the `notify` job
 * that turns domain events into rows, socket pushes and emails, and the retention job (workers).
 */
@Module({})
export class NotificationsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [TypeOrmModule.forFeature([NotificationEntity, NotificationPreferenceEntity])],
      controllers: config.role.api ? [NotificationsController, NotificationPreferencesController] : [],
      providers: [
        NotificationsRepository,
        NotificationsService,
        ...(config.role.worker
          ? [{ provide: EmailTemplates, useValue: new EmailTemplates() }, NotificationPusher, NotificationDelivery]
          : []),
        ...workerProviders(config, [NotificationsProcessor, NotificationsSchedule]),
      ],
      exports: [NotificationsService],
    };
  }
}
