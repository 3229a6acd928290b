import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { ChatSessionEntity } from './entities/chat-session.entity';

/** The flow engine, chat sessions, the chat APIs (native and Typebot-compatible), logs and results. */
@Module({})
export class ExecutionsModule {
  static register(_config: AppConfig): DynamicModule {
    return {
      module: ExecutionsModule,
      imports: [TypeOrmModule.forFeature([ChatSessionEntity])],
      controllers: [],
      providers: [],
    };
  }
}
