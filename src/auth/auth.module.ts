import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '@/config';
import { redisClientOptions } from '@/redis/redis.module';
import { UsersCoreModule } from '@/users/users.module';
import { AccessTokenService } from './access-token.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { EndedSessionsRepository } from './ended-sessions.repository';
import { EndedSessionEntity } from './entities/ended-session.entity';
import { ExternalIdentityEntity } from './entities/external-identity.entity';
import { ExternalIdentitiesRepository } from './external-identities.repository';
import { PasswordResetTokenEntity } from './entities/password-reset-token.entity';
import { RefreshTokenEntity } from './entities/refresh-token.entity';
import {
  KEYCLOAK_CONFIG,
  KEYCLOAK_VERIFIER_OPTIONS,
  KeycloakTokenVerifier,
  type KeycloakVerifierOptions,
} from './keycloak';
import { KeycloakController } from './keycloak.controller';
import { KeycloakProvisioning } from './keycloak-provisioning.service';
import { THROTTLE_BY_ACCOUNT, THROTTLE_BY_ACCOUNT_AND_IP, THROTTLE_BY_IP } from './login-throttler.guard';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordService } from './password.service';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { RefreshTokensService } from './refresh-tokens.service';
import { RoutePolicyCheck } from './route-policy.check';
import { SessionDenylist } from './session-denylist.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { KeycloakJwtStrategy } from './strategies/keycloak-jwt.strategy';
import { ParleyJwtStrategy } from './strategies/parley-jwt.strategy';
import { UserPrincipals } from './user-principals.service';

const accountOf = (request: Record<string, unknown>): string => {
  const body = (request as unknown as FastifyRequest).body as { email?: unknown } | undefined;
  return typeof body?.email === 'string' ? body.email.trim().toLowerCase() : `ip:${String(request.ip)}`;
};
const accountAndIpOf = (request: Record<string, unknown>): string => `${accountOf(request)}|${String(request.ip)}`;

const keycloakProviders = (config: AppConfig): Provider[] =>
  config.auth.keycloak
    ? [
        { provide: KEYCLOAK_CONFIG, useValue: config.auth.keycloak },
        {
          provide: KEYCLOAK_VERIFIER_OPTIONS,
          useValue: {
            jwksCooldownMs: config.auth.keycloak.jwksCooldownSeconds * 1000,
          } satisfies KeycloakVerifierOptions,
        },
        KeycloakTokenVerifier,
        KeycloakJwtStrategy,
      ]
    : [
        { provide: KeycloakTokenVerifier, useValue: null },
        { provide: KeycloakJwtStrategy, useValue: null },
      ];

/**
 * Authentication and access: local accounts (argon2id, JWT access + rotating refresh tokens),
 * Keycloak bearer tokens, API keys, the global deny-by-default guard and sign-in throttling.
 * Credentials are checked by Passport strategies (`parley-jwt`, `keycloak-jwt`, `api-key`) that the
 * one global guard picks from per request.
 */
@Module({})
export class AuthModule {
  static register(config: AppConfig): DynamicModule {
    const { limit, accountLimit, ttlSeconds } = config.auth.loginThrottle;
    return {
      module: AuthModule,
      imports: [
        DiscoveryModule,
        UsersCoreModule,
        TypeOrmModule.forFeature([
          RefreshTokenEntity,
          ApiKeyEntity,
          ExternalIdentityEntity,
          PasswordResetTokenEntity,
          EndedSessionEntity,
        ]),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: THROTTLE_BY_IP, limit: limit * 3, ttl: ttlSeconds * 1000 },
            { name: THROTTLE_BY_ACCOUNT_AND_IP, limit, ttl: ttlSeconds * 1000, getTracker: accountAndIpOf },
            { name: THROTTLE_BY_ACCOUNT, limit: accountLimit, ttl: ttlSeconds * 1000, getTracker: accountOf },
          ],
          // Counters live in Redis so limits hold across API processes.
          // (The storage owns this client and disconnects it on shutdown.)
          storage: new ThrottlerStorageRedisService(config.redis.url, {
            ...redisClientOptions,
            keyPrefix: `${config.redis.keyPrefix}:throttle:`,
            connectionName: `parley-throttle-${config.role.name}`,
          }),
        }),
      ],
      controllers: config.role.api ? [AuthController, ApiKeysController, KeycloakController] : [],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        RoutePolicyCheck,
        Authenticator,
        UserPrincipals,
        ParleyJwtStrategy,
        ApiKeyStrategy,
        AuthService,
        PasswordService,
        PasswordResetTokensRepository,
        AccessTokenService,
        RefreshTokensRepository,
        RefreshTokensService,
        EndedSessionsRepository,
        SessionDenylist,
        ApiKeysRepository,
        ApiKeysService,
        ExternalIdentitiesRepository,
        KeycloakProvisioning,
        ...keycloakProviders(config),
      ],
      exports: [Authenticator, AccessTokenService, SessionDenylist],
    };
  }
}
