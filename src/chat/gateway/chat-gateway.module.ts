import { type DynamicModule, Module } from '@nestjs/common';
import { UsersCoreModule } from '@/users/users.module';
import { ChatCoreModule } from '../chat-core.module';
import { AgentAuth } from './agent-auth';
import { AgentGateway } from './agent.gateway';
import { GatewayRepository } from './gateway.repository';
import { RealtimeFanout } from './realtime-fanout';
import { VisitorGateway } from './visitor.gateway';

/** The modules the gateways use, passed as the same instances AppModule imports (Nest keys dynamic modules by reference). */
export interface ChatGatewayImports {
  /** `AuthModule.register(config)`: `Authenticator`, `SessionDenylist`. */
  readonly auth: DynamicModule;
  /** `ExecutionsModule.register(config)`: `SessionsService`, `SessionTokens`, `VisitorAccess`, `VisitorRateLimit`. */
  readonly executions: DynamicModule;
  /** `ChatModule.register(config, executions)`: `ConversationsService`. */
  readonly chat: DynamicModule;
}

/**
 * Live chat over Socket.IO: `/visitor` and `/agent` gateways, the fan-out of committed events to
 * rooms, socket auth. API processes only (the Socket.IO adapter is `RedisIoAdapter`, set by
 * `createApp`). See docs/live-chat.md and docs/asyncapi.yaml.
 */
@Module({})
export class ChatGatewayModule {
  static register(imports: ChatGatewayImports): DynamicModule {
    return {
      module: ChatGatewayModule,
      imports: [imports.auth, imports.executions, imports.chat, ChatCoreModule, UsersCoreModule],
      providers: [GatewayRepository, RealtimeFanout, AgentAuth, VisitorGateway, AgentGateway],
    };
  }
}
