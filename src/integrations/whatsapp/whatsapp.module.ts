import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatCoreModule } from '@/chat/chat-core.module';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { WhatsAppChannelEntity } from './entities/whatsapp-channel.entity';
import { WhatsAppTemplateEntity } from './entities/whatsapp-template.entity';
import { WhatsAppProcessor } from './jobs/whatsapp.processor';
import { WhatsAppChannelsService } from './whatsapp-channels.service';
import { WhatsAppChannelsController } from './whatsapp-channels.controller';
import { WhatsAppConversationsService } from './whatsapp-conversations.service';
import { WhatsAppGraphClient } from './whatsapp-graph.client';
import { WhatsAppRepository } from './whatsapp.repository';

/**
 * WhatsApp Cloud API channels: numbers, templates, the public webhook, and the bridge between
 * WhatsApp users and bot sessions / live chat. `executions` is the app's one
 * `ExecutionsModule.register(config)` (for `SessionsService`), passed in so it is not registered twice.
 */
@Module({})
export class WhatsAppModule {
  static register(config: AppConfig, executions: DynamicModule): DynamicModule {
    return {
      module: WhatsAppModule,
      imports: [TypeOrmModule.forFeature([WhatsAppChannelEntity, WhatsAppTemplateEntity]), ChatCoreModule, executions],
      controllers: config.role.api ? [WhatsAppChannelsController] : [],
      providers: [
        WhatsAppRepository,
        WhatsAppGraphClient,
        WhatsAppChannelsService,
        WhatsAppConversationsService,
        ...workerProviders(config, [WhatsAppProcessor]),
      ],
    };
  }
}
