import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { ConnectionSecrets } from './connection-secrets';
import { ConnectionTester } from './connection-tester';
import { ConnectionsController } from './connections.controller';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';
import { ConnectionEntity } from './entities/connection.entity';
import { OAuth2Tokens } from './oauth2-tokens';

/**
 * Named credentials per organization (`/api/v1/connections`). Global: other modules inject
 * `ConnectionSecrets` (the contract: a decrypted connection by id) or `ConnectionsService`
 * (`httpAuthorization` for the flow's HTTP block).
 */
@Module({})
export class ConnectionsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: ConnectionsModule,
      global: true,
      imports: [TypeOrmModule.forFeature([ConnectionEntity])],
      controllers: config.role.api ? [ConnectionsController] : [],
      providers: [
        ConnectionsRepository,
        ConnectionsService,
        ConnectionTester,
        OAuth2Tokens,
        { provide: ConnectionSecrets, useExisting: ConnectionsService },
      ],
      exports: [ConnectionsService, ConnectionSecrets],
    };
  }
}
