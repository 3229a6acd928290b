import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { ChatbotsController } from './chatbots.controller';
import { ChatbotsRepository } from './chatbots.repository';
import { ChatbotsService } from './chatbots.service';
import { ChatbotVersionEntity } from './entities/chatbot-version.entity';
import { ChatbotEntity } from './entities/chatbot.entity';
import { FlowTemplateEntity } from './entities/flow-template.entity';
import { PublishedChatbots } from './published-chatbots.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/**
 * Chatbot storage and rules, for modules that run bots (executions) without the editing API. Its
 * public face is its services: `PublishedChatbots` (what running a bot reads) and `ChatbotsService`
 * / `TemplatesService` (editing, used by this module's controllers). The repository and entities
 * stay private.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ChatbotEntity, ChatbotVersionEntity, FlowTemplateEntity])],
  providers: [ChatbotsRepository, PublishedChatbots, ChatbotsService, TemplatesService],
  exports: [PublishedChatbots, ChatbotsService, TemplatesService],
})
export class ChatbotsCoreModule {}

/** Chatbots, their immutable published versions, templates, Typebot import and export. */
@Module({})
export class ChatbotsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ChatbotsModule,
      imports: [ChatbotsCoreModule],
      controllers: config.role.api ? [ChatbotsController, TemplatesController] : [],
      exports: [ChatbotsCoreModule],
    };
  }
}
