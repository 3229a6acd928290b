import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatCoreModule } from '@/chat/chat-core.module';
import { ContactsCoreModule } from '@/contacts/contacts.module';
import { createHash } from 'node:crypto';
import { ChatbotsCoreModule } from '@/chatbots/chatbots.module';
import { type AppConfig, APP_CONFIG } from '@/config';
import { resolveJwtSecret } from '@/auth/access-token.service';
import { workerProviders } from '@/queue/queue.module';
import { ChatController } from './chat.controller';
import { effectRunnerProviders } from './effects/effects.providers';
import { ChatSessionEntity, SessionTurnLogEntity } from './entities/chat-session.entity';
import { FlowCache } from './flow-cache';
import { ExecutionsProcessor } from './jobs/executions.processor';
import { PruneSchedule } from './jobs/prune-schedule';
import { LinkedFlows } from './linked-flows';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';
import { SessionTokens } from './session-token';
import { SessionTurnQueue } from './session-turn-queue';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TurnRunner } from './turn-runner';
import { TypebotBots } from './typebot/typebot-bots';
import { TypebotClientLogs } from './typebot/typebot-client-logs';
import { TypebotChatController } from './typebot/typebot-chat.controller';
import { VisitorAccess } from './visitor-access';
import { VisitorRateLimit } from './visitor-rate-limit';

/** SESSION_TOKEN_SECRET, else a key derived from the JWT secret (never the JWT secret itself). */
const sessionTokens = {
  provide: SessionTokens,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    new SessionTokens(
      config.executions.sessionTokenSecret
        ? Buffer.from(config.executions.sessionTokenSecret)
        : createHash('sha256').update('parley-session-tokens:').update(resolveJwtSecret(config)).digest(),
    ),
};

/** The flow engine, chat sessions, the chat APIs, logs and results. */
@Module({})
export class ExecutionsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ExecutionsModule,
      imports: [
        TypeOrmModule.forFeature([ChatSessionEntity, SessionTurnLogEntity]),
        ChatbotsCoreModule,
        ChatCoreModule,
        ContactsCoreModule,
      ],
      controllers: config.role.api ? [ChatController, ResultsController, TypebotChatController] : [],
      providers: [
        sessionTokens,
        SessionsRepository,
        SessionsService,
        SessionTurnQueue,
        ResultsService,
        FlowCache,
        LinkedFlows,
        TurnRunner,
        TypebotBots,
        TypebotClientLogs,
        VisitorAccess,
        VisitorRateLimit,
        ...effectRunnerProviders(config.executions),
        ...workerProviders(config, [ExecutionsProcessor, PruneSchedule]),
      ],
      // For live chat: visitors' sockets (token, access checks, turns) and agents' hand-back.
      exports: [SessionsService, SessionTokens, VisitorAccess, VisitorRateLimit],
    };
  }
}
