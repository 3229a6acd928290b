import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { AssignmentRepository } from './assignment.repository';
import { AssignmentService } from './assignment.service';
import { CannedResponsesController } from './canned-responses.controller';
import { CannedResponsesRepository } from './canned-responses.repository';
import { CannedResponsesService } from './canned-responses.service';
import { ChatCoreModule } from './chat-core.module';
import { ChatSettingsController } from './chat-settings.controller';
import { ConversationChanges } from './conversation-changes';
import { ConversationsController } from './conversations.controller';
import { ContactsRepository } from './contacts.repository';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { ChatProcessor } from './jobs/chat.processor';
import { SnoozeSchedule } from './jobs/snooze-schedule';
import { MessagesRepository } from './messages.repository';

/**
 * Live chat for agents: the inbox and actions (REST here, the agent socket through the exported
 * services), canned responses, assignment, presence. Other modules' tables (memberships, users,
 * departments) are read by name in this module's SQL. `executions` is the app's one
 * `ExecutionsModule.register(config)` (for `SessionsService.handBack`), passed in so it is not
 * registered twice.
 */
@Module({})
export class ChatModule {
  static register(config: AppConfig, executions: DynamicModule): DynamicModule {
    return {
      module: ChatModule,
      imports: [ChatCoreModule, executions],
      controllers: config.role.api ? [ConversationsController, CannedResponsesController, ChatSettingsController] : [],
      providers: [
        MessagesRepository,
        ConversationsRepository,
        ConversationChanges,
        ConversationsService,
        CannedResponsesRepository,
        CannedResponsesService,
        AssignmentRepository,
        AssignmentService,
        ContactsRepository,
        ...workerProviders(config, [ChatProcessor, SnoozeSchedule]),
      ],
      exports: [ChatCoreModule, ConversationsService, AssignmentService],
    };
  }
}
