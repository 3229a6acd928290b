import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConversationMessageEntity } from './entities/conversation-message.entity';
import { ConversationEntity } from './entities/conversation.entity';
import {
  AgentCapacityEntity,
  CannedResponseEntity,
  ChatSettingsEntity,
  ConversationReadEntity,
} from './entities/chat-settings.entity';
import { ChannelContacts } from './channel-contacts.service';
import { ContactsRepository } from './contacts.repository';
import { ConversationStore } from './conversation-store.service';
import { MetricsModule } from '@/metrics/metrics.module';
import { MessageMetrics } from './message-metrics';
import { MessagesRepository } from './messages.repository';
import { PresenceService } from './presence.service';

/**
 * The conversation store, with no dependency on the engine: `executions` imports it (a visitor's
 * message while a human owns the conversation), `ChatModule` builds live chat on it.
 */
@Module({
  imports: [
    MetricsModule,
    TypeOrmModule.forFeature([
      ConversationEntity,
      ConversationMessageEntity,
      ConversationReadEntity,
      CannedResponseEntity,
      ChatSettingsEntity,
      AgentCapacityEntity,
    ]),
  ],
  providers: [
    MessagesRepository,
    ConversationStore,
    PresenceService,
    MessageMetrics,
    ContactsRepository,
    ChannelContacts,
  ],
  // ChannelContacts: channel integrations match their users to contacts by phone.
  exports: [ConversationStore, PresenceService, ChannelContacts],
})
export class ChatCoreModule {}
