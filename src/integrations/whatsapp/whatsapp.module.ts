import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatCoreModule } from '@/chat/chat-core.module';
import { resolveMasterKey } from '@/common/crypto/master-key';
import { type AppConfig, APP_CONFIG } from '@/config';
import { SecretsVault } from '@/integrations/vault/secrets-vault';
import { workerProviders } from '@/queue/queue.module';
import { WhatsAppChannelEntity } from './entities/whatsapp-channel.entity';
import { WhatsAppTemplateEntity } from './entities/whatsapp-template.entity';
import { WhatsAppProcessor } from './jobs/whatsapp.processor';
import { WHATSAPP_VAULT, WhatsAppChannelsService } from './whatsapp-channels.service';
import { WhatsAppChannelsController } from './whatsapp-channels.controller';
import { WhatsAppConversationsService } from './whatsapp-conversations.service';
import { WhatsAppGraphClient } from './whatsapp-graph.client';
import { WhatsAppRepository } from './whatsapp.repository';

/** This module's vault (until the global VaultModule: the lead swaps the token at merge). */
const vault = {
  provide: WHATSAPP_VAULT,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new SecretsVault(resolveMasterKey(config), config.integrations.encryption.previousKeys),
};

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
        vault,
        WhatsAppRepository,
        WhatsAppGraphClient,
        WhatsAppChannelsService,
        WhatsAppConversationsService,
        ...workerProviders(config, [WhatsAppProcessor]),
      ],
    };
  }
}
